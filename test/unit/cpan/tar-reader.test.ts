// The tar reader against node-tar's strict Parser, which read every archive before it
// (test/helpers/node-tar-reader.ts): the same members, bytes, digests and warnings for every archive
// of the corpus and for random and mutated hostile tars; whatever node-tar refused is refused; and
// what only the reader refuses is one of the header checks that ran beside node-tar then.
import { readFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ArchiveContents, ArchiveError, readArchive } from "../../../shared/domain/cpan/archive";
import { Collector } from "../../../shared/domain/cpan/archive/collector";
import { Budget, DEFAULT_LIMITS } from "../../../shared/domain/cpan/archive/limits";
import { TarReader } from "../../../shared/domain/cpan/archive/tar";
import { bundledKeep } from "../../../shared/domain/sbom/bundled";
import { tarArb } from "../../fuzz/gen/archive";
import { build, memberArb } from "../../fuzz/gen/typeflags";
import { applyMutations, mutations } from "../../fuzz/mutate";
import { corpusFiles } from "../../helpers/corpus";
import { readArchiveNodeTar } from "../../helpers/node-tar-reader";
import { header, member, pax, rawTar } from "../../helpers/raw-tar";

type Outcome = { ok: ArchiveContents } | { error: ArchiveError };
const keep = (p: string) => /^[^/]+\/META\.(json|yml)$/.test(p) || bundledKeep(p);

async function outcome(read: Promise<ArchiveContents>): Promise<Outcome> {
  try {
    return { ok: await read };
  } catch (e) {
    if (!(e instanceof ArchiveError)) throw e;
    return { error: e };
  }
}

const both = async (bytes: Uint8Array) => ({
  ours: await outcome(readArchive(bytes, { keep, sha1: true })),
  theirs: await outcome(readArchiveNodeTar(bytes, { keep, sha1: true })),
});

/** The refusals of the header checks that ran beside node-tar (tar-guard.ts), not node-tar's own rules. */
const GUARD =
  /refused, so that nothing|pax header|tar header checksum does not match|size field|size in tar header|header size is too large|extractors disagree/;

async function agree(bytes: Uint8Array): Promise<void> {
  const { ours, theirs } = await both(bytes);
  if ("ok" in ours) expect(theirs).toEqual(ours);
  else if ("ok" in theirs) expect(ours.error.message).toMatch(GUARD);
}

/** A member near node-tar's own rules: old-style directories, link names, numeric fields, checksum readings, prefixes, pax fields. */
const nearArb = fc.record({
  name: fc.constantFrom("X/a", "X/d/", "", "X/l"),
  type: fc.constantFrom("0", "\0", "5", "1", "2", "7", "x"),
  data: fc.constantFrom("", "abc"),
  linkname: fc.constantFrom("", "X/a"),
  field: fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(100, 108, 116, 124, 136, 329, 337, 476, 488), fc.constantFrom(0x80, 0xff, 0x81, 0x30), fc.nat({ max: 255 })),
    },
  ),
  eightDigits: fc.boolean(),
  prefix: fc.constantFrom("", "", "P"),
  magic: fc.constantFrom("posix" as const, "gnu" as const, "v7" as const),
  pax: fc.oneof(
    { weight: 2, arbitrary: fc.constant([] as Array<[string, string]>) },
    {
      weight: 1,
      arbitrary: fc.subarray([
        ["uid", "5"],
        ["mtime", "1"],
        ["path", "X/p"],
        ["linkpath", "X/q"],
        ["atime", "1"],
        ["size", "3"],
      ] as Array<[string, string]>),
    },
  ),
});

type Near = typeof nearArb extends fc.Arbitrary<infer T> ? T : never;

