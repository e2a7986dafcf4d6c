/**
 * The first half of describing an upload (./release.ts): the archive's digests and what it holds,
 * or why it cannot be read. Plain data, made without looking at META.
 */
import { hash } from "node:crypto";
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
 * The archive's digests are taken here, in one call each. WebCrypto's digest would run on the thread
 * pool, but it copies the whole archive on this thread first, which cost this thread more than
 * hashing it (measured on the corpus, with the SHA extensions: 6% of a scan's CPU); a scan uses
 * its second core with a second scan thread instead (cli/scan-pool.ts).
 */
export async function readUpload(bytes: Uint8Array, options: ReadOptions = {}): Promise<ArchiveRead> {
  const digests = [hash("sha256", bytes, "hex"), hash("sha512", bytes, "hex")];
  const archive = async () => {
    const [sha256, sha512] = digests as [string, string];
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
