/**
 * One finding for a prerequisite distribution (or perl, for the `perl` prerequisite): the released
 * versions its declared range admits, the advisories affecting any of them, and the lowest admitted
 * version free of all of them. Several requirements on the same distribution (URI and URI::Escape,
 * runtime and test) must all hold for the version an installer picks: their ranges intersect.
 * Developer releases (a `_` in the version; for perl also the odd 5.x series) are not versions
 * anyone is told to require, so they are not counted or offered.
 */
import { type Range, accepts, addRequirement, rangeToString } from "../cpan/requirements";
import type { Severity } from "./feed";
import type { AdvisoryRef, RangeFinding } from "./findings";
import { type CompiledFeed, type ReleasedVersion, releasedVersions } from "./match";

export interface Requirement {
  readonly module: string;
  readonly phase: string;
  readonly relationship: string;
  readonly range: string;
}

const RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };
export const highestSeverity = (s: ReadonlyArray<Severity | null>): Severity | null =>
  s.reduce<Severity | null>((a, b) => (b && (!a || RANK[b] > RANK[a]) ? b : a), null);

/** A perl development release: 5.odd (from 5.7 on), in decimal (5.043001) or dotted (5.43.1) form. */
function perlDevelopment(s: string): boolean {
  const m = /^v?5\.(\d+)/.exec(s);
  if (!m) return false;
  const minor = s.includes(".") && /^v?5\.\d+\./.test(s) ? Number(m[1]) : Number((m[1] as string).padEnd(3, "0").slice(0, 3));
  return minor >= 7 && minor % 2 === 1;
}

const cache = new WeakMap<CompiledFeed, Map<string, readonly ReleasedVersion[]>>();

/** A range in words: `>= 1.2`, `any version`, or as CPAN::Meta prints it. */
export function rangeText(r: Range): string {
  const s = rangeToString(r);
  return s === "0" ? "any version" : /^[<>=!]/.test(s) ? s : `>= ${s}`;
}

/** Stable released versions the range admits: many releases ask the same question. */
function admitted(c: CompiledFeed, dist: string, range: Range): readonly ReleasedVersion[] {
  let m = cache.get(c);
  if (!m) cache.set(c, (m = new Map()));
  const key = `${dist}\0${rangeToString(range)}`;
  let list = m.get(key);
  if (!list) {
    // (the feed can list a version twice: once per upload of it)
    const stable = releasedVersions(c, dist).filter((x, i, all) => all[i - 1]?.s !== x.s && !x.s.includes("_") && !(dist === "perl" && perlDevelopment(x.s)));
    m.set(key, (list = stable.filter((x) => accepts(range, x.v))));
  }
  return list;
}

const span = (versions: readonly string[]) => ({ count: versions.length, lowest: versions[0] as string, highest: versions[versions.length - 1] as string });

type Group = { requirements: readonly Requirement[]; via: RangeFinding["dependency"]["resolvedVia"]; disagreement?: string };

const MAX_ANSWERS = 20_000;

/** A memo by feed pair and key: `compute`'s answer (undefined too) once per key, cleared when it grows large. */
function pairMemo<T extends object>() {
  const byChosen = new WeakMap<CompiledFeed, WeakMap<CompiledFeed, Map<string, T | null>>>();
  return (chosen: CompiledFeed, other: CompiledFeed, key: string, compute: () => T | undefined): T | undefined => {
    let byOther = byChosen.get(chosen);
    if (!byOther) byChosen.set(chosen, (byOther = new WeakMap()));
    let memo = byOther.get(other);
    if (!memo) byOther.set(other, (memo = new Map()));
    const known = memo.get(key);
    if (known !== undefined) return known ?? undefined;
    if (memo.size >= MAX_ANSWERS) memo.clear();
    const answer = compute();
    memo.set(key, answer ?? null);
    return answer;
  };
}

/**
 * Answers by feed pair and question: releases ask the same few (every one requires perl, most the
 * same popular distributions at version 0), and an answer for perl walks hundreds of versions.
 * What this module made is frozen, since one answer then stands in many releases' findings (the
 * feed's own arrays it points at are left alone).
 */
const answers = pairMemo<RangeFinding>();

/** The parts rangeAnswer shares are frozen already. */
function frozen(f: RangeFinding | undefined): RangeFinding | undefined {
  if (!f) return f;
  for (const q of f.dependency.requirements) Object.freeze(q);
  Object.freeze(f.dependency.requirements);
  Object.freeze(f.dependency);
  return Object.freeze(f);
}

export function rangeFinding(chosen: CompiledFeed, other: CompiledFeed, dist: string, kind: "dependency" | "interpreter", g: Group): RangeFinding | undefined {
  if (!chosen.rows.get(dist)?.length) return undefined;
  const key = JSON.stringify([dist, kind, g.via, g.disagreement ?? null, g.requirements.map((q) => [q.module, q.phase, q.relationship, q.range])]);
  return answers(chosen, other, key, () => frozen(computeRangeFinding(chosen, other, dist, kind, g)));
}

