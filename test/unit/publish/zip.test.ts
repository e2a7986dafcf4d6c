// all.zip is written by shared/domain/publish/zip.ts: the same bytes yazl writes for the same
// entries (so a deployment's published all.zip did not change when the writer did), readable by
// yauzl, and independent of the time zone.
import { describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import yauzl from "yauzl";
import { ZipFile } from "yazl";
import { type ZipEntry, zipFiles } from "../../../shared/domain/publish/zip";

/** What the exporter wrote with yazl: the entry's UTC fields as a local time, so the DOS fields are the UTC ones. */
function yazlZip(entries: readonly ZipEntry[], compressionLevel = 6): Promise<Buffer> {
  const zip = new ZipFile();
  for (const e of entries) {
    const t = new Date(e.mtime);
    const local = new Date(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds());
    zip.addBuffer(Buffer.from(e.bytes), e.name, { mtime: local, mode: 0o100644, compressionLevel, forceDosTimestamp: true });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream
      .on("data", (c: Buffer) => chunks.push(c))
      .on("end", () => resolve(Buffer.concat(chunks)))
      .on("error", reject);
  });
}

function unzip(bytes: Uint8Array): Promise<Record<string, { text: string; modified: Date }>> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(Buffer.from(bytes), { lazyEntries: true }, (err, z) => {
      if (err) return reject(err);
      const out: Record<string, { text: string; modified: Date }> = {};
      z.on("entry", (e: yauzl.Entry) =>
        z.openReadStream(e, async (e2, s) => {
          if (e2) return reject(e2);
          out[e.fileName] = { text: Buffer.concat(await Readable.from(s).toArray()).toString("utf8"), modified: e.getLastModDate({ timezone: "UTC" }) };
          z.readEntry();
        }),
      )
        .on("end", () => resolve(out))
        .on("error", reject);
      z.readEntry();
    }),
  );
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const entries: ZipEntry[] = [
  {
    name: "CPANSA-Foo-2026-1.json",
    bytes: utf8(`${JSON.stringify({ id: "CPANSA-Foo-2026-1", details: "x".repeat(5000) }, null, 2)}\n`),
    mtime: "2026-08-16T14:31:07Z",
  },
  { name: "CPANSA-Ünïcode-1.json", bytes: utf8('{"summary": "naïve"}\n'), mtime: "1999-12-31T23:59:59Z" },
  { name: "empty.json", bytes: new Uint8Array(0), mtime: "2026-01-01T00:00:00Z" },
  { name: "old.json", bytes: utf8("{}\n"), mtime: "1970-01-01T00:00:00Z" },
];

describe("zipFiles", () => {
  it("writes the bytes yazl wrote", async () => {
    expect(Buffer.from(zipFiles(entries)).equals(await yazlZip(entries))).toBe(true);
    expect(Buffer.from(zipFiles([])).equals(await yazlZip([]))).toBe(true);
  });
  it("holds each entry, dated by its UTC time (two-second DOS resolution, 1980 at the earliest)", async () => {
    const got = await unzip(zipFiles(entries));
    expect(Object.keys(got)).toEqual(entries.map((e) => e.name));
    expect(got["CPANSA-Ünïcode-1.json"]).toEqual({ text: '{"summary": "naïve"}\n', modified: new Date("1999-12-31T23:59:58Z") });
    expect(got["empty.json"]?.text).toBe("");
    expect(got["old.json"]?.modified).toEqual(new Date("1980-01-01T00:00:00Z"));
    expect(got["CPANSA-Foo-2026-1.json"]?.modified).toEqual(new Date("2026-08-16T14:31:06Z"));
  });
  it("keeps the compressed data of the entries the previous zip holds, and deflates the others", async () => {
    // A previous zip deflated at another level: its data are recognisable.
    const previous = await yazlZip(entries, 1);
    const changed = entries.map((e, i) => (i === 1 ? { ...e, bytes: utf8('{"summary": "changed"}\n') } : e));
    const zip = zipFiles(changed, previous);
    expect(Buffer.from(zip).equals(Buffer.from(zipFiles(changed)))).toBe(false);
    const big = Buffer.from(previous).indexOf(Buffer.from(zipFiles([entries[0]!], previous)).subarray(30 + entries[0]!.name.length, 60));
    expect(big).toBeGreaterThan(0);
    const got = await unzip(zip);
    expect(Object.fromEntries(Object.entries(got).map(([k, v]) => [k, v.text]))).toEqual(
      Object.fromEntries(changed.map((e) => [e.name, new TextDecoder().decode(e.bytes)])),
    );
    // Not ours: nothing reused; an entry whose data do not inflate to its bytes is deflated afresh.
    expect(Buffer.from(zipFiles(changed, utf8("not a zip"))).equals(Buffer.from(zipFiles(changed)))).toBe(true);
    const damaged = Buffer.from(previous);
    damaged.fill(0x55, 40, 80);
    expect(Buffer.from(zipFiles(changed, damaged)).equals(Buffer.from(zipFiles(changed)))).toBe(true);
  });
});
