// Exports read the previous export back: unchanged advisories keep `modified` and their CSAF
// tracking, changed ones get the feed's time and the next revision, removed ones are withdrawn
// (OSV) or kept (CSAF); output is byte-identical for the same inputs; a previous export that is
// not what we wrote is an error, not a silent restart.
import { describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import yauzl from "yauzl";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { exportCsaf } from "../../../shared/domain/publish/export-csaf";
import { exportOsv } from "../../../shared/domain/publish/export-osv";
import type { PublishedFile } from "../../../shared/domain/publish/published";

const row = (id: string, affected: string[], fixed: string[], extra: Record<string, unknown> = {}) => ({
  id,
  distribution: "Foo-Bar",
  affected_versions: affected,
  fixed_versions: fixed,
  cves: ["CVE-2026-1"],
  description: "Bad thing. More detail.",
  reported: "2025-03-01",
  severity: "high",
  references: ["https://example.org/a"],
  ...extra,
});
const feedBytes = (date: string, rows: ReturnType<typeof row>[]) =>
  new TextEncoder().encode(
    JSON.stringify({
      meta: { date, commit: "abc" },
      module2dist: {},
      dists: { "Foo-Bar": { versions: ["1.0", "1.1", "1.2", "2.0"].map((version) => ({ version })), advisories: rows } },
    }),
  );
const csafOptions = { publisher: { category: "coordinator" as const, name: "T", namespace: "https://t.example" }, baseUrl: "https://t.example/csaf" };

const reader = (files: readonly PublishedFile[]) => async (p: string) => files.find((f) => f.path === p)?.bytes;
const text = (files: readonly PublishedFile[], p: string) => new TextDecoder().decode(files.find((f) => f.path === p)!.bytes);

describe("OSV export across feed versions", () => {
  const day1 = parseFeed(
    feedBytes("Sun Aug 16 14:31:00 2026", [row("CPANSA-Foo-Bar-2026-1", ["<1.2"], [">=1.2"]), row("CPANSA-Foo-Bar-2026-2", ["<2.0"], [])]),
  );
  const day2 = parseFeed(
    feedBytes("Mon Aug 17 09:00:00 2026", [row("CPANSA-Foo-Bar-2026-1", ["<1.2"], [">=1.2"]), row("CPANSA-Foo-Bar-2026-3", ["==1.1"], [])]),
  );
  it("keeps modified while the content is the same, takes the feed time when it changes, and withdraws what left the feed", async () => {
    const first = await exportOsv(day1, async () => undefined);
    expect(first.records.map((r) => [r.id, r.modified])).toEqual([
      ["CPANSA-Foo-Bar-2026-1", "2026-08-16T14:31:00Z"],
      ["CPANSA-Foo-Bar-2026-2", "2026-08-16T14:31:00Z"],
    ]);
    const second = await exportOsv(day2, reader(first.files));
    expect(second.records.map((r) => [r.id, r.modified, r.withdrawn])).toEqual([
      ["CPANSA-Foo-Bar-2026-1", "2026-08-16T14:31:00Z", undefined],
      ["CPANSA-Foo-Bar-2026-2", "2026-08-17T09:00:00Z", "2026-08-17T09:00:00Z"],
      ["CPANSA-Foo-Bar-2026-3", "2026-08-17T09:00:00Z", undefined],
    ]);
    expect(text(second.files, "CPAN/modified_id.csv")).toBe(
      "2026-08-17T09:00:00Z,CPANSA-Foo-Bar-2026-2\n2026-08-17T09:00:00Z,CPANSA-Foo-Bar-2026-3\n2026-08-16T14:31:00Z,CPANSA-Foo-Bar-2026-1\n",
    );
    // Exporting the same feed over its own output changes nothing, byte for byte.
    const again = await exportOsv(day2, reader(second.files));
    expect(again.files.map((f) => [f.path, Buffer.from(f.bytes).toString("base64")])).toEqual(
      second.files.map((f) => [f.path, Buffer.from(f.bytes).toString("base64")]),
    );
  });
  it("writes all.zip holding every record as <ID>.json", async () => {
    const { files } = await exportOsv(day1, async () => undefined);
    const zip = files.find((f) => f.path === "CPAN/all.zip")!.bytes;
    const entries = await new Promise<Record<string, string>>((resolve, reject) =>
      yauzl.fromBuffer(Buffer.from(zip), { lazyEntries: true }, (err, z) => {
        if (err) return reject(err);
        const out: Record<string, string> = {};
        z.on("entry", (e: yauzl.Entry) =>
          z.openReadStream(e, async (e2, s) => {
            if (e2) return reject(e2);
            out[e.fileName] = Buffer.concat(await Readable.from(s).toArray()).toString("utf8");
            z.readEntry();
          }),
        )
          .on("end", () => resolve(out))
          .on("error", reject);
        z.readEntry();
      }),
    );
    expect(Object.keys(entries)).toEqual(["CPANSA-Foo-Bar-2026-1.json", "CPANSA-Foo-Bar-2026-2.json"]);
    expect(entries["CPANSA-Foo-Bar-2026-1.json"]).toBe(text(files, "CPAN/CPANSA-Foo-Bar-2026-1.json"));
  });
  it("refuses a previous export it cannot read, and ids that cannot be file names", async () => {
    await expect(exportOsv(day1, async (p) => (p === "CPAN/CPANSA-Foo-Bar-2026-1.json" ? new TextEncoder().encode("{not json") : undefined))).rejects.toThrow(
      /previous export's CPAN\/CPANSA-Foo-Bar-2026-1.json is not readable JSON/,
    );
    await expect(
      exportOsv(day1, async (p) => (p === "CPAN/modified_id.csv" ? new TextEncoder().encode("2026-01-01T00:00:00Z,../../etc\n") : undefined)),
    ).rejects.toThrow(/line 1 is not/);
    const hostile = await exportOsv(parseFeed(feedBytes("Sun Aug 16 14:31:00 2026", [row("CPANSA-../../x", ["<1"], [])])), async () => undefined);
    expect(hostile.records).toEqual([]);
    expect(hostile.problems).toEqual(['advisory id "CPANSA-../../x" is not [A-Za-z0-9._+-]: not published']);
  });
});

describe("CSAF tracking across feed versions", () => {
  const day1 = parseFeed(feedBytes("Sun Aug 16 14:31:00 2026", [row("CPANSA-Foo-Bar-2026-1", ["<1.2"], [">=1.2"])]));
  const day2 = parseFeed(feedBytes("Mon Aug 17 09:00:00 2026", [row("CPANSA-Foo-Bar-2026-1", ["<2.0"], [">=2.0"])]));
  const path = "2025/cpansa-foo-bar-2026-1.json";
  const doc = (files: readonly PublishedFile[]) => JSON.parse(text(files, path));
  it("starts at revision 1 on the reported date, keeps it while nothing changes, adds revision 2 dated by the feed when the advisory changes", async () => {
    const first = await exportCsaf(day1, async () => undefined, csafOptions);
    expect(doc(first.files).document.tracking).toMatchObject({
      version: "1",
      initial_release_date: "2025-03-01T00:00:00Z",
      current_release_date: "2025-03-01T00:00:00Z",
    });
    expect(doc(first.files).vulnerabilities[0].product_status).toEqual({
      known_affected: ["Foo-Bar@vers:cpan/<1.2", "Foo-Bar@1.0", "Foo-Bar@1.1"],
      fixed: ["Foo-Bar@1.2", "Foo-Bar@2.0"],
    });
    expect(doc(first.files).vulnerabilities[0].remediations[0]).toMatchObject({ category: "vendor_fix", details: expect.stringContaining("to 1.2 or later") });
    const same = await exportCsaf(
      parseFeed(feedBytes("Mon Aug 17 09:00:00 2026", [row("CPANSA-Foo-Bar-2026-1", ["<1.2"], [">=1.2"])])),
      reader(first.files),
      csafOptions,
    );
    expect(text(same.files, path)).toBe(text(first.files, path));
    const changed = await exportCsaf(day2, reader(first.files), csafOptions);
    const t = doc(changed.files).document.tracking;
    expect(t.version).toBe("2");
    expect(t.current_release_date).toBe("2026-08-17T09:00:00Z");
    expect(t.revision_history.map((h: { number: string; date: string }) => [h.number, h.date])).toEqual([
      ["1", "2025-03-01T00:00:00Z"],
      ["2", "2026-08-17T09:00:00Z"],
    ]);
    expect(text(changed.files, "index.txt")).toBe(`${path}\n`);
    expect(text(changed.files, "changes.csv")).toBe(`"${path}","2026-08-17T09:00:00Z"\n`);
    expect(text(changed.files, `${path}.sha256`)).toMatch(/^[0-9a-f]{64} {2}cpansa-foo-bar-2026-1\.json\n$/);
  });
  it("refuses to date a revision before the previous one (an older feed over a newer export)", async () => {
    const newer = await exportCsaf(day2, async () => undefined, csafOptions);
    const older = parseFeed(feedBytes("Sat Aug 15 00:00:00 2026", [row("CPANSA-Foo-Bar-2026-1", ["<1.2"], [">=1.2"], { reported: "2026-08-17" })]));
    const bumped = await exportCsaf(day2, reader(newer.files), csafOptions);
    expect(text(bumped.files, path)).toBe(text(newer.files, path));
    const later = await exportCsaf(
      parseFeed(feedBytes("Tue Aug 18 00:00:00 2026", [row("CPANSA-Foo-Bar-2026-1", ["<1.1"], [])])),
      reader(newer.files),
      csafOptions,
    );
    await expect(exportCsaf(older, reader(later.files), csafOptions)).rejects.toThrow(/after this feed/);
  });
});
