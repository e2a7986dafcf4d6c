import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fetchBody } from "../shared/adapters/http/body";
import { FETCH_LIMITS } from "../shared/domain/fetch-limits";
import type { ReadBytes } from "../shared/domain/tlog/tile-reader";
import { readFileUnder } from "./read-file-under";

/** Reads log objects from a directory or an HTTP(S) base URL; a missing object is undefined. */
export function logSource(location: string, timeoutMs = 30_000): ReadBytes {
  if (/^https?:\/\//.test(location)) {
    const base = location.endsWith("/") ? location : `${location}/`;
    return (path) => fetchBody(new URL(path, base), { maxBytes: FETCH_LIMITS.logObject, timeoutMs, what: `GET ${path}` });
  }
  return async (path) => {
    if (path.split("/").includes("..")) throw new Error(`refusing object path ${path}`);
    try {
      return await readFileUnder(join(location, path), FETCH_LIMITS.logObject);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  };
}

/** A verifier key given inline (`name+id+key`) or as a file holding one. */
export async function readKeyArg(arg: string): Promise<string> {
  if (/^[^\s+]+\+[0-9a-f]{8}\+\S+$/.test(arg.trim())) return arg.trim();
  return (await readFile(arg, "utf8")).trim();
}
