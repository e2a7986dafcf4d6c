/** C2SP tlog-checkpoint: `<origin>\n<size>\n<base64 root>\n[extension lines]`. */
import { type Hash, HASH_SIZE, b64 } from "./hash";

export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
}

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Hash;
  readonly extensions: readonly string[];
}

export function formatCheckpoint(c: Checkpoint): string {
  if (!c.origin || /[\s+]/.test(c.origin)) throw new CheckpointError(`origin ${JSON.stringify(c.origin)} must be non-empty, with no spaces or '+'`);
  return `${c.origin}\n${c.size}\n${b64(c.root)}\n${c.extensions.map((e) => `${e}\n`).join("")}`;
}

export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith("\n")) throw new CheckpointError("checkpoint text does not end with a newline");
  const lines = text.slice(0, -1).split("\n");
  const [origin, size, root, ...extensions] = lines;
  if (!origin || size === undefined || root === undefined) throw new CheckpointError("checkpoint needs an origin, a size and a root hash line");
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) throw new CheckpointError(`bad tree size ${JSON.stringify(size)}`);
  const bytes = Buffer.from(root, "base64");
  if (bytes.byteLength !== HASH_SIZE || bytes.toString("base64") !== root) throw new CheckpointError(`bad root hash ${JSON.stringify(root)}`);
  if (extensions.some((e) => e === "")) throw new CheckpointError("empty extension line");
  return { origin, size: Number(size), root: new Uint8Array(bytes), extensions };
}

/** The size a signed checkpoint note states (its text before the signatures; not verified here). */
export function checkpointSize(note: string): number {
  return parseCheckpoint(note.slice(0, note.indexOf("\n\n") + 1)).size;
}
