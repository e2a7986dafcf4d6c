// readArchive inflates gzip on the thread pool first and, on any failure, reads again with
// decompressInto. Two things make that invisible: where the pool inflate succeeds it gives
// decompressInto's bytes (and fails wherever decompressInto fails), and every refusal is the one
// the usual read gives, to the byte, however the pool's pieces fall.
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ArchiveContents, ArchiveError, type ArchiveLimits, DEFAULT_LIMITS, readArchive } from "../../../shared/domain/cpan/archive";
import { Collector } from "../../../shared/domain/cpan/archive/collector";
import { corrupt, decompressInto, gunzipOnPool } from "../../../shared/domain/cpan/archive/decompress";
import { Budget } from "../../../shared/domain/cpan/archive/limits";
import { TarReader } from "../../../shared/domain/cpan/archive/tar";
import { tarArb } from "../../fuzz/gen/archive";
import { applyMutations, mutations } from "../../fuzz/mutate";
import { tar } from "../../helpers/archives";
import { member, rawTar } from "../../helpers/raw-tar";

const settle = async (run: (sink: (c: Uint8Array) => void) => Promise<void>) => {
  const parts: Uint8Array[] = [];
  try {
    await run((c) => parts.push(Buffer.from(c)));
    return { bytes: Buffer.concat(parts) };
  } catch {
    return { failed: true };
  }
};

const keep = (p: string) => (p.endsWith("META.json") ? true : p.endsWith(".h") ? 100 : false);

/** The read without the pool, as readArchive did before it (and does after a pool failure). */
async function usualRead(bytes: Uint8Array, limits: Partial<ArchiveLimits> = {}): Promise<ArchiveContents> {
  const budget = new Budget({ ...DEFAULT_LIMITS, ...limits }, bytes.byteLength);
  const out = new Collector(budget, { keep, sha1: true });
  try {
    const t = new TarReader(budget, out);
    await decompressInto(bytes, "tar.gz", (c) => t.write(c));
    t.end();
  } catch (e) {
    throw corrupt("tar.gz", e);
  }
  return { format: "tar.gz", entries: out.entries, files: out.files, warnings: out.warnings };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof ArchiveError ? { code: e.code, message: e.message, entry: e.entry } : e),
  );

describe("gunzipOnPool beside decompressInto", async () => {
  const t = await tar([
    { name: "G-1/META.json", content: "{}" },
    { name: "G-1/big", content: "0123456789abcdef".repeat(60_000) },
  ]);
  const gz = gzipSync(t);
  const flip = (at: number) => {
    const b = Buffer.from(gz);
    b[at] = (b[at] as number) ^ 0xff;
    return b;
  };
  it.each([
    ["one member", gz],
    ["two members", Buffer.concat([gzipSync(t.subarray(0, 5000)), gzipSync(t.subarray(5000))])],
    ["trailing zeros", Buffer.concat([gz, Buffer.alloc(1024)])],
    ["trailing garbage", Buffer.concat([gz, Buffer.from("junk after the member")])],
    ["a trailing 0x1f", Buffer.concat([gz, Buffer.from([0x1f])])],
    ["a trailing gzip magic", Buffer.concat([gz, Buffer.from([0x1f, 0x8b])])],
    ["a truncated member", gz.subarray(0, gz.length >> 1)],
    ["no trailer", gz.subarray(0, gz.length - 8)],
    ["a bad CRC", flip(gz.length - 6)],
    ["a bad length", flip(gz.length - 2)],
    ["a bad deflate block", flip(20)],
    ["an empty member", gzipSync(Buffer.alloc(0))],
  ])("%s: the same bytes, or a failure where it fails", async (_, bytes) => {
    const pool = await settle((sink) => gunzipOnPool(bytes, sink));
    const usual = await settle((sink) => decompressInto(bytes, "tar.gz", sink));
    expect(pool).toEqual(usual);
  });

  it("rejects when the sink throws, and stops handing it pieces", async () => {
    let calls = 0;
    const e = await gunzipOnPool(gz, () => {
      calls++;
      throw new Error("stop");
    }).catch((x: unknown) => x as Error);
    expect(e).toEqual(new Error("stop"));
    expect(calls).toBe(1);
  });
});

describe("readArchive refuses as the usual read does, to the byte", async () => {
  // The ratio and size messages name the byte count at which they tripped, which depends on the
  // pieces; the pool's are 16 times larger than decompressInto's.
  const bomb = gzipSync(await tar([{ name: "B-1/zeros", content: new Uint8Array(40 * 2 ** 20) }]));
  const t = await tar([{ name: "C-1/a", content: "x".repeat(300_000) }]);
  const badCrc = gzipSync(t);
  badCrc[badCrc.length - 6] = (badCrc[badCrc.length - 6] as number) ^ 0xff;
  const second = member("C-1/b", "0", "abc");
  second[2] = 0x44; // the name changes, the checksum does not
  const badHeader = rawTar(member("C-1/a", "0", "x".repeat(300_000)), second);
  it.each<[string, Uint8Array, Partial<ArchiveLimits>]>([
    ["a bomb, at the ratio limit", bomb, {}],
    ["a bomb, at the total-size limit", bomb, { maxTotalBytes: 8 * 2 ** 20 + 12_345 }],
    ["a file over the entry limit", gzipSync(t), { maxEntryBytes: 100_000 }],
    ["a bad CRC", badCrc, {}],
    ["a bad tar header", gzipSync(badHeader), {}],
  ])("%s", async (_, bytes, limits) => {
    const ours = await failure(readArchive(bytes, { limits, keep, sha1: true }));
    expect(ours).toBeDefined();
    expect(ours).toEqual(await failure(usualRead(bytes, limits)));
  });
});

describe("readArchive beside the usual read, for random and mutated gzip under random limits", () => {
  const outcome = (p: Promise<ArchiveContents>) =>
    p.then(
      (ok) => ({ ok }),
      (e: unknown) => (e instanceof ArchiveError ? { code: e.code, message: e.message, entry: e.entry } : { crash: e }),
    );
  const limitsArb: fc.Arbitrary<Partial<ArchiveLimits>> = fc.record(
    {
      maxTotalBytes: fc.integer({ min: 0, max: 1 << 16 }),
      maxEntries: fc.integer({ min: 0, max: 8 }),
      maxEntryBytes: fc.integer({ min: 0, max: 4096 }),
      maxRatio: fc.integer({ min: 1, max: 20 }),
      ratioFloorBytes: fc.integer({ min: 0, max: 8192 }),
      maxKeptFileBytes: fc.integer({ min: 0, max: 200 }),
    },
    { requiredKeys: [] },
  );
  const isGzip = (b: Uint8Array) => b[0] === 0x1f && b[1] === 0x8b;
  const same = async (bytes: Uint8Array, limits: Partial<ArchiveLimits>) => {
    fc.pre(isGzip(bytes)); // the pool reads gzip only; usualRead reads nothing else
    expect(await outcome(readArchive(bytes, { limits, keep, sha1: true }))).toEqual(await outcome(usualRead(bytes, limits)));
  };
  const gz = tarArb.map((t) => (isGzip(t) ? t : new Uint8Array(gzipSync(t))));

  it("random tars", async () => {
    await fc.assert(fc.asyncProperty(gz, limitsArb, same), { numRuns: 400 });
  });

  it("mutated gzip bytes", async () => {
    await fc.assert(
      fc.asyncProperty(gz, mutations, limitsArb, (bytes, edits, limits) => same(new Uint8Array(applyMutations(bytes, edits, [bytes])), limits)),
      { numRuns: 400 },
    );
  });
});
