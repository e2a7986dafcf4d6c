/**
 * The audit in words: a header, one line per vulnerable distribution (advisories, severity, the
 * upgrade to make, where it was read), the accepted risks, notes, and a summary line. Names and
 * ids come from the input and the feed: shown through displayText, never interpreted.
 */
import type { Severity } from "../advisories/feed";
import { displayText } from "../text/display";
import { type AuditAdvisory, type AuditItem, type AuditReport, countsAdvisory } from "./report";

const SHOWN = 6;

function advisoryText(a: AuditAdvisory): string {
  const notes: string[] = [];
  if (a.affectsVersion === false) notes.push("later releases only");
  if (a.resolved) notes.push(`fixed by its patches: ${a.resolved.ids.join(" ")}`);
  for (const p of a.patches ?? []) notes.push(`patch ${p.url} sha256 ${p.sha256}${p.patched ? `, patched archive ${p.patched}` : ""}`);
  if (a.exclusion)
    notes.push(
      a.exclusion.expired ? `accepted until ${a.exclusion.expires}, expired: counts again` : `accepted until ${a.exclusion.expires}: ${a.exclusion.reason}`,
    );
  return `${a.id}${a.severity ? ` ${a.severity}` : ""}${a.cves.length ? ` ${a.cves.join(" ")}` : ""}${notes.length ? ` (${notes.join("; ")})` : ""}`;
}

export function itemLine(i: AuditItem): string {
  const what =
    i.kind === "distribution"
      ? `${i.distribution} ${i.version}`
      : i.kind === "interpreter"
        ? `perl ${i.range === "0" ? "(any version)" : i.range}`
        : `${i.distribution} ${i.range === "0" ? "(any version)" : i.range}`;
  const list =
    i.advisories.length <= SHOWN
      ? i.advisories.map(advisoryText)
      : [...i.advisories.slice(0, SHOWN).map(advisoryText), `and ${i.advisories.length - SHOWN} more`];
  const where = `${i.location.file}${i.location.line ? `:${i.location.line}` : ""}`;
  const tag = i.resolved ? "[patched]" : i.accepted ? "[accepted]" : `[${i.severity ?? "severity unknown"}]`;
  return displayText(
    `${what} ${tag}: ${i.advisories.length === 1 ? "advisory" : `${i.advisories.length} advisories:`} ${list.join(", ")}; ${i.advice} (${where})`,
  );
}

const SEVERITIES: ReadonlyArray<Severity | "unknown"> = ["critical", "high", "medium", "low", "unknown"];

export function summaryLine(r: AuditReport, seconds?: number): string {
  const s = r.summary;
  const sev = SEVERITIES.filter((k) => s.bySeverity[k]).map((k) => `${s.bySeverity[k]} ${k === "unknown" ? "unrated" : k}`);
  const counted =
    r.input.kind === "cpanfile"
      ? `${s.distributions} modules required`
      : `${s.distributions} distributions${s.unversioned ? ` (${s.unversioned} without a known version, not matched)` : ""}`;
  return `summary: ${counted}; ${s.vulnerable} vulnerable; ${s.advisories} advisories${sev.length ? ` (${sev.join(", ")})` : ""}${s.accepted ? `; ${s.accepted} accepted` : ""}${s.resolved ? `; ${s.resolved} fixed by patches` : ""}${seconds !== undefined ? `; ${seconds.toFixed(2)} s` : ""}`;
}

export function reportText(r: AuditReport, seconds?: number): string {
  const lines = [
    `cpansec audit of ${r.input.files.join(", ")} (${r.input.kind}), ${r.mode} mode, feed ${r.feed.date ?? "undated"} sha256 ${r.feed.sha256.slice(0, 12)}`,
  ];
  const order = (i: AuditItem) =>
    i.resolved ? 10 : i.accepted ? 9 : ({ critical: 0, high: 1, medium: 2, low: 3 } as const)[i.severity ?? "low"] + (i.severity ? 0 : 0.5);
  for (const i of [...r.items].sort((a, b) => order(a) - order(b) || (a.distribution < b.distribution ? -1 : 1))) lines.push(itemLine(i));
  for (const e of r.unusedExclusions) lines.push(displayText(`exclusion ${e.id} (until ${e.expires}) matched nothing`));
  for (const n of r.notes) lines.push(displayText(`note: ${n}`));
  lines.push(summaryLine(r, seconds));
  return `${lines.join("\n")}\n`;
}

export const anyCounted = (r: AuditReport) => r.items.some((i) => i.advisories.some(countsAdvisory));
