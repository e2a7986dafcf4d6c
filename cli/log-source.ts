import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ReadBytes } from "../shared/domain/tlog/tile-reader";

const MAX_OBJECT_BYTES = 64 * 1024 * 1024;

/** Reads log objects from a directory or an HTTP(S) base URL; a missing object is undefined. */
export function logSource(location: string, timeoutMs = 30_000): ReadBytes {
  if (/^https?:\/\//.test(location)) {
    const base = location.endsWith("/") ? location : `${location}/`;
    return async (path) => {
      const res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
      const buf = new Uint8Array(await res.arrayBuffer());
      if (buf.byteLength > MAX_OBJECT_BYTES) throw new Error(`GET ${path}: ${buf.byteLength} bytes is too large for a log object`);
      return buf;
    };
  }
  return async (path) => {
    if (path.split("/").includes("..")) throw new Error(`refusing object path ${path}`);
    try {
      return await readFile(join(location, path));
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
