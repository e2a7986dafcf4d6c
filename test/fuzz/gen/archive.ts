/**
 * Fuzz targets for archive reading: raw tar headers with random fields (names, sizes, types,
 * checksums, pax and GNU long-name records), raw zips with random local and central records, both
 * plain and compressed; mutations of real archives of every format; random limits.
 */
import { crc32, deflateRawSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { ArchiveError, type ArchiveLimits, readArchive } from "../../../shared/domain/cpan/archive";
import { describeRelease } from "../../../shared/domain/cpan/release";
import { type FuzzTarget, target } from "../harness";
import { applyMutations, mutated, mutations } from "../mutate";
import type { Seeds } from "./seeds";

const enc = new TextEncoder();
const entryName = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^Foo-1\.0\/[a-z]{1,8}(\/[A-Za-z.]{1,8}){0,2}$/) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "Foo-1.0/META.json",
      "Foo-1.0/META.yml",
      "../evil",
      "/etc/passwd",
      "C:x",
      "a\\..\\b",
      "a/\0b",
      "./",
      "",
      ".",
      "a//b",
      "Foo-1.0/",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 120 }) },
);
const octal = (n: number, width: number) =>
  n
    .toString(8)
    .padStart(width - 1, "0")
    .slice(-(width - 1));

interface TarRecord {
  name: string;
  type: string;
  size: { kind: "octal"; n: number } | { kind: "base256"; n: number } | { kind: "text"; s: string };
  body: Uint8Array;
  link: string;
  magic: string;
  prefix: string;
  checksum: "right" | "wrong" | "blank";
  pax: string | null;
}

const record: fc.Arbitrary<TarRecord> = fc.record({
  name: entryName,
  type: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("0", "\0", "5", "2", "1") },
    { weight: 1, arbitrary: fc.constantFrom("3", "4", "6", "7", "x", "g", "L", "K", "S", "V", "Z") },
  ),
  size: fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant("octal" as const), n: fc.nat({ max: 2000 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("base256" as const), n: fc.oneof(fc.nat({ max: 2000 }), fc.maxSafeNat()) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("text" as const), s: fc.string({ maxLength: 12 }) }) },
  ),
  body: fc.uint8Array({ maxLength: 1200 }),
  link: fc.oneof(fc.constant(""), entryName),
  magic: fc.constantFrom("ustar\u000000", "ustar  \0", "\0\0\0\0\0\0\0\0", "ustaX\u000000"),
  prefix: fc.oneof({ weight: 5, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.string({ maxLength: 150 }) }),
  checksum: fc.constantFrom("right", "right", "right", "right", "wrong", "blank"),
  pax: fc.option(
    fc.oneof(
      entryName.map((p) => `path=${p}`),
      fc.constantFrom("size=99999999999", "size=-1", "linkpath=../x", "path=", "mtime=1e400"),
      fc.string({ maxLength: 40 }),
    ),
    { freq: 5 },
  ),
});

function header(r: TarRecord, bodyLength: number, type = r.type, name = r.name): Uint8Array {
  const h = new Uint8Array(512);
  const put = (at: number, width: number, s: string | Uint8Array) => h.set((typeof s === "string" ? enc.encode(s) : s).subarray(0, width), at);
  put(0, 100, name);
  put(100, 8, "0000644\0");
  put(108, 8, "0000000\0");
  put(116, 8, "0000000\0");
  if (r.size.kind === "octal") put(124, 12, `${octal(bodyLength, 12)}\0`);
  else if (r.size.kind === "base256") {
    const b = new Uint8Array(12);
    b[0] = 0x80;
    let n = r.size.n;
    for (let i = 11; i > 0 && n > 0; i--, n = Math.floor(n / 256)) b[i] = n % 256;
    put(124, 12, b);
  } else put(124, 12, r.size.s);
  put(136, 12, "00000000000\0");
  put(156, 1, type);
  put(157, 100, r.link);
  put(257, 8, r.magic);
  put(345, 155, r.prefix);
  put(148, 8, "        ");
  if (r.checksum !== "blank") {
    const sum = h.reduce((a, b) => a + b, 0) + (r.checksum === "wrong" ? 1 : 0);
    put(148, 8, `${octal(sum, 7)}\0 `);
  }
  return h;
}

const pad = (b: Uint8Array) => {
  const out = new Uint8Array(Math.ceil(b.byteLength / 512) * 512);
  out.set(b);
  return out;
};

