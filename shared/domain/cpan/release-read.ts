/**
 * The first half of describing an upload (./release.ts): the archive's digests and what it holds,
 * or why it cannot be read. Plain data, made without looking at META, so a scan's reader thread can
 * make it and post it back while loading only the archive reader.
 */
import { webcrypto } from "node:crypto";
import { type ArchiveContents, ArchiveError, type ArchiveErrorCode, type ArchiveLimits, readArchive } from "./archive";

export interface ReadOptions {
  readonly limits?: Partial<ArchiveLimits>;
  /** Extra files (by path inside the archive) whose bytes later steps need. */
  readonly keep?: (path: string) => boolean | number;
  readonly sha1?: boolean;
}

export type ArchiveRead = { readonly archive: { readonly sha256: string; readonly sha512: string; readonly size: number } } & (
  | { readonly contents: ArchiveContents }
  | { readonly error: { readonly code: ArchiveErrorCode; readonly message: string } }
);

export const META_FILE = /^(?:[^/]+\/)?META\.(json|yml)$/;

/**
 * The archive's digests, on libuv's thread pool (WebCrypto's digest runs there): they overlap the
 * reading of the archive on this thread. Measured beside createHash on the corpus, it pays for
 * whole archives; for the many small files inside them the round trip costs more than the hash.
 */
const digest = async (alg: "SHA-256" | "SHA-512", bytes: Uint8Array) => Buffer.from(await webcrypto.subtle.digest(alg, bytes)).toString("hex");

export async function readUpload(bytes: Uint8Array, options: ReadOptions = {}): Promise<ArchiveRead> {
  const digests = Promise.all([digest("SHA-256", bytes), digest("SHA-512", bytes)]);
  const archive = async () => {
    const [sha256, sha512] = await digests;
    return { sha256, sha512, size: bytes.byteLength };
  };
  try {
    const keep = (p: string) => META_FILE.test(p) || (options.keep?.(p) ?? false);
    const contents = await readArchive(bytes, { limits: options.limits, sha1: options.sha1, keep });
    return { archive: await archive(), contents };
  } catch (e) {
    if (!(e instanceof ArchiveError)) throw e;
    return { archive: await archive(), error: { code: e.code, message: e.message } };
  }
}
