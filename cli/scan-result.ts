/** A read archive described (META, identity): the half of a scan's reading that stays on the main thread. */
import { type Release, describeRead } from "../shared/domain/cpan/release";
import { type RawRead, type ReadRequest, readRaw } from "./scan-read";

export type ReadResult =
  | { readonly file: string; readonly readError: string }
  | { readonly file: string; readonly release: Release; readonly mtimeMs?: number };

export function describeRaw(raw: RawRead): ReadResult {
  if ("readError" in raw) return raw;
  const release = describeRead(raw.file, raw.read);
  return raw.mtimeMs === undefined ? { file: raw.file, release } : { file: raw.file, release, mtimeMs: raw.mtimeMs };
}

export const readForScan = async (req: ReadRequest): Promise<ReadResult> => describeRaw(await readRaw(req));
