/**
 * `cpansec log append`: its own module, so that the command loads only the sequencer, the key and
 * the input parser (start-up is a fifth of a 20,000-entry append), not the proofs, the monitor or
 * the proof files' schemas.
 */
import { readFile } from "node:fs/promises";
import { buffer as readStream } from "node:stream/consumers";
import { appendEntries } from "../functions/append-log/append-log";
import { embeddedLog } from "../shared/adapters/embedded/log";
import { parsePrivateKey } from "../shared/domain/tlog/note";
import { entriesFromLines } from "./log-lines";

export async function append(file: string | undefined, o: { log: string; key: string }): Promise<void> {
  const signer = parsePrivateKey(await readFile(o.key, "utf8"));
  const entries = file ? entriesFromLines(await readFile(file), "file") : entriesFromLines(await readStream(process.stdin), "stdin");
  const r = await appendEntries({ ...embeddedLog(o.log), signer, origin: signer.name }, entries);
  for (const i of r.mismatched) process.stderr.write(`warning: entry ${i + 1} has the id of an entry already logged with different bytes (kept the first)\n`);
  process.stdout.write(r.checkpoint);
}
