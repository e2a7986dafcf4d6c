/**
 * The patch registry as the pipeline stores it, like the advisory feed: an immutable snapshot
 * named by the sha256 of its bytes (`patches/db/<sha256>.json`), a pointer to the one in use
 * (`patches/current.json`), and each patch's bytes by their own sha256 (`patches/files/`), so a
 * finding's sha256 can always be opened and the overlay builds from what was recorded, not from
 * what the source serves later. Only the patches in force are entries; the rest is the record.
 */
import { byCodePoint } from "../order";
import { type PatchKey, parseLayoutPath } from "./layout";
import type { PatchRegistry, RegistryProblem } from "./registry";

/** A patch in force, as findings and events cite it. */
export interface PatchEntry extends PatchKey {
  /** Its layout path, `<L>/<Dist>/<version>/<CVE>-r<N>.patch`. */
  readonly path: string;
  /** Where it can be fetched: the site's URL, or where the pipeline read it (file:, s3:). */
  readonly url: string;
  readonly sha256: string;
  readonly size: number;
  readonly subject?: string;
  readonly author?: string;
  readonly files: readonly string[];
}

export interface PatchSnapshot {
  readonly v: 1;
  /** The source it was read from (a directory, a base URL, a bucket prefix). */
  readonly source: string;
  readonly patches: readonly PatchEntry[];
  /** Lower revisions of the patches in force: never cited, kept so a reader sees what changed. */
  readonly superseded: readonly { readonly path: string; readonly sha256: string }[];
  readonly problems: readonly RegistryProblem[];
}

/** A patch as a finding cites it: what to fetch and check, and the patched archive once built. */
export interface PatchRef {
  readonly path: string;
  readonly url: string;
  readonly sha256: string;
  readonly cve: string;
  readonly revision: number;
  /** The version it is for (a dependency finding can cite patches for several). */
  readonly version: string;
  /** The patched archive's path in the overlay, once built. */
  readonly patched?: string;
}

/** patches/current.json. */
export interface PatchPointer {
  readonly sha256: string;
  readonly source: string;
  readonly patches: number;
  readonly problems: number;
  readonly takenAt: string;
}

const entry = (e: PatchEntry): PatchEntry => ({
  dist: e.dist,
  version: e.version,
  cve: e.cve,
  revision: e.revision,
  path: e.path,
  url: e.url,
  sha256: e.sha256,
  size: e.size,
  ...(e.subject ? { subject: e.subject } : {}),
  ...(e.author ? { author: e.author } : {}),
  files: [...e.files],
});

/** The snapshot of a registry; `urlFor` names a patch the source gives no URL for. */
export function snapshotOf(r: PatchRegistry, source: string, urlFor: (path: string) => string): PatchSnapshot {
  return {
    v: 1,
    source,
    patches: r.current.map((p) =>
      entry({
        ...p,
        url: p.url ?? urlFor(p.path),
        ...(p.header.subject ? { subject: p.header.subject } : {}),
        ...(p.header.author ? { author: p.header.author } : {}),
      }),
    ),
    superseded: r.superseded.map((p) => ({ path: p.path, sha256: p.sha256 })),
    problems: r.problems.map((p) => ({ path: p.path, code: p.code, message: p.message })),
  };
}

/** Fixed key order and entry order: the same registry gives the same bytes, hence the same name. */
export function serializeSnapshot(s: PatchSnapshot): Uint8Array {
  const sorted = {
    v: 1,
    source: s.source,
    patches: s.patches.map(entry).sort((a, b) => byCodePoint(a.path, b.path)),
    superseded: [...s.superseded].sort((a, b) => byCodePoint(a.path, b.path)).map((x) => ({ path: x.path, sha256: x.sha256 })),
    problems: [...s.problems].sort((a, b) => byCodePoint(a.path, b.path)).map((p) => ({ path: p.path, code: p.code, message: p.message })),
  };
  return new TextEncoder().encode(`${JSON.stringify(sorted, null, 1)}\n`);
}

const SHA = /^[0-9a-f]{64}$/;

/** A stored snapshot, checked: each entry's key must be the one its path says. */
export function parseSnapshot(bytes: Uint8Array, name = "patch snapshot"): PatchSnapshot {
  const s = JSON.parse(new TextDecoder().decode(bytes)) as PatchSnapshot;
  if (s?.v !== 1 || !Array.isArray(s.patches)) throw new Error(`${name}: not a v1 patch snapshot`);
  for (const e of s.patches) {
    const k = parseLayoutPath(e.path);
    if (k.dist !== e.dist || k.version !== e.version || k.cve !== e.cve || k.revision !== e.revision || !SHA.test(e.sha256))
      throw new Error(`${name}: entry ${JSON.stringify(e.path)} does not match its path or has no sha256`);
  }
  return s;
}

/** Distributions whose patches in force differ (added, removed, a new revision, new bytes). */
export function changedPatchDistributions(before: PatchSnapshot | undefined, after: PatchSnapshot | undefined): string[] {
  const byDist = (s: PatchSnapshot | undefined) => {
    const m = new Map<string, string[]>();
    for (const p of s?.patches ?? []) m.set(p.dist, [...(m.get(p.dist) ?? []), `${p.path} ${p.sha256} ${p.url}`]);
    return new Map([...m].map(([d, l]) => [d, l.sort(byCodePoint).join("\n")]));
  };
  const b = byDist(before);
  const a = byDist(after);
  return [...new Set([...b.keys(), ...a.keys()])].filter((d) => b.get(d) !== a.get(d)).sort(byCodePoint);
}
