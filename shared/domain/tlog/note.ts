/**
 * C2SP signed-note with Ed25519 keys in golang.org/x/mod/sumdb/note's string formats:
 * verifier `<name>+<8 hex key id>+<base64(0x01 ‖ public key)>`,
 * private `PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 ‖ seed)>`.
 */
import { type KeyObject, createHash, createPrivateKey, createPublicKey, sign, verify } from "node:crypto";

export class NoteError extends Error {
  override readonly name = "NoteError";
}

const ED25519 = 0x01;
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const DASH = "\u2014";
const MAX_SIGNATURES = 100;

export interface Verifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  readonly key: KeyObject;
}

export interface Signer extends Verifier {
  readonly privateKey: KeyObject;
}

function checkName(name: string): void {
  if (!name || /[\s+]/u.test(name) || /\p{C}/u.test(name)) throw new NoteError(`bad key name ${JSON.stringify(name)}`);
}

export function keyId(name: string, publicKey: Uint8Array): number {
  const h = createHash("sha256")
    .update(name)
    .update(new Uint8Array([0x0a, ED25519]))
    .update(publicKey)
    .digest();
  return h.readUInt32BE(0);
}

const hex8 = (id: number) => id.toString(16).padStart(8, "0");

/** Splits on the first `n` '+' only: base64 may contain '+'. */
function splitPlus(s: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  for (let i = 0; i < n; i++) {
    const at = rest.indexOf("+");
    if (at < 0) return [];
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  return [...out, rest];
}

function decodeKey(what: string, name: string, id: string, b64key: string): Uint8Array {
  checkName(name);
  if (!/^[0-9a-f]{8}$/.test(id)) throw new NoteError(`${what} key id must be 8 lowercase hex digits`);
  const raw = Buffer.from(b64key, "base64");
  if (raw.toString("base64") !== b64key || raw.byteLength !== 33 || raw[0] !== ED25519)
    throw new NoteError(`${what} key is not a base64 Ed25519 key (0x01 ‖ 32 bytes)`);
  return new Uint8Array(raw.subarray(1));
}

const publicKeyObject = (pub: Uint8Array) => createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(pub).toString("base64url") }, format: "jwk" });

export function parseVerifierKey(vkey: string): Verifier {
  const [name, id, key, ...extra] = splitPlus(vkey.trim(), 2);
  if (name === undefined || id === undefined || key === undefined || extra.length) throw new NoteError("verifier key must be <name>+<hex id>+<base64 key>");
  const publicKey = decodeKey("verifier", name, id, key);
  if (hex8(keyId(name, publicKey)) !== id) throw new NoteError(`verifier key id ${id} does not match its key`);
  return { name, keyId: parseInt(id, 16), publicKey, key: publicKeyObject(publicKey) };
}

export function signerFromSeed(name: string, seed: Uint8Array): Signer {
  checkName(name);
  if (seed.byteLength !== 32) throw new NoteError("an Ed25519 seed is 32 bytes");
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
  const key = createPublicKey(privateKey);
  const publicKey = new Uint8Array(Buffer.from(key.export({ format: "jwk" }).x as string, "base64url"));
  return { name, keyId: keyId(name, publicKey), publicKey, key, privateKey };
}

export function parsePrivateKey(skey: string): Signer {
  const [p, k, name, id, key, ...extra] = splitPlus(skey.trim(), 4);
  if (p !== "PRIVATE" || k !== "KEY" || name === undefined || id === undefined || key === undefined || extra.length) {
    throw new NoteError("private key must be PRIVATE+KEY+<name>+<hex id>+<base64 seed>");
  }
  const signer = signerFromSeed(name, decodeKey("private", name, id, key));
  if (hex8(signer.keyId) !== id) throw new NoteError(`private key id ${id} does not match its key`);
  return signer;
}

const keyB64 = (k: Uint8Array) => Buffer.concat([new Uint8Array([ED25519]), k]).toString("base64");
export const formatVerifierKey = (v: Verifier) => `${v.name}+${hex8(v.keyId)}+${keyB64(v.publicKey)}`;
export const formatPrivateKey = (s: Signer & { seed: Uint8Array }) => `PRIVATE+KEY+${s.name}+${hex8(s.keyId)}+${keyB64(s.seed)}`;

function checkText(text: string): void {
  if (!text.endsWith("\n")) throw new NoteError("note text must end with a newline");
  if (text.includes("\n\n")) throw new NoteError("note text must not contain a blank line");
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(text)) throw new NoteError("note text must not contain control characters");
}

/** The signed note: text, a blank line, one signature line per signer. */
export function signNote(text: string, ...signers: Signer[]): string {
  checkText(text);
  const lines = signers.map((s) => {
    const sig = sign(null, Buffer.from(text, "utf8"), s.privateKey);
    const id = Buffer.alloc(4);
    id.writeUInt32BE(s.keyId);
    return `${DASH} ${s.name} ${Buffer.concat([id, sig]).toString("base64")}\n`;
  });
  return `${text}\n${lines.join("")}`;
}

export interface OpenedNote {
  readonly text: string;
  /** Names of the known keys whose signatures verified. */
  readonly verifiedBy: readonly string[];
}

/**
 * Verifies a signed note against known verifier keys: signatures by unknown keys are ignored, a
 * known key's bad signature rejects the note, and at least one known signature must verify.
 */
export function openNote(note: string, verifiers: readonly Verifier[]): OpenedNote {
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw new NoteError("not a signed note: no blank line before signatures");
  const text = note.slice(0, split + 1);
  checkText(text);
  const sigs = note.slice(split + 2);
  if (!sigs.endsWith("\n")) throw new NoteError("signature block must end with a newline");
  const lines = sigs.slice(0, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) throw new NoteError(`more than ${MAX_SIGNATURES} signatures`);
  const verifiedBy: string[] = [];
  for (const line of lines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!m) throw new NoteError(`malformed signature line ${JSON.stringify(line)}`);
    const raw = Buffer.from(m[2] as string, "base64");
    if (raw.byteLength < 5 || raw.toString("base64") !== m[2]) throw new NoteError(`malformed signature by ${m[1]}`);
    const id = raw.readUInt32BE(0);
    const v = verifiers.find((k) => k.name === m[1] && k.keyId === id);
    if (!v) continue;
    if (!verify(null, Buffer.from(text, "utf8"), v.key, raw.subarray(4))) throw new NoteError(`invalid signature by ${v.name}`);
    verifiedBy.push(v.name);
  }
  if (!verifiedBy.length) throw new NoteError("no signature by a known key");
  return { text, verifiedBy };
}
