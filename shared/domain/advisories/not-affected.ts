/**
 * The advisories on a release's own distribution that matching decided do not affect it: every
 * row of the id leaves the version out (a fixed version, or one before the affected range; for
 * rows about bundled code, the ranges are the distribution's versions, so the same holds for the
 * code it bundles). What a VEX states as not_affected. No decision, so not listed: an unreadable
 * version, or an advisory strict mode could not read a clause of (its answer is not a decision).
 */
import type { Severity } from "./feed";
import { type CompiledFeed, rowAffects } from "./match";
import { parseLaxVersion } from "./ranges";

export interface NotAffected {
  readonly advisory: string;
  readonly kind: "self" | "bundled";
  /** bundled: the library inside the archive. */
  readonly component?: string;
  readonly cves: readonly string[];
  readonly severity: Severity | null;
  readonly description: string;
  readonly references: readonly string[];
  /** The ranges as the feed writes them, every row of the id. */
  readonly affected: readonly string[];
  readonly fixed: readonly string[];
}

export function notAffected(c: CompiledFeed, distribution: string, version: string): NotAffected[] {
  const v = parseLaxVersion(version);
  const rows = c.rows.get(distribution) ?? [];
  if (!v || !rows.length) return [];
  const unreadable = new Set(c.warnings.map((w) => w.id));
  const byId = new Map<string, (typeof rows)[number][]>();
  for (const r of rows) byId.set(r.row.id, [...(byId.get(r.row.id) ?? []), r]);
  const out: NotAffected[] = [];
  for (const [id, group] of byId) {
    if (unreadable.has(id) || group.some((r) => rowAffects(r, v))) continue;
    const first = group[0]?.row;
    if (!first) continue;
    out.push({
      advisory: id,
      kind: first.bundled ? "bundled" : "self",
      ...(first.bundled ? { component: first.bundled } : {}),
      cves: [...new Set(group.flatMap((r) => r.row.cves))],
      severity: first.severity,
      description: first.description,
      references: [...new Set(group.flatMap((r) => r.row.references))],
      affected: group.flatMap((r) => r.row.affected),
      fixed: group.flatMap((r) => r.row.fixed),
    });
  }
  return out.sort((a, b) => (a.advisory < b.advisory ? -1 : a.advisory > b.advisory ? 1 : 0));
}
