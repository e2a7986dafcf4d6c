/**
 * The part of scanning one archive that costs CPU (read, inflate, hash, parse META): done on the
 * main thread, or in a worker (./scan-pool.ts). What it returns is plain data, so a worker can
 * post it back and the rest of the scan cannot tell where it was made.
 */
import { readFileSync, statSync } from "node:fs";
import { type Release, describeRelease } from "../shared/domain/cpan/release";
import { bundledKeep } from "../shared/domain/sbom/bundled";

export interface ReadRequest {
  readonly file: string;
  /** --out: SHA-1 of every file (SPDX) and the bundled-code samples. */
  readonly forSboms: boolean;
  /** No --upload-time: the file's modification time stands in. */
  readonly needMtime: boolean;
}

export type ReadResult =
  | { readonly file: string; readonly readError: string }
  | { readonly file: string; readonly release: Release; readonly mtimeMs?: number };

export async function readForScan(req: ReadRequest): Promise<ReadResult> {
  const { file } = req;
  let bytes: Uint8Array;
  try {
    // Local files are small and many: a synchronous read beats an async open/stat/read/close.
    bytes = readFileSync(file);
  } catch (e) {
    return { file, readError: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  const release = await describeRelease(file, bytes, req.forSboms ? { sha1: true, keep: bundledKeep } : {});
  return req.needMtime ? { file, release, mtimeMs: statSync(file).mtimeMs } : { file, release };
}
