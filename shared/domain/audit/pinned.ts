/**
 * Advisories on a distribution at the exact version an application runs, and the upgrade to make.
 * - strict: the version itself is matched (listed in the feed or not).
 * - cpan-audit: CPAN::Audit's answer, as CPAN::Audit::Query composes it for `deps` and
 *   `installed`: the version is read as a range (`1.58` means `>= 1.58`) over the versions the
 *   feed lists, and every advisory affecting one of those is reported. So an advisory on a later
 *   release only is reported too; `affectsVersion: false` says so.
 */
import { compareVersions } from "../cpan/version";
import type { CompiledFeed, CompiledRow } from "../advisories/match";
import { affectingRows, releasedVersions } from "../advisories/match";
import { cpanAuditElement, parseLaxVersion } from "../advisories/ranges";
import type { AdvisoryRow } from "../advisories/feed";

export interface PinnedHit {
  readonly row: AdvisoryRow;
  readonly affectsVersion: boolean;
  readonly inOtherMode: boolean;
}

function hitRows(c: CompiledFeed, dist: string, version: string): readonly CompiledRow[] {
  if (c.mode === "strict") return affectingRows(c, dist, version);
  const inRange = cpanAuditElement(version);
  return releasedVersions(c, dist)
    .filter((x) => inRange(x.v))
    .flatMap((x) => x.rows);
}

const ids = (rows: readonly CompiledRow[]) => new Set(rows.map((r) => r.row.id));

export function pinnedHits(chosen: CompiledFeed, other: CompiledFeed, dist: string, version: string): PinnedHit[] {
  const exact = ids(affectingRows(chosen, dist, version));
  const inOther = ids(hitRows(other, dist, version));
  const out = new Map<string, PinnedHit>();
  // rows sharing an id (one per range) are one advisory
  for (const r of hitRows(chosen, dist, version))
    if (!out.has(r.row.id)) out.set(r.row.id, { row: r.row, affectsVersion: exact.has(r.row.id), inOtherMode: inOther.has(r.row.id) });
  return [...out.values()].sort((a, b) => (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0));
}

/**
 * The lowest released, non-developer version from `version` on that the chosen mode would report
 * nothing for (strict: no advisory affects it; cpan-audit: no listed version from it on is
 * affected), or the newest release when none is.
 */
export function upgradeTarget(c: CompiledFeed, dist: string, version: string): { fix?: string; newest?: string } {
  const v = parseLaxVersion(version);
  const from = releasedVersions(c, dist).filter((x) => !v || compareVersions(x.v, v) >= 0);
  const stable = from.filter((x) => !x.s.includes("_"));
  const newest = stable[stable.length - 1]?.s;
  const clean = (w: (typeof from)[number]) => (c.mode === "strict" ? !w.rows.length : from.every((x) => compareVersions(x.v, w.v) < 0 || !x.rows.length));
  const fix = stable.find(clean)?.s;
  return { ...(fix ? { fix } : {}), ...(newest ? { newest } : {}) };
}
