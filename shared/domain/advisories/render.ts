/**
 * Findings in words, one line each, for the scan's text output and notifications: the same facts
 * as the JSON (docs/decisions/0005-advisory-ranges.md), short enough that a typical release fits
 * one screen. Plain text: callers neutralise it for their medium.
 */
import { type DependencyScope, type Finding, type PrerequisiteSummary, SCOPE_TEXT, isReleaseFinding } from "./findings";

const SHOWN = 4;

function cited(ids: readonly string[]): string {
  return ids.length <= SHOWN ? ids.join(", ") : `${ids.slice(0, SHOWN).join(", ")} and ${ids.length - SHOWN} more`;
}

export function findingLine(f: Finding): string {
  const sev = `[${f.severity ?? "severity unknown"}]`;
  if (isReleaseFinding(f)) {
    const where = f.kind === "bundled" ? ` in bundled ${f.component ?? "code"}` : "";
    return `ADVISORY ${f.advisory} ${sev}${where}${f.cves.length ? ` ${f.cves.join(", ")}` : ""}`;
  }
  const d = f.dependency;
  // perl "5.008" (configure, runtime, test requires): one entry per module and range
  const grouped = new Map<string, string[]>();
  for (const q of d.requirements) {
    const k = `${q.module} ${JSON.stringify(q.range)}`;
    grouped.set(k, [...(grouped.get(k) ?? []), `${q.phase}${q.relationship === "requires" ? "" : ` ${q.relationship}`}`]);
  }
  const asked = [...grouped].map(([k, ps]) => `${k} (${ps.join(", ")})`).join(", ");
  const span = d.admitsAffected.count === 1 ? d.admitsAffected.lowest : `${d.admitsAffected.lowest} to ${d.admitsAffected.highest}`;
  const what = f.kind === "interpreter" ? "vulnerable perl releases" : `affected ${f.distribution} releases`;
  const ids = f.advisories.map((a) => `${a.id}${a.severity ? ` ${a.severity}` : ""}${a.cves.length ? ` ${a.cves.join(" ")}` : ""}`);
  const advisories = f.advisories.length === 1 ? `advisory ${ids[0]}` : `${f.advisories.length} advisories: ${cited(ids)}`;
  const label = f.kind === "interpreter" ? "INTERPRETER perl" : `dependency ${f.distribution}`;
  const note = d.disagreement ? ` (${d.disagreement})` : "";
  return `${label} ${sev}: ${asked} admits ${d.admitsAffected.count} ${what} (${span}); ${advisories}; ${d.advice}${note}`;
}

/** What the dependency findings looked at: the scope, and the prerequisites that yield none. */
export function prerequisiteLine(scope: DependencyScope, p: PrerequisiteSummary): string {
  const parts = [`dependency scope: ${SCOPE_TEXT[scope]}`];
  if (p.providedByPerl.length) parts.push(`provided by perl: ${cited(p.providedByPerl)}`);
  if (p.unresolved.length)
    parts.push(`unresolved (no distribution known, not matched): ${cited(p.unresolved.map((u) => (u.dualLife ? `${u.module} (ships with perl)` : u.module)))}`);
  for (const d of p.disagreements) parts.push(`${d.module}: 02packages says ${d.packages}, the feed's module2dist ${d.module2dist}`);
  return parts.join("; ");
}
