/**
 * The CPAN security advisory feed (briandfoy/cpan-security-advisory, cpan-security-advisory.json):
 * validated with a schema, normalised to one shape whichever of the two published shapes it came
 * in (2023 snapshots: a string or null where later ones have arrays).
 */
import { createHash } from "node:crypto";
// zod/mini: the same validation, a fraction of the bundle (the Lambda functions load this).
import * as z from "zod/mini";

/** The published feed: the latest release asset of briandfoy/cpan-security-advisory (the CLI's and the stack's default). */
export const DEFAULT_FEED_URL = "https://github.com/briandfoy/cpan-security-advisory/releases/latest/download/cpan-security-advisory.json";

export class FeedError extends Error {
  override readonly name = "FeedError";
}

const ranges = z.optional(z.union([z.array(z.string()), z.string(), z.null()]));
const nullishString = z.nullish(z.string());
const bundledSchema = z.nullish(z.looseObject({ name: nullishString, distributed_version: nullishString }));
const advisorySchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  distribution: z.optional(z.string()),
  affected_versions: ranges,
  fixed_versions: ranges,
  cves: z.optional(z.union([z.array(z.string()), z.string(), z.null()])),
  description: nullishString,
  reported: nullishString,
  severity: nullishString,
  references: z.optional(z.union([z.array(z.string()), z.null()])),
  embedded_vulnerability: bundledSchema,
  external_vulnerability: bundledSchema,
});
const distSchema = z.looseObject({
  main_module: nullishString,
  versions: z.optional(z.array(z.looseObject({ version: z.nullish(z.union([z.string(), z.number()])), date: nullishString }))),
  advisories: z._default(z.array(advisorySchema), []),
});
const feedSchema = z.looseObject({
  meta: z.optional(z.looseObject({ commit: nullishString, date: nullishString, epoch: z.nullish(z.number()) })),
  module2dist: z._default(z.record(z.string(), z.string()), {}),
  dists: z.record(z.string(), distSchema),
});

export type Severity = "low" | "medium" | "high" | "critical";
const SEVERITY: Record<string, Severity> = { minor: "low", low: "low", medium: "medium", moderate: "medium", high: "high", critical: "critical" };

/** One row of the feed. Several rows can share an id (one per range). */
export interface AdvisoryRow {
  readonly id: string;
  readonly distribution: string;
  readonly affected: readonly string[];
  readonly fixed: readonly string[];
  readonly cves: readonly string[];
  readonly description: string;
  readonly reported?: string;
  /** As written in the feed (null when absent), and normalised. */
  readonly severityText: string | null;
  readonly severity: Severity | null;
  readonly references: readonly string[];
  /** For rows about code bundled in the distribution (e.g. DBD-SQLite's SQLite): the library. */
  readonly bundled?: string;
}

export interface FeedVersion {
  readonly date?: string;
  readonly commit?: string;
  readonly sha256: string;
}

export interface DistEntry {
  readonly mainModule?: string;
  /** Released versions the feed lists, in feed order. */
  readonly versions: readonly string[];
  readonly advisories: readonly AdvisoryRow[];
}

export interface Feed {
  readonly version: FeedVersion;
  readonly module2dist: Readonly<Record<string, string>>;
  readonly dists: Readonly<Record<string, DistEntry>>;
}

const list = (v: string[] | string | null | undefined): string[] => (Array.isArray(v) ? v : typeof v === "string" && v.trim() ? [v] : []);

/** Third-party rows carry the library as an id suffix ("CPANSA-DBD-SQLite-2020-13632-sqlite") or a field. */
function bundledLibrary(a: z.infer<typeof advisorySchema>): string | undefined {
  const named = a.embedded_vulnerability?.name ?? undefined;
  if (named) return named;
  const m = /^CPANSA-.+-\d{4}-\d+-([A-Za-z][A-Za-z0-9._+-]*)$/.exec(a.id);
  return m?.[1];
}

export function parseFeed(bytes: Uint8Array): Feed {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new FeedError(`advisory feed is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const r = feedSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new FeedError(`advisory feed does not match the schema at ${issue?.path.join(".") || "(top)"}: ${issue?.message} (${r.error.issues.length} problem(s))`);
  }
  const dists: Record<string, DistEntry> = {};
  for (const [name, d] of Object.entries(r.data.dists)) {
    dists[name] = {
      ...(d.main_module ? { mainModule: d.main_module } : {}),
      versions: (d.versions ?? []).flatMap((v) => (v.version === null || v.version === undefined ? [] : [String(v.version)])),
      advisories: d.advisories.map((a) => {
        const bundled = bundledLibrary(a);
        const text = a.severity ?? null;
        return {
          id: a.id,
          distribution: a.distribution ?? name,
          affected: list(a.affected_versions),
          fixed: list(a.fixed_versions),
          cves: list(a.cves),
          description: a.description ?? "",
          ...(a.reported ? { reported: a.reported } : {}),
          severityText: text,
          severity: text ? (SEVERITY[text.toLowerCase()] ?? null) : null,
          references: a.references ?? [],
          ...(bundled ? { bundled } : {}),
        };
      }),
    };
  }
  const meta = r.data.meta;
  return {
    version: { ...(meta?.date ? { date: meta.date } : {}), ...(meta?.commit ? { commit: meta.commit } : {}), sha256: createHash("sha256").update(bytes).digest("hex") },
    module2dist: r.data.module2dist,
    dists,
  };
}