function nearMember(m: Near): Buffer {
  const body = Buffer.from(m.type === "x" ? "" : m.data);
  const h = header({ name: m.name, type: m.type, size: body.length, linkname: m.linkname, magic: m.magic });
  if (m.prefix) h.write(m.prefix, 345, "latin1");
  if (m.field) {
    const [at, lead, rest] = m.field;
    h[at] = lead;
    h[at + 7] = rest;
  }
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  h.write(m.eightDigits ? sum.toString(8).padStart(8, "0") : `${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return Buffer.concat([m.pax.length ? pax(m.pax) : Buffer.alloc(0), h, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

describe("the tar reader lists what node-tar listed", () => {
  it("for every archive of the corpus: members, digests, kept bytes and warnings", async () => {
    const files = corpusFiles().filter((f) => /\.tar\.(gz|bz2|xz)$/.test(f));
    for (const f of files) {
      const { ours, theirs } = await both(readFileSync(f));
      expect("ok" in ours, f).toBe(true);
      expect(theirs, f).toEqual(ours);
    }
  });

  it("for random tars (any name, size encoding, type, magic, prefix, checksum, pax record)", async () => {
    await fc.assert(fc.asyncProperty(tarArb, agree), { numRuns: 600 });
  });

  it("for random type flags, data on links and directories, pax sizes and lone zero blocks", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(memberArb, { minLength: 1, maxLength: 4 }), (ms) => agree(build(ms))),
      { numRuns: 400 },
    );
  });

  it("for members near node-tar's own rules", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(nearArb, { minLength: 1, maxLength: 3 }), (ms) => agree(rawTar(member("X/a", "0", "A"), ...ms.map(nearMember)))),
      { numRuns: 2000 },
    );
  });

  it("for mutated real tars, inside gzip", async () => {
    const seeds = corpusFiles()
      .filter((f) => f.endsWith(".tar.gz"))
      .slice(0, 4)
      .map((f) => new Uint8Array(gunzipSync(readFileSync(f))));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: seeds.length - 1 }), mutations, (i, edits) =>
        agree(new Uint8Array(gzipSync(applyMutations(seeds[i] as Uint8Array, edits, seeds)))),
      ),
      { numRuns: 300 },
    );
  });

  it("for data split across chunks at every offset (bodies, headers and pax records straddling them)", async () => {
    const t = rawTar(
      pax([["path", "X/é-from-pax"]]),
      member("X/a", "0", "A".repeat(700)),
      member("././@LongLink", "L", `X/${"n".repeat(300)}\0`),
      member("X/b", "0", "B"),
    );
    const whole = await readArchive(t, { keep: () => true });
    for (const step of [1, 7, 511, 512, 513, 1000]) {
      const budget = new Budget(DEFAULT_LIMITS, t.length);
      const out = new Collector(budget, { keep: () => true, sha1: false });
      const r = new TarReader(budget, out);
      for (let i = 0; i < t.length; i += step) r.write(t.subarray(i, i + step));
      r.end();
      expect(out.entries, `chunks of ${step}`).toEqual(whole.entries);
      expect(out.files).toEqual(whole.files);
    }
  });
});

describe("the tar reader refuses where node-tar and GNU tar would name a member differently", () => {
  // node-tar cut a long name at a NUL only up to the end of the line, GNU tar at the NUL: with
  // "X/d\0\n/", node-tar saw a directory "X/d\n/" (and read its data as headers), GNU tar a file "X/d".
  it("a GNU long name with bytes after its NUL", async () => {
    const smuggled = member("X/evil", "0", "evil");
    const t = rawTar(member("././@LongLink", "L", "X/d\0\n/"), Buffer.concat([header({ name: "X/short", type: "0", size: smuggled.length }), smuggled]));
    const e = await readArchive(t).catch((x: unknown) => x as ArchiveError);
    expect(e).toBeInstanceOf(ArchiveError);
    expect((e as ArchiveError).message).toMatch(/a GNU long name with bytes after its terminating NUL/);
  });

  it("an empty GNU long name", async () => {
    const e = await readArchive(rawTar(member("././@LongLink", "L", ""), member("X/a/", "0", ""))).catch((x: unknown) => x as ArchiveError);
    expect((e as ArchiveError).message).toMatch(/an empty GNU long-name header/);
  });
});
