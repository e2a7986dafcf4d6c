/**
 * The log's entry for one patched archive in the overlay (docs/patches.md, "The log entry"): what
 * was changed, from what. Exact UTF-8 bytes, `\n` after each line, nothing else; built once,
 * stored and hashed as built, like the upload entry beside it (./entry.ts).
 *
 *   cpansec-patch/v1
 *   original authors/id/R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz
 *   original-sha256 <64 hex>
 *   patch F/File-Find-Rule/0.34/CVE-2011-10007-r1.patch <64 hex>     (one line per patch, in the order applied)
 *   path authors/id/C/CP/CPANSEC/File-Find-Rule-0.34-PATCHED-CVE-2011-10007-r1.tar.gz
 *   sha256 <64 hex>
 *   size <bytes>
 */
import { parseLayoutPath } from "../patches/layout";
import { EntryError } from "./entry-error";

export interface PatchEntry {
  /** The original upload's CPAN path and the sha256 PAUSE signed for it. */
  readonly original: { readonly path: string; readonly sha256: string };
  /** Each patch's layout path and sha256, in the order applied. */
  readonly patches: readonly { readonly path: string; readonly sha256: string }[];
  /** The patched archive's path in the overlay, its sha256 and size. */
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export const PATCH_HEADER = "cpansec-patch/v1";
const PATH = /^authors\/id\/[A-Z]\/[A-Z][-A-Z0-9]\/[A-Z][-A-Z0-9]*\/[^\s/][^\s]*$/;
const HEX = /^[0-9a-f]{64}$/;
const MAX_PATCHES = 64;

function check(e: PatchEntry): void {
  for (const p of [e.original.path, e.path]) if (!PATH.test(p) || p.split("/").includes("..")) throw new EntryError(`bad CPAN path ${JSON.stringify(p)}`);
  for (const h of [e.original.sha256, e.sha256, ...e.patches.map((p) => p.sha256)]) if (!HEX.test(h)) throw new EntryError(`bad sha256 ${JSON.stringify(h)}`);
  if (!e.patches.length || e.patches.length > MAX_PATCHES) throw new EntryError(`${e.patches.length} patches: 1 to ${MAX_PATCHES} expected`);
  for (const p of e.patches)
    try {
      parseLayoutPath(p.path);
    } catch (x) {
      throw new EntryError((x as Error).message);
    }
  if (!Number.isSafeInteger(e.size) || e.size < 0) throw new EntryError(`bad size ${e.size}`);
}

export function buildPatchEntry(e: PatchEntry): string {
  check(e);
  const patches = e.patches.map((p) => `patch ${p.path} ${p.sha256}\n`).join("");
  return `${PATCH_HEADER}\noriginal ${e.original.path}\noriginal-sha256 ${e.original.sha256}\n${patches}path ${e.path}\nsha256 ${e.sha256}\nsize ${e.size}\n`;
}

export function parsePatchEntry(text: string): PatchEntry {
  const m = /^cpansec-patch\/v1\noriginal (\S+)\noriginal-sha256 (\S+)\n((?:patch \S+ \S+\n)+)path (\S+)\nsha256 (\S+)\nsize (0|[1-9][0-9]{0,15})\n$/.exec(
    text,
  );
  if (!m) throw new EntryError(`not a ${PATCH_HEADER} entry`);
  const patches = (m[3] as string)
    .slice(0, -1)
    .split("\n")
    .map((l) => {
      const [, path, sha256] = l.split(" ") as [string, string, string];
      return { path, sha256 };
    });
  const e = { original: { path: m[1] as string, sha256: m[2] as string }, patches, path: m[4] as string, sha256: m[5] as string, size: Number(m[6]) };
  check(e);
  return e;
}