/** What a range finding says that depends only on the distribution and the merged range, not on which modules asked. */
interface RangeAnswer {
  readonly severity: Severity | null;
  readonly modes: RangeFinding["modes"];
  readonly advisories: readonly AdvisoryRef[];
  readonly admitsAffected: RangeFinding["dependency"]["admitsAffected"];
  readonly safeMinimum?: string;
  /** With a safe minimum, the advice after "require <module>"; without, the whole advice. */
  readonly advice: string;
}

/**
 * Answers by feed pair, distribution and merged range: many modules of one distribution (App-Netdisco
 * has hundreds) ask the same question at version 0, and an answer walks every affected version.
 */
const ranged = pairMemo<RangeAnswer>();

function computeRangeAnswer(chosen: CompiledFeed, other: CompiledFeed, dist: string, range: Range): RangeAnswer | undefined {
  const released = admitted(chosen, dist, range);
  const hits = new Map<string, { row: ReleasedVersion["rows"][number]["row"]; versions: string[] }>();
  for (const x of released) {
    for (const r of x.rows) {
      const h = hits.get(r.row.id) ?? { row: r.row, versions: [] };
      if (h.versions[h.versions.length - 1] !== x.s) h.versions.push(x.s);
      hits.set(r.row.id, h);
    }
  }
  if (!hits.size) return undefined;
  const otherHits = new Set(admitted(other, dist, range).flatMap((x) => x.rows.map((r) => r.row.id)));
  const advisories: AdvisoryRef[] = [...hits.values()].map(({ row, versions }) => ({
    id: row.id,
    cves: row.cves,
    severity: row.severity,
    description: row.description,
    references: row.references,
    ...(row.reported ? { reported: row.reported } : {}),
    modes: otherHits.has(row.id) ? [chosen.mode, other.mode] : [chosen.mode],
    affects: span(versions),
  }));
  advisories.sort((a, b) => (RANK[b.severity ?? "low"] ?? 0) - (RANK[a.severity ?? "low"] ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const a of advisories) {
    Object.freeze(a.affects);
    Object.freeze(a.modes);
    Object.freeze(a);
  }
  const affected = released.filter((x) => x.rows.length).map((x) => x.s);
  // The advice is a new minimum, so it must exclude every affected version: the first release after
  // the last affected one (an older safe release below an affected band would not do).
  const lastAffected = released.findLastIndex((x) => x.rows.length > 0);
  const safe = released[lastAffected + 1];
  const newest = released[released.length - 1];
  const declared = rangeText(range);
  const advice = safe
    ? ` >= ${safe.s} (the lowest ${dist} release admitted by ${declared} that none of these advisories affects)`
    : `no ${dist} release admitted by ${declared} is free of these advisories (the newest, ${newest?.s}, is affected by ${newest?.rows
        .map((r) => r.row.id)
        .filter((id, i, a) => a.indexOf(id) === i)
        .join(", ")})`;
  return {
    severity: highestSeverity(advisories.map((a) => a.severity)),
    modes: Object.freeze(advisories.some((a) => a.modes.length > 1) ? [chosen.mode, other.mode] : [chosen.mode]),
    advisories: Object.freeze(advisories),
    admitsAffected: Object.freeze(span(affected)),
    ...(safe ? { safeMinimum: safe.s } : {}),
    advice,
  };
}

function computeRangeFinding(chosen: CompiledFeed, other: CompiledFeed, dist: string, kind: "dependency" | "interpreter", g: Group): RangeFinding | undefined {
  let range: Range | undefined;
  for (const q of g.requirements) {
    try {
      range = addRequirement(range, q.range, q.module);
    } catch {
      // An unreadable or contradictory range is a META problem, which the scan reports; it
      // constrains nothing here, so the finding errs towards being shown.
    }
  }
  const merged = range ?? addRequirement(undefined, "0");
  const text = rangeToString(merged);
  const a = ranged(chosen, other, `${dist}\0${text}`, () => computeRangeAnswer(chosen, other, dist, merged));
  if (!a) return undefined;
  const module = g.requirements[0]?.module ?? dist;
  return {
    kind,
    distribution: dist,
    severity: a.severity,
    modes: a.modes,
    feed: chosen.feed.version,
    advisories: a.advisories,
    dependency: {
      requirements: g.requirements,
      range: text,
      resolvedVia: g.via,
      ...(g.disagreement ? { disagreement: g.disagreement } : {}),
      admitsAffected: a.admitsAffected,
      ...(a.safeMinimum ? { safeMinimum: a.safeMinimum } : {}),
      advice: a.safeMinimum ? `require ${module}${a.advice}` : a.advice,
    },
  };
}
