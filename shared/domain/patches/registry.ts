/**
 * The patch registry: every patch a source holds, read into what a user needs to decide on it
 * (distribution, version, CVE, revision, sha256, author and subject, the files it touches), with
 * the highest revision of each (distribution, version, CVE) the one in force. A patch that does
 * not parse is a problem recorded by path, never a reason to drop the others.
 */
import { createHash } from "node:crypto";
import { byCodePoint } from "../order";
import { DEFAULT_PATCH_LIMITS, PatchError, type PatchLimits } from "./errors";
import { type PatchKey, parseLayoutPath } from "./layout";
import type { PatchHeader } from "./mail";
import type { ParsedPatch } from "./model";
import { parsePatch } from "./parse";

/** Where patches come from: a directory, an HTTPS site, a bucket prefix. Paths are layout paths. */
export interface PatchSource {
  /** A description for messages (the directory or base URL). */
  readonly location: string;
  /** Every layout path the source holds (or, for a site with no listing, knows of). */
  list(): Promise<string[]>;
  /** The patch's bytes (at most `maxBytes`, else a PatchError "limit"), or undefined when absent. */
  read(path: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** The URL a patch is published at, for SBOM references, when the source is a public site. */
  url?(path: string): string | undefined;
}

export interface PatchRecord extends PatchKey {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  readonly header: PatchHeader;
  readonly files: readonly string[];
  readonly bytes: Uint8Array;
  readonly parsed: ParsedPatch;
  readonly url?: string;
}

export interface RegistryProblem {
  readonly path: string;
  readonly code: PatchError["code"];
  readonly message: string;
}

export interface PatchRegistry {
  /** The highest revision of each (distribution, version, CVE) that parses, sorted. */
  readonly current: readonly PatchRecord[];
  /** Lower revisions, kept for the record. */
  readonly superseded: readonly PatchRecord[];
  readonly problems: readonly RegistryProblem[];
}

export function readPatchRecord(path: string, bytes: Uint8Array, limits: PatchLimits = DEFAULT_PATCH_LIMITS, url?: string): PatchRecord {
  const key = parseLayoutPath(path);
  const parsed = parsePatch(bytes, path, limits);
  return {
    ...key,
    path,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    size: bytes.byteLength,
    header: parsed.header,
    files: parsed.files.map((f) => f.path),
    bytes,
    parsed,
    ...(url ? { url } : {}),
  };
}

const group = (k: PatchKey) => `${k.dist}\u0000${k.version}\u0000${k.cve}`;

export async function loadRegistry(source: PatchSource, limits: PatchLimits = DEFAULT_PATCH_LIMITS): Promise<PatchRegistry> {
  const records: PatchRecord[] = [];
  const problems: RegistryProblem[] = [];
  const keys = new Map<string, PatchKey & { path: string }>();
  for (const path of (await source.list()).sort(byCodePoint)) {
    try {
      const key = parseLayoutPath(path);
      const g = group(key);
      if ((keys.get(g)?.revision ?? 0) < key.revision) keys.set(g, { ...key, path });
      const bytes = await source.read(path, limits.maxPatchBytes);
      if (!bytes) throw new PatchError("layout", `${path}: listed by ${source.location} but not there`);
      records.push(readPatchRecord(path, bytes, limits, source.url?.(path)));
    } catch (e) {
      if (!(e instanceof PatchError)) throw e;
      problems.push({ path, code: e.code, message: e.message });
    }
  }
  // The highest revision wins even when it is the broken one: an older revision was withdrawn.
  const current = records.filter((r) => keys.get(group(r))?.revision === r.revision);
  for (const [g, k] of keys)
    if (!current.some((r) => group(r) === g) && records.some((r) => group(r) === g))
      problems.push({
        path: k.path,
        code: "layout",
        message: `${k.path} is the newest revision for ${k.dist} ${k.version} ${k.cve} and is unusable; older revisions are not used in its place`,
      });
  const order = (a: PatchRecord, b: PatchRecord) => byCodePoint(a.path, b.path);
  return { current: current.sort(order), superseded: records.filter((r) => !current.includes(r)).sort(order), problems };
}

/** The patches in force for one release. */
export const patchesFor = (r: PatchRegistry, dist: string, version: string): PatchRecord[] => r.current.filter((p) => p.dist === dist && p.version === version);
