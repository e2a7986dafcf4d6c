/** Fuzz targets for what a log client reads: checkpoints, signed notes and keys, proofs, tiles, bundles, entries. */
import fc from "fast-check";
import { CheckpointError, formatCheckpoint, parseCheckpoint } from "../../../shared/domain/tlog/checkpoint";
import { EntryError, buildEntry, parseEntry } from "../../../shared/domain/tlog/entry";
import { type Hash, leafHash, perfectRoot } from "../../../shared/domain/tlog/hash";
import {
  NoteError,
  formatPrivateKey,
  formatVerifierKey,
  keyId,
  openNote,
  parsePrivateKey,
  parseVerifierKey,
  signNote,
  signerFromSeed,
} from "../../../shared/domain/tlog/note";
import { ProofError, consistencyProof, consistentWithPrevious, inclusionProof, treeRoot, verifyInclusion } from "../../../shared/domain/tlog/proof";
import { TileFormatError, decodeBundle, encodeBundle, entriesPath, splitTile, tilePath } from "../../../shared/domain/tlog/tiles";
import { type FuzzTarget, target } from "../harness";
import { mutated, mutatedText } from "../mutate";
import { anyNumber, anyText, base64Of, numberText } from "./common";

const enc = new TextEncoder();
const SEED = new Uint8Array(32).fill(7);
const signer = signerFromSeed("fuzz.example/log", SEED);
const other = signerFromSeed("fuzz.example/other", new Uint8Array(32).fill(9));
const verifiers = [signer, other];

const root = fc.uint8Array({ minLength: 32, maxLength: 32 });
const validCheckpoint = fc
  .record({
    origin: fc.stringMatching(/^[a-z0-9./-]{1,30}$/),
    size: fc.oneof(fc.nat(), fc.maxSafeNat()),
    root,
    extensions: fc.array(fc.stringMatching(/^[ -~]{1,20}$/), { maxLength: 2 }),
  })
  .map((c) => formatCheckpoint(c));

const checkpointText = fc.oneof(
  validCheckpoint,
  fc
    .tuple(anyText(), numberText, fc.oneof(base64Of(0, 40), anyText()), fc.array(anyText(10), { maxLength: 3 }), fc.boolean())
    .map(([o, s, r, ext, nl]) => [o, s, r, ...ext].join("\n") + (nl ? "\n" : "")),
  mutatedText(
    validCheckpoint.map((t) => enc.encode(t)),
    ["\n", "+", "=", "/", "0", "9007199254740993", "\u2014"],
  ),
);

const checkpoint: FuzzTarget<string> = {
  name: "checkpoint",
  parser: "tlog/checkpoint.ts parseCheckpoint",
  inputs: "checkpoints with random origins, size texts, base64 roots and extension lines; mutations of valid ones",
  arbitrary: checkpointText,
  run: parseCheckpoint,
  accepts: [CheckpointError],
  check: (text, out) => {
    // What parses formats back to the same bytes (the signed text is the checkpoint), for every
    // origin this log would sign; any other origin (spaces, '+': a C2SP SHOULD NOT) is read, as
    // transparency-dev reads it, and refused by formatCheckpoint with its own error.
    const c = out as ReturnType<typeof parseCheckpoint>;
    if (/[\s+]/.test(c.origin)) {
      let refused = false;
      try {
        formatCheckpoint(c);
      } catch (e) {
        refused = e instanceof CheckpointError;
      }
      if (!refused) throw new Error(`origin ${JSON.stringify(c.origin)} was formatted for signing`);
      return;
    }
    if (formatCheckpoint(c) !== text) throw new Error(`checkpoint does not round-trip: ${JSON.stringify(text)}`);
  },
  runs: 400,
};

const sigLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(signer.name, other.name, "someone"),
      fc.constantFrom(signer.keyId, other.keyId, 0, 0xffffffff),
      fc.uint8Array({ minLength: 0, maxLength: 70 }),
    )
    .map(([name, id, sig]) => {
      const raw = Buffer.alloc(4 + sig.length);
      raw.writeUInt32BE(id >>> 0);
      raw.set(sig, 4);
      return `\u2014 ${name} ${raw.toString("base64")}`;
    }),
  anyText(),
);
const noteText = fc.array(fc.stringMatching(/^[ -~]{1,30}$/), { minLength: 1, maxLength: 4 }).map((lines) => `${lines.join("\n")}\n`);
const validNote = fc.tuple(fc.oneof(noteText, validCheckpoint), fc.subarray([signer, other], { minLength: 1 })).map(([t, ss]) => signNote(t, ...ss));

