/**
 * CPANSec's layout for published patches: `<L>/<Dist>/<version>/<CVE>-r<N>.patch`, where L is
 * the distribution's first letter (upper case) and a higher revision N replaces a lower one for
 * the same distribution, version and CVE. Pure and table-tested, like every key layout here.
 */
import { PatchError } from "./errors";

export interface PatchKey {
  readonly dist: string;
  readonly version: string;
  readonly cve: string;
  readonly revision: number;
}

const DIST = /^[A-Za-z0-9][A-Za-z0-9_+.-]*$/;
const VERSION = /^v?[0-9][0-9A-Za-z._-]*$/;
const FILE = /^(CVE-[0-9]{4}-[0-9]{4,9})-r([1-9][0-9]{0,3})\.patch$/;

/** `CVE-2025-40918-r1.patch` → the CVE and revision, or undefined. */
export function parsePatchFileName(name: string): { cve: string; revision: number } | undefined {
  const m = FILE.exec(name);
  return m ? { cve: m[1] as string, revision: Number(m[2]) } : undefined;
}

export function parseLayoutPath(path: string): PatchKey {
  const bad = (why: string) => new PatchError("layout", `${path}: ${why} (expected <L>/<Dist>/<version>/<CVE>-r<N>.patch)`);
  const parts = path.split("/");
  if (parts.length !== 4) throw bad(`${parts.length} path components, not 4`);
  const [letter, dist, version, file] = parts as [string, string, string, string];
  if (!DIST.test(dist) || dist.includes("..")) throw bad(`${JSON.stringify(dist)} is not a distribution name`);
  if (letter !== dist[0]?.toUpperCase()) throw bad(`the first folder must be ${JSON.stringify(dist[0]?.toUpperCase())}, the distribution's first letter`);
  if (!VERSION.test(version) || version.includes("..")) throw bad(`${JSON.stringify(version)} is not a version`);
  const f = parsePatchFileName(file);
  if (!f) throw bad(`${JSON.stringify(file)} is not <CVE>-r<N>.patch`);
  return { dist, version, ...f };
}

export const layoutPath = (k: PatchKey): string => `${k.dist[0]?.toUpperCase()}/${k.dist}/${k.version}/${k.cve}-r${k.revision}.patch`;

/** `CVE-2025-40918-r1`: a patch's id in file names and SBOMs. */
export const patchId = (k: Pick<PatchKey, "cve" | "revision">): string => `${k.cve}-r${k.revision}`;

/** The patched archive's name (and top directory): `<Dist>-<version>-PATCHED-<CVE>-r<N>[-...]` (docs/patches.md). */
export function patchedName(dist: string, version: string, patches: readonly Pick<PatchKey, "cve" | "revision">[]): string {
  return `${dist}-${version}-PATCHED-${patches.map(patchId).join("-")}`;
}
