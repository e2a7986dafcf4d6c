/**
 * Storing one match (match-advisories): advisories.json, the findings, the release's match-index
 * keys and the inputs on its record, the VEX; and the events a match raises.
 */
import { type Finding, findingKey, isReleaseFinding } from "../domain/advisories/findings";
import { matchKeys } from "../domain/advisories/rematch";
import type { Resolution } from "../domain/sbom/resolve";
import type { AdvisoriesDocument, MatchSubject } from "../domain/pipeline/documents";
import { advisoriesKey, publicLink } from "../domain/pipeline/keys";
import { publishedOsvPath } from "../domain/publish/publication";
import type { ReleaseRecord } from "../domain/pipeline/record";
import { emit } from "./complete";
import { writeVex } from "./write-vex";
import type { MatchInputs, RecordMatchDeps } from "../ports/deps";
import { publishAdvisories } from "./documents";

const NO_FEED = "no advisory feed configured";

/** Never matched against a feed (records from before `matched` existed say so by the step's reason). */
function firstWithFeed(r: ReleaseRecord): boolean {
  const step = r.steps.advisories;
  if (!step) return true;
  return r.matched ? r.matched.feed === null : step.reason === NO_FEED;
}

interface Cited {
  readonly id: string;
  /**
   * What the finding says about this advisory (the feed version aside: it changes on every
   * refresh; its patches aside: a new patch is patch.published, not a changed advisory).
   */
  readonly says: string;
  readonly detail: Record<string, unknown>;
}

/** Each advisory a finding cites, keyed by the finding and the advisory. */
function cited(f: Finding): Map<string, Cited> {
  if (isReleaseFinding(f)) {
    const { feed: _feed, patches: _patches, ...rest } = f;
    const detail = { advisory: f.advisory, kind: f.kind, severity: f.severity, cves: f.cves, ...(f.component ? { component: f.component } : {}) };
    return new Map([[`${findingKey(f)}\0${f.advisory}`, { id: f.advisory, says: JSON.stringify(rest), detail }]]);
  }
  return new Map(
    f.advisories.map((a) => {
      const detail = {
        advisory: a.id,
        kind: f.kind,
        severity: a.severity,
        cves: a.cves,
        distribution: f.distribution,
        range: f.dependency.range,
        advice: f.dependency.advice,
      };
      const { patches: _patches, ...says } = a;
      return [`${findingKey(f)}\0${a.id}`, { id: a.id, says: JSON.stringify(says), detail }];
    }),
  );
}

/**
 * True only when JSON.stringify would write `a` and `b` the same (the same keys in the same order,
 * the same values), without writing either; `skip`: keys left out at the top level. False may
 * also mean "not sure" (NaN, a key undefined on one side only): the caller then compares the text.
 */
function sameJson(a: unknown, b: unknown, skip?: ReadonlySet<string>): boolean {
  if (a === b) return !Number.isNaN(a);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => sameJson(x, (b as unknown[])[i]));
  const ka = Object.keys(a).filter((k) => !skip?.has(k));
  const kb = Object.keys(b).filter((k) => !skip?.has(k));
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const FEED_AND_PATCHES = new Set(["feed", "patches"]);
const PATCHES = new Set(["patches"]);

/** Every advisory `f` cites says what it said in `before` (what `cited` compares), by structure. */
function saysTheSame(before: Finding, f: Finding): boolean {
  if (before.kind !== f.kind) return false;
  if (isReleaseFinding(f)) return sameJson(before, f, FEED_AND_PATCHES);
  const was = (before as typeof f).advisories;
  return was.length === f.advisories.length && f.advisories.every((a, i) => sameJson(was[i], a, PATCHES));
}

/**
 * saysTheSame, once per pair of frozen findings: frozen, neither can change, and a re-match pass
 * compares the same pair for every release that shares both (the perl finding, read back as one
 * object by the embedded store, against the one the new feed's match shares).
 */