const note: FuzzTarget<string> = {
  name: "note",
  parser: "tlog/note.ts openNote",
  inputs: "notes with random text, real and forged signature lines (known and unknown names and key ids); mutations of validly signed notes",
  arbitrary: fc.oneof(
    validNote,
    fc
      .tuple(fc.oneof(noteText, anyText()), fc.array(sigLine, { maxLength: 4 }), fc.boolean())
      .map(([t, sigs, nl]) => `${t}\n${sigs.join("\n")}${nl ? "\n" : ""}`),
    mutatedText(
      validNote.map((t) => enc.encode(t)),
      ["\n", "\n\n", "\u2014 ", " ", "+", "=", signer.name],
    ),
  ),
  run: (n) => openNote(n, verifiers),
  accepts: [NoteError],
  runs: 400,
};

const keyName = fc.oneof(fc.stringMatching(/^[a-z0-9./]{1,20}$/), anyText(12));
const keyText = fc.oneof(
  // Well-formed apart from the key itself: any 32 bytes, with the id computed from them.
  fc
    .tuple(keyName, fc.uint8Array({ minLength: 32, maxLength: 32 }))
    .map(([name, pub]) => `${name}+${keyId(name, pub).toString(16).padStart(8, "0")}+${Buffer.concat([Buffer.from([1]), pub]).toString("base64")}`),
  fc
    .tuple(fc.stringMatching(/^[a-z0-9./]{1,20}$/), fc.uint8Array({ minLength: 32, maxLength: 32 }))
    .map(([name, seed]) => formatPrivateKey({ ...signerFromSeed(name, seed), seed })),
  fc.tuple(keyName, fc.oneof(fc.stringMatching(/^[0-9a-f]{8}$/), anyText(10)), fc.oneof(base64Of(0, 40), anyText())).map(([n, id, k]) => `${n}+${id}+${k}`),
  fc.tuple(keyName, fc.stringMatching(/^[0-9a-f]{8}$/), base64Of(33, 33)).map(([n, id, k]) => `PRIVATE+KEY+${n}+${id}+${k}`),
  mutatedText([enc.encode(formatVerifierKey(signer)), enc.encode(formatPrivateKey({ ...signer, seed: SEED }))], ["+", "PRIVATE+KEY+", "=", "/"]),
);

const noteKey: FuzzTarget<string> = {
  name: "note-key",
  parser: "tlog/note.ts parseVerifierKey, parsePrivateKey",
  inputs: "verifier and private keys with random names and random 32-byte keys (ids computed to match), random ids and base64; mutations of valid keys",
  arbitrary: keyText,
  run: (k) => (k.startsWith("PRIVATE") ? parsePrivateKey(k) : parseVerifierKey(k)),
  accepts: [NoteError],
  runs: 300,
};

/** An in-memory tree of `n` leaves and its node source, for real proofs to mutate. */
function tree(n: number) {
  const leaves = Array.from({ length: n }, (_, i) => leafHash(enc.encode(`leaf ${i}\n`)));
  const node = async (level: number, index: number): Promise<Hash> => {
    const span = 2 ** level;
    return perfectRoot(leaves.slice(index * span, index * span + span));
  };
  return { leaves, node };
}

const hashLike = fc.oneof({ weight: 4, arbitrary: root }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) });
/** An index or size as `Number(json field)` gives it to the verifier. */
const proofNumber = fc.oneof({ weight: 3, arbitrary: fc.nat({ max: 40 }) }, { weight: 1, arbitrary: anyNumber });

type ProofInput =
  | { kind: "inclusion"; index: number; size: number; leaf: Uint8Array; proof: Uint8Array[]; root: Uint8Array }
  | { kind: "consistency"; size1: number; size2: number; proof: Uint8Array[]; root1: Uint8Array; root2: Uint8Array };

const realProof = fc
  .tuple(fc.integer({ min: 1, max: 40 }), fc.nat(), fc.nat(), fc.boolean())
  .map(([size, i, m, inclusion]) => ({ size, index: i % size, m: 1 + (m % size), inclusion }));

const proofs: FuzzTarget<
  | ProofInput
  | { real: { size: number; index: number; m: number; inclusion: boolean }; edit: { at: number; hash: Uint8Array; drop: boolean; delta: number } | null }
