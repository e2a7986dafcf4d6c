/**
 * Fuzz target for tar type flags: archives of members with any type byte, data on links and
 * directories, pax records (size, path, GNU.sparse, comments with newlines) and lone zero blocks.
 * The oracle is what GNU tar and Python's tarfile do (test/unit/cpan/tar-typeflags.test.ts):
 * every member of a type they write as a regular file must be in the manifest with its bytes, or
 * the archive must be refused.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { ArchiveError, readArchive } from "../../../shared/domain/cpan/archive";
import type { FuzzTarget } from "../harness";
import { member, pax, rawTar } from "../../helpers/raw-tar";

export interface Member {
  type: string;
  data: Uint8Array;
  pax: Array<[string, string]> | null;
  zeroBefore: boolean;
}

/** Types extractors do not write as a file of their own: links, directories, extension headers. */
const NOT_FILES = new Set(["1", "2", "5", "x", "g", "L", "K", "X", "3", "4", "6", "D", "M", "V", "S"]);

export const memberArb: fc.Arbitrary<Member> = fc.record({
  type: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("0", "\0", "7", "1", "2", "5") },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)) },
  ),
  data: fc.uint8Array({ maxLength: 700 }),
  pax: fc.option(
    fc.array(
      fc.tuple(
        fc.constantFrom("comment", "size", "GNU.sparse.major", "mtime", "uname"),
        fc.oneof(fc.stringMatching(/^\d{1,3}$/), fc.string({ maxLength: 20 })),
      ),
      { maxLength: 3 },
    ),
    { freq: 4 },
  ),
  zeroBefore: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

export const build = (ms: Member[]) =>
  rawTar(
    ...ms.flatMap((m, i) => [
      ...(m.zeroBefore && i > 0 ? [Buffer.alloc(512)] : []),
      ...(m.pax ? [pax(m.pax)] : []),
      member(`F/m${i}`, m.type, Buffer.from(m.data), m.type === "1" || m.type === "2" ? { linkname: "F/m0" } : {}),
    ]),
  );

function check(ms: Member[], out: unknown): void {
  const a = out as Awaited<ReturnType<typeof readArchive>>;
  const listed = new Map(a.entries.map((e) => [e.path, e]));
  // A pax size moves where data ends for every reader alike: the generator no longer knows the bytes.
  if (ms.some((m) => m.pax?.some(([k]) => k === "size"))) return;
  ms.forEach((m, i) => {
    if (NOT_FILES.has(m.type)) return;
    const e = listed.get(`F/m${i}`);
    const want = createHash("sha256").update(m.data).digest("hex");
    if (e?.sha256 !== want)
      throw new Error(
        `member F/m${i} of type ${JSON.stringify(m.type)} (${m.data.length} bytes) is written by extractors but ${e ? "listed with other bytes" : "missing from the manifest"}`,
      );
  });
}

export const typeflagTargets: FuzzTarget[] = [
  {
    name: "tar-typeflags",
    parser: "cpan/archive readArchive: tar type flags, pax records and links against what extractors write",
    inputs:
      "raw tar streams of 1-4 members with any type byte (0-127), data on links and directories, pax records (size, comment, GNU.sparse) and lone zero blocks",
    arbitrary: fc.array(memberArb, { minLength: 1, maxLength: 4 }).map((ms) => ({ ms, bytes: build(ms) })),
    run: (i: { bytes: Buffer }) => readArchive(i.bytes),
    accepts: [ArchiveError],
    check: (i: { ms: Member[] }, out: unknown) => check(i.ms, out),
    runs: 300,
    deadlineMs: 10_000,
  } as FuzzTarget<{ ms: Member[]; bytes: Buffer }> as FuzzTarget,
];