const compared = new WeakMap<Finding, WeakMap<Finding, boolean>>();
function saysTheSameOnce(before: Finding, f: Finding): boolean {
  if (!Object.isFrozen(before) || !Object.isFrozen(f)) return saysTheSame(before, f);
  let known = compared.get(before);
  if (!known) compared.set(before, (known = new WeakMap()));
  let same = known.get(f);
  if (same === undefined) known.set(f, (same = saysTheSame(before, f)));
  return same;
}

/**
 * The first match with a feed: `release.vulnerable` when an advisory affects the release or code
 * bundled in it (as for a new upload). A re-match: `advisory.published` for every advisory a
 * finding of any kind cites that it did not cite before, or says something else about now.
 */
export async function announceFindings(deps: RecordMatchDeps, r: ReleaseRecord, findings: readonly Finding[], feedSha: string): Promise<void> {
  const links = { advisories: advisoriesKey(r) };
  if (firstWithFeed(r)) {
    const direct = findings.filter(isReleaseFinding);
    if (!direct.length) return;
    // The prerequisites' findings ride along as the advice the text report gives (advisories.json has the rest).
    const dependencies = findings
      .filter((f) => !isReleaseFinding(f))
      .map((f) => ({
        kind: f.kind,
        distribution: f.distribution,
        severity: f.severity,
        advisories: f.advisories.map((a) => a.id),
        advice: f.dependency.advice,
      }));
    await emit(
      deps,
      "release.vulnerable",
      r,
      `${r.id}\n${feedSha}`,
      { advisories: direct.map((f) => ({ id: f.advisory, kind: f.kind, severity: f.severity, cves: f.cves })), dependencies },
      links,
    );
    return;
  }
  const stored = await deps.findings.byRelease(r.id);
  // Most findings say what they said (the perl finding alone cites hundreds of advisories): a
  // finding whose one stored predecessor is the same structure is skipped without writing the
  // text of every advisory twice; the rest are compared advisory by advisory, as text.
  const byKey = new Map<string, Finding[]>();
  for (const s of stored) {
    const key = findingKey(s);
    const group = byKey.get(key);
    if (group) group.push(s);
    else byKey.set(key, [s]);
  }
  for (const f of findings) {
    const same = byKey.get(findingKey(f)) ?? [];
    if (same.length === 1 && saysTheSameOnce(same[0] as Finding, f)) continue;
    // What the stored findings under the same key said (a cited key starts with the finding's key).
    const before = new Map(same.flatMap((s) => [...cited(s)].map(([k, c]) => [k, c.says] as const)));
    for (const [key, c] of cited(f)) {
      if (before.get(key) === c.says) continue;
      // The advisory's OSV record, where publish-advisories puts it (no link for an id it cannot publish).
      const osv = publishedOsvPath(c.id);
      await emit(deps, "advisory.published", r, `${r.id}\n${c.id}\n${feedSha}`, c.detail, { ...links, ...(osv ? { osv: publicLink(osv) } : {}) });
    }
  }
}

/**
 * advisories.json, the findings, then the index keys: new ones are added before the record names
 * them and stale ones removed after, so a crash leaves extra keys (an extra re-match), never a
 * missing one.
 */
export async function recordMatch(
  deps: RecordMatchDeps,
  r: ReleaseRecord,
  release: MatchSubject,
  findings: readonly Finding[],
  doc: AdvisoriesDocument,
  inputs: MatchInputs,
  resolve: (m: string) => Resolution,
): Promise<void> {
  await publishAdvisories(deps.blobs, r, doc);
  await deps.findings.replace(r.id, findings);
  const keys = release.distribution
    ? matchKeys({ distribution: release.distribution, ...(release.prereqs ? { prereqs: release.prereqs } : {}) }, resolve, inputs.identity.feed !== null)
    : [];
  await deps.matchIndex.put(r.id, keys);
  let old: readonly string[] = [];
  await deps.releases.update(r.id, (x) => {
    old = x.matched?.keys ?? [];
    return { ...x, matched: { ...inputs.identity, keys } };
  });
  const keep = new Set(keys);
  const stale = old.filter((k) => !keep.has(k));
  if (stale.length) await deps.matchIndex.remove(r.id, stale);
  await writeVex(deps, r);
}