> = {
  name: "proof",
  parser: "tlog/proof.ts verifyInclusion, consistentWithPrevious (what `cpansec log check-proof` runs on a proof file's fields)",
  inputs:
    "random indexes and sizes (fractions, negatives, NaN, 2^53 included) with random hashes of any length; real proofs from small trees with one hash replaced or dropped or the index moved",
  arbitrary: fc.oneof(
    fc.record({
      kind: fc.constant("inclusion" as const),
      index: proofNumber,
      size: proofNumber,
      leaf: hashLike,
      proof: fc.array(hashLike, { maxLength: 8 }),
      root: hashLike,
    }),
    fc.record({
      kind: fc.constant("consistency" as const),
      size1: proofNumber,
      size2: proofNumber,
      proof: fc.array(hashLike, { maxLength: 8 }),
      root1: hashLike,
      root2: hashLike,
    }),
    fc.record({ real: realProof, edit: fc.option(fc.record({ at: fc.nat(), hash: hashLike, drop: fc.boolean(), delta: fc.integer({ min: -2, max: 2 }) })) }),
  ),
  run: async (input) => {
    if ("real" in input) {
      const { size, index, m, inclusion } = input.real;
      const t = tree(size);
      const e = input.edit;
      // Unedited, a real proof must verify (a rejection then fails the check below).
      const edit = (xs: Hash[]) =>
        !e || !xs.length ? xs : e.drop ? xs.filter((_, j) => j !== e.at % xs.length) : xs.map((h, j) => (j === e.at % xs.length ? e.hash : h));
      const delta = e?.delta ?? 0;
      const rootN = await treeRoot(size, t.node);
      const iproof = inclusion ? edit(await inclusionProof(index, size, t.node)) : [];
      const cproof = inclusion ? [] : edit(await consistencyProof(m, size, t.node));
      const root1 = await treeRoot(m, t.node);
      const verify = () =>
        inclusion
          ? verifyInclusion(index + delta, size, t.leaves[index] as Hash, iproof, rootN)
          : consistentWithPrevious(m + delta, size, cproof, root1, rootN);
      if (e) return verify();
      try {
        return verify();
      } catch (err) {
        throw new Error(`a real, unedited proof was refused: ${(err as Error).message}`, { cause: err });
      }
    }
    if (input.kind === "inclusion") return verifyInclusion(input.index, input.size, input.leaf, input.proof, input.root);
    return consistentWithPrevious(input.size1, input.size2, input.proof, input.root1, input.root2);
  },
  accepts: [ProofError],
  runs: 300,
};

type TileInput =
  | { kind: "split"; bytes: Uint8Array; width: number }
  | { kind: "bundle"; bytes: Uint8Array; want?: number }
  | { kind: "path"; level: number; n: number; width: number; entries: boolean };

const bundle = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }).map((es) => new Uint8Array(encodeBundle(es)));
const tiles: FuzzTarget<TileInput> = {
  name: "tiles",
  parser: "tlog/tiles.ts splitTile, decodeBundle, tilePath, entriesPath",
  inputs: "tiles of random sizes and widths; entry bundles encoded from random entries, then mutated; random levels, indexes and widths for paths",
  arbitrary: fc.oneof(
    fc.record({
      kind: fc.constant("split" as const),
      bytes: fc.oneof(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 0, max: 257 }).map((w) => new Uint8Array(w * 32)),
      ),
      width: fc.oneof(fc.integer({ min: 0, max: 257 }), anyNumber),
    }),
    fc.record({
      kind: fc.constant("bundle" as const),
      bytes: fc.oneof(bundle, mutated(bundle), fc.uint8Array({ maxLength: 100 })),
      want: fc.option(fc.nat({ max: 10 }), { nil: undefined }),
    }),
    fc.record({ kind: fc.constant("path" as const), level: anyNumber, n: anyNumber, width: anyNumber, entries: fc.boolean() }),
  ),
  run: (t) => {
    if (t.kind === "split") return splitTile(t.bytes, { level: 0, index: 0, width: t.width }, "tile/0/000");
    if (t.kind === "bundle") return decodeBundle(t.bytes, "tile/entries/000", t.want);
    return t.entries ? entriesPath(t.n, t.width) : tilePath(t.level, t.n, t.width);
  },
  accepts: [TileFormatError],
  runs: 400,
};

const validEntry = fc
  .record({
    path: fc
      .tuple(fc.stringMatching(/^[A-Z]{3,8}$/), fc.stringMatching(/^[A-Za-z0-9._-]{1,30}$/))
      .map(([a, f]) => `authors/id/${a[0]}/${a.slice(0, 2)}/${a}/${f}`),
    sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString("hex")),
    size: fc.oneof(fc.nat(), fc.maxSafeNat()),
    uploaded: fc.stringMatching(/^[0-9]{1,12}(\.[0-9]{1,9})?$/),
  })
  .map((e) => {
    try {
      return buildEntry(e);
    } catch {
      return "cpansec-upload/v1\n";
    }
  });

const entry: FuzzTarget<string> = {
  name: "entry",
  parser: "tlog/entry.ts parseEntry",
  inputs: "upload entries from random paths, digests, sizes and epochs; mutations of valid ones",
  arbitrary: fc.oneof(
    validEntry,
    mutatedText(
      validEntry.map((t) => enc.encode(t)),
      ["\n", " ", "..", "/", "authors/id/", "path ", "size ", "9007199254740993"],
    ),
  ),
  run: parseEntry,
  accepts: [EntryError],
  runs: 300,
};

export const tlogTargets = [target(checkpoint), target(note), target(noteKey), target(proofs), target(tiles), target(entry)];
