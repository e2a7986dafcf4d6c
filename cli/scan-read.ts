/**
 * Reading one archive for a scan (read, inflate, hash, then META and identity), on whichever scan
 * thread renders it (./scan-pool.ts).
 */
import { readFileSync, statSync } from "node:fs";
import { bundledKeep } from "../shared/domain/sbom/bundled-keep";
import { type Release, describeRelease } from "../shared/domain/cpan/release";

export interface ReadRequest {
  readonly file: string;
  /** --out: SHA-1 of every file (SPDX) and the bundled-code samples. */
  readonly forSboms: boolean;
  /** No --upload-time: the file's modification time stands in. */
  readonly needMtime: boolean;
}

/**
 * Archive bytes one thread holds in reads under way (a thread starts several, so that the thread
 * pool inflates some while it parses another): past this, a read waits for others to end. One read
 * always goes ahead, however large (the archive limit bounds it).
 */
const MAX_BYTES_IN_FLIGHT = 64 * 2 ** 20;
let bytesInFlight = 0;
const waiting: (() => void)[] = [];

async function holding<T>(size: number, read: () => Promise<T>): Promise<T> {
  while (bytesInFlight > 0 && bytesInFlight + size > MAX_BYTES_IN_FLIGHT) await new Promise<void>((r) => waiting.push(r));
  bytesInFlight += size;
  try {
    return await read();
  } finally {
    bytesInFlight -= size;
    for (const wake of waiting.splice(0)) wake();
  }
}

export type ReadResult =
  | { readonly file: string; readonly readError: string }
  | { readonly file: string; readonly release: Release; readonly mtimeMs?: number };

/** The archive read and described, or why it could not be read. */
export async function readForScan(req: ReadRequest): Promise<ReadResult> {
  let size = 0;
  try {
    size = statSync(req.file).size;
  } catch {
    // readFileSync below reports it, as it always has
  }
  return holding(size, () => readOne(req));
}

async function readOne(req: ReadRequest): Promise<ReadResult> {
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
