/**
 * The per-release result documents (docs/architecture.md, storage layout): their shapes, how each
 * is built, and their bytes. Pure: shared/pipeline/documents.ts writes and reads them under their
 * keys. Each is JSON, two-space indented, with a newline at the end, whoever writes it (the
 * pipeline's steps, `cpansec scan --out`); field order is part of the format (readers diff them).
 */
import type { FeedTrust, FeedVersion } from "../advisories/feed";
import type { Finding, PrerequisiteSummary, ReleaseMatch } from "../advisories/findings";
import type { NotAffected } from "../advisories/not-affected";
import type { MatchMode } from "../advisories/ranges";
import type { Release } from "../cpan/release";
import type { Prereqs } from "../cpan/meta/prereqs";
import { releasePurl } from "../sbom/input";
import type { ReleaseRecord } from "./record";

/** A document's bytes: `JSON.stringify(v, null, 2)` and a newline. */
export const documentText = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
export const documentBytes = (v: unknown): Uint8Array => new TextEncoder().encode(documentText(v));

/** release.json: identity, digests, the META summary and the file manifest, as ingest read them. */
export function releaseDocument(r: ReleaseRecord, rel: Release, checksums: { signedBy: string; signedAt: string }) {
  return {
    id: r.id,
    path: r.path,
    author: r.author,
    uploaded: r.uploaded,
    distribution: rel.distribution ?? null,
    version: rel.version ?? null,
    purl: releasePurl(rel, r.author, r.path),
    developer: rel.developer,
    identitySource: rel.source,
    metaSource: rel.metaSource ?? null,
    metaIdentity: rel.metaIdentity ?? null,
    archive: { ...rel.archive },
    checksums,
    meta: rel.meta
      ? {
          name: rel.meta.name,
          version: rel.meta.version,
          abstract: rel.meta.abstract,
          license: rel.meta.license,
          prereqs: rel.meta.prereqs,
          resources: rel.meta.resources,
        }
      : null,
    files: rel.entries,
    problems: rel.problems,
    ...(rel.error ? { error: rel.error } : {}),
  };
}
export type ReleaseDocument = ReturnType<typeof releaseDocument>;

/** The release as matching sees it. */
export interface MatchSubject {
  readonly distribution?: string;
  readonly version?: string;
  readonly sha256: string;
  readonly prereqs?: Prereqs;
}

/** A release.json's fields (checked where it is read) as matching sees them. */
export function matchSubject(
  doc: Pick<ReleaseDocument, "distribution" | "version"> & { archive: { sha256: string }; meta: { prereqs: Prereqs } | null },
): MatchSubject {
  return {
    ...(doc.distribution !== null ? { distribution: doc.distribution } : {}),
    ...(doc.version !== null ? { version: doc.version } : {}),
    sha256: doc.archive.sha256,
    ...(doc.meta ? { prereqs: doc.meta.prereqs } : {}),
  };
}

/** Who advisories.json is about: the pipeline names the release id; `scan` names the author and purl. */
export interface AdvisoriesRelease {
  readonly id?: string;
  readonly distribution?: string;
  readonly version?: string;
  readonly author?: string;
  readonly purl?: string;
  readonly sha256: string;
}

/** advisories.json: the findings with the feed (and its verification) and mode they came from, or why there are none. */
export type AdvisoriesDocument =
  | { readonly release: AdvisoriesRelease; readonly findings: readonly []; readonly skipped: string }
  | {
      readonly release: AdvisoriesRelease;
      readonly feed: FeedVersion & { readonly verified?: FeedTrust };
      /** The patch registry snapshot the findings' patch notes come from (pipeline, when patches are configured). */
      readonly patches?: { readonly sha256: string; readonly source: string };
      readonly mode: MatchMode;
      readonly scope: ReleaseMatch["scope"];
      readonly prerequisites: PrerequisiteSummary;
      readonly findings: readonly Finding[];
      /** The advisories on the release's own distribution that matching decided do not affect it (the pipeline's VEX states them). */
      readonly notAffected?: readonly NotAffected[];
    };

export type AdvisoriesAnswer =
  | { readonly skipped: string }
  | {
      readonly feed: FeedVersion;
      readonly verified?: FeedTrust;
      readonly patches?: { readonly sha256: string; readonly source: string };
      readonly mode: MatchMode;
      readonly match: ReleaseMatch;
      readonly notAffected?: readonly NotAffected[];
    };

export function advisoriesDocument(release: AdvisoriesRelease, a: AdvisoriesAnswer): AdvisoriesDocument {
  if ("skipped" in a) return { release, findings: [], skipped: a.skipped };
  const { scope, prerequisites, findings } = a.match;
  const feed = a.verified !== undefined ? { ...a.feed, verified: a.verified } : a.feed;
  return {
    release,
    feed,
    ...(a.patches ? { patches: a.patches } : {}),
    mode: a.mode,
    scope,
    prerequisites,
    findings,
    ...(a.notAffected ? { notAffected: a.notAffected } : {}),
  };
}

/**
 * A frozen finding's text as advisories.json holds it (an element of `findings`, two levels in):
 * many releases share one (shared/domain/advisories/dependencies.ts: the perl finding alone is
 * tens of KB), so it is written once, not once per release; frozen, it cannot change after.
 */
const findingTexts = new WeakMap<Finding, Uint8Array>();
function findingText(f: Finding): Uint8Array {
  let text = findingTexts.get(f);
  if (text === undefined) findingTexts.set(f, (text = new TextEncoder().encode(JSON.stringify(f, null, 2).replaceAll("\n", "\n    "))));
  return text;
}

/** Stands for a finding while the rest of the document is written (a NUL first: no name or version holds one). */
const MARK = "\u0000cpansec finding";
const marked = JSON.stringify(MARK).slice(0, -1);

/**
 * advisories.json's bytes: documentBytes(doc), byte for byte, with each frozen finding's bytes made
 * once (findingText) and copied into place, instead of serialised and encoded again for every
 * release. Should another field hold a mark after all, the document is written the plain way.
 */
export function advisoriesBytes(doc: AdvisoriesDocument): Uint8Array {
  const shared = doc.findings.filter((f) => Object.isFrozen(f));
  if (!shared.length) return documentBytes(doc);
  const text = documentText({ ...doc, findings: doc.findings.map((f) => (Object.isFrozen(f) ? MARK : f)) });
  // Every mark in the text must be one of the findings': as many as there are, in their order.
  const at: number[] = [];
  for (let i = text.indexOf(marked); i >= 0; i = text.indexOf(marked, i + marked.length)) at.push(i);
  if (at.length !== shared.length) return documentBytes(doc);
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let from = 0;
  shared.forEach((f, k) => {
    parts.push(encoder.encode(text.slice(from, at[k])), findingText(f));
    from = (at[k] as number) + marked.length + 1;
  });
  parts.push(encoder.encode(text.slice(from)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** log.json: where the upload's entry is in the log, with the checkpoint and inclusion proof to check it. */
export interface LogDocument {
  readonly index: number;
  readonly leafHash: string;
  readonly entry: string;
  readonly treeSize: number;
  readonly checkpoint: string;
  readonly inclusionProof: readonly string[];
}
