/** Fuzz target for the proof files a user checks: tlog-proof and log.json from a real signed tree, mutated. */
import fc from "fast-check";
import { CheckpointError, formatCheckpoint } from "../../../shared/domain/tlog/checkpoint";
import { checkProof } from "../../../shared/domain/tlog/check-proof";
import { type Hash, b64, leafHash, perfectRoot } from "../../../shared/domain/tlog/hash";
import { NoteError, signNote, signerFromSeed } from "../../../shared/domain/tlog/note";
import { ProofError, inclusionProof, treeRoot } from "../../../shared/domain/tlog/proof";
import { ProofFileError, formatTlogProof, parseProofFile } from "../../../shared/domain/tlog/proof-file";
import { LogVerificationError } from "../../../shared/domain/tlog/verify";
import { type FuzzTarget, target } from "../harness";
import { mutatedText } from "../mutate";

const enc = new TextEncoder();
const signer = signerFromSeed("fuzz.example/log", new Uint8Array(32).fill(7));

/** Proof files for leaf `index` of a signed tree of `size` leaves, in both shapes the pipeline writes. */
async function files(size: number, index: number): Promise<string[]> {
  const entries = Array.from({ length: size }, (_, i) =>
    enc.encode(`cpansec-upload/v1\npath authors/id/E/ET/ETHER/D${i}-1.tar.gz\nsha256 ${"a".repeat(64)}\nsize ${i}\nuploaded 1700000000\n`),
  );
  const leaves = entries.map((e) => leafHash(e));
  const node = async (level: number, i: number): Promise<Hash> => perfectRoot(leaves.slice(i * 2 ** level, (i + 1) * 2 ** level));
  const proof = await inclusionProof(index, size, node);
  const checkpoint = signNote(formatCheckpoint({ origin: signer.name, size, root: await treeRoot(size, node), extensions: [] }), signer);
  const entry = entries[index] as Uint8Array;
  const logJson = JSON.stringify({
    index,
    leafHash: b64(leafHash(entry)),
    entry: new TextDecoder().decode(entry),
    treeSize: size,
    checkpoint,
    inclusionProof: proof.map(b64),
  });
  return [formatTlogProof(index, proof, checkpoint, entry), logJson];
}

const SEEDS = await Promise.all([files(1, 0), files(7, 3), files(300, 257)]);
const real = SEEDS.flat();

const proofFile: FuzzTarget<{ text: string; real: boolean }> = {
  name: "proof-file",
  parser: "tlog/proof-file.ts parseProofFile, tlog/check-proof.ts checkProof (what `cpansec log check-proof` runs)",
  inputs: "tlog-proof and log.json files for real leaves of signed trees of 1, 7 and 300 leaves, and mutations of them",
  arbitrary: fc.oneof(
    fc.constantFrom(...real).map((text) => ({ text, real: true })),
    mutatedText(
      real.map((t) => enc.encode(t)),
      ["\n", "\n\n", "index ", "extra ", "c2sp.org/tlog-proof@v1\n", '"index":', "=", "+", "\u2014 "],
    ).map((text) => ({ text, real: real.includes(text) })),
  ),
  run: (input) => {
    try {
      return checkProof(parseProofFile(input.text), [signer]);
    } catch (e) {
      if (input.real) throw new Error(`a real proof file was refused: ${(e as Error).message}`, { cause: e });
      throw e;
    }
  },
  accepts: [ProofFileError, ProofError, NoteError, CheckpointError, LogVerificationError],
  runs: 300,
};

export const proofFileTargets: FuzzTarget[] = [target(proofFile)];