function paxRecord(kv: string): Uint8Array {
  let len = kv.length + 3;
  while (`${len} ${kv}\n`.length !== len) len = `${len} ${kv}\n`.length;
  return enc.encode(`${len} ${kv}\n`);
}

/** A tar stream from records; `sizes` says whether each body matches its declared size. */
function tarStream(records: readonly TarRecord[], trailer: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const r of records) {
    if (r.pax !== null) {
      const body = paxRecord(r.pax);
      parts.push(header({ ...r, size: { kind: "octal", n: 0 }, checksum: "right" }, body.byteLength, "x", "PaxHeader"), pad(body));
    }
    const declared = r.size.kind === "octal" ? r.size.n : r.body.byteLength;
    const body = r.body.subarray(0, declared === r.body.byteLength ? undefined : Math.min(declared, r.body.byteLength));
    parts.push(header(r, declared), pad(body));
  }
  for (let i = 0; i < trailer; i++) parts.push(new Uint8Array(512));
  return Buffer.concat(parts);
}

/** Raw tar streams from random records, plain or gzipped (also the differential test's input). */
export const tarArb = fc.tuple(fc.array(record, { minLength: 1, maxLength: 5 }), fc.nat({ max: 2 }), fc.boolean()).map(([rs, trailer, gz]) => {
  const t = tarStream(rs, trailer);
  return gz ? new Uint8Array(gzipSync(t)) : t;
});

interface ZipRecord {
  name: string;
  data: Uint8Array;
  deflate: boolean;
  mode: number;
  unix: boolean;
  lieSize: number;
  lieCrc: boolean;
  flags: number;
}

const zipRecord: fc.Arbitrary<ZipRecord> = fc.record({
  name: entryName,
  data: fc.uint8Array({ maxLength: 600 }),
  deflate: fc.boolean(),
  mode: fc.constantFrom(0o100644, 0o040755, 0o120777, 0o010644, 0o020644, 0o060644, 0o140644, 0),
  unix: fc.boolean(),
  lieSize: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -100, max: 100000 }) }),
  lieCrc: fc.boolean(),
  flags: fc.constantFrom(0, 0, 0, 0x800, 0x1, 0x8),
});

function zipFile(records: readonly ZipRecord[], lieCount: number, comment: string): Uint8Array {
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const r of records) {
    const name = enc.encode(r.name);
    const body = r.deflate ? new Uint8Array(deflateRawSync(r.data)) : r.data;
    const crc = r.lieCrc ? crc32(r.data) ^ 1 : crc32(r.data);
    const usize = Math.max(0, r.data.byteLength + r.lieSize) >>> 0;
    const l = Buffer.alloc(30);
    l.writeUInt32LE(0x04034b50, 0);
    l.writeUInt16LE(20, 4);
    l.writeUInt16LE(r.flags, 6);
    l.writeUInt16LE(r.deflate ? 8 : 0, 8);
    l.writeUInt32LE(crc >>> 0, 14);
    l.writeUInt32LE(body.byteLength, 18);
    l.writeUInt32LE(usize, 22);
    l.writeUInt16LE(name.byteLength, 26);
    locals.push(l, name, body);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(r.unix ? (3 << 8) | 20 : 20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(r.flags, 8);
    c.writeUInt16LE(r.deflate ? 8 : 0, 10);
    c.writeUInt32LE(crc >>> 0, 16);
    c.writeUInt32LE(body.byteLength, 20);
    c.writeUInt32LE(usize, 24);
    c.writeUInt16LE(name.byteLength, 28);
    c.writeUInt32LE((r.mode << 16) >>> 0, 38);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.byteLength + body.byteLength;
  }
  const cd = Buffer.concat(central);
  const commentBytes = enc.encode(comment);
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE((records.length + lieCount) & 0xffff, 8);
  e.writeUInt16LE((records.length + lieCount) & 0xffff, 10);
  e.writeUInt32LE(cd.byteLength, 12);
  e.writeUInt32LE(offset, 16);
  e.writeUInt16LE(commentBytes.byteLength, 20);
  return Buffer.concat([...locals, cd, e, commentBytes]);
}

const zipArb = fc
  .tuple(
    fc.array(zipRecord, { maxLength: 4 }),
    fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 3 }) }),
    fc.string({ maxLength: 10 }),
  )
  .map(([rs, lie, comment]) => zipFile(rs, lie, comment));

const limitsArb: fc.Arbitrary<Partial<ArchiveLimits>> = fc.record(
  {
    maxArchiveBytes: fc.integer({ min: 100, max: 1 << 20 }),
    maxTotalBytes: fc.integer({ min: 0, max: 1 << 20 }),
    maxEntries: fc.integer({ min: 0, max: 20 }),
    maxEntryBytes: fc.integer({ min: 0, max: 4096 }),
    maxRatio: fc.integer({ min: 1, max: 50 }),
    ratioFloorBytes: fc.integer({ min: 0, max: 8192 }),
    maxKeptFileBytes: fc.integer({ min: 0, max: 4096 }),
  },
  { requiredKeys: [] },
);

const keepMeta = (p: string) => /(^|\/)META\.(json|yml)$/.test(p);
type ArchiveInput = { bytes: Uint8Array; limits?: Partial<ArchiveLimits> };
type Read = Awaited<ReturnType<typeof readArchive>>;

/** What must hold of any archive that reads: safe paths, and every limit respected. */
function checkContents(input: ArchiveInput, out: unknown): void {
  const a = out as Read;
  const l = input.limits ?? {};
  for (const e of a.entries) {
    if (e.path.startsWith("/") || e.path.split("/").includes("..") || e.path.includes("\0") || e.path.includes("\\"))
      throw new Error(`unsafe path listed: ${JSON.stringify(e.path)}`);
    if (l.maxEntryBytes !== undefined && e.size > l.maxEntryBytes) throw new Error(`${e.path}: ${e.size} bytes passed maxEntryBytes ${l.maxEntryBytes}`);
  }
  if (l.maxEntries !== undefined && a.entries.length > l.maxEntries) throw new Error(`${a.entries.length} entries passed maxEntries ${l.maxEntries}`);
  for (const [p, b] of a.files)
    if (l.maxKeptFileBytes !== undefined && b.byteLength > l.maxKeptFileBytes) throw new Error(`${p}: kept ${b.byteLength} bytes past maxKeptFileBytes`);
}

export function archiveTargets(seeds: Seeds): FuzzTarget[] {
  const innerMutated = fc
    .tuple(fc.nat({ max: seeds.tars.length - 1 }), mutations)
    .map(([i, edits]) => new Uint8Array(gzipSync(applyMutations(seeds.tars[i] as Uint8Array, edits, seeds.tars))));
  const bytes = fc.oneof(tarArb, zipArb, mutated(seeds.archives), innerMutated, mutated(tarArb), mutated(zipArb));
  const readTarget: FuzzTarget<ArchiveInput> = {
    name: "archive",
    parser: "cpan/archive readArchive (tar, tar.gz, tar.bz2, tar.xz, zip)",
    inputs: `raw tar streams from random headers (names, octal/base-256/garbage sizes, every type flag, magic, checksums right and wrong, pax records) plain and gzipped; raw zips from random local/central records (stored/deflated, unix modes incl. devices and FIFOs, lying sizes, CRCs and counts); mutations of those and of ${seeds.archives.length} real archives of every format; tar streams mutated inside gzip`,
    arbitrary: fc.record({ bytes }),
    run: (i) => readArchive(i.bytes, { keep: keepMeta }),
    accepts: [ArchiveError],
    check: checkContents,
    runs: 400,
    deadlineMs: 10_000,
  };
  const limitsTarget: FuzzTarget<ArchiveInput> = {
    name: "archive-limits",
    parser: "cpan/archive readArchive with random small ArchiveLimits",
    inputs: "the archive inputs above under random limits; every accepted result is checked against them",
    arbitrary: fc.record({ bytes: fc.oneof(tarArb, zipArb, fc.constantFrom(...seeds.archives)), limits: limitsArb }),
    run: (i) => readArchive(i.bytes, { keep: keepMeta, ...(i.limits ? { limits: i.limits } : {}) }),
    accepts: [ArchiveError],
    check: checkContents,
    runs: 200,
    deadlineMs: 10_000,
  };
  const describeTarget: FuzzTarget<{ path: string; bytes: Uint8Array }> = {
    name: "describe-release",
    parser: "cpan/release.ts describeRelease (never throws on bad input)",
    inputs: "random CPAN paths with archives whose META.json/META.yml are generated documents or mutations; mutated real archives",
    arbitrary: fc.record({
      path: fc.oneof(fc.constant("authors/id/F/FO/FOO/Foo-1.0.tar.gz"), fc.string({ maxLength: 40 })),
      bytes: fc.oneof(mutated(seeds.archives), innerMutated, tarArb),
    }),
    run: (i) => describeRelease(i.path, i.bytes),
    accepts: [],
    runs: 200,
    deadlineMs: 10_000,
  };
  return [target(readTarget), target(limitsTarget), target(describeTarget)];
}
