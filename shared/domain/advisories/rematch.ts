/**
 * Which stored answers a change can alter, as keys of the match index. A release's findings are a
 * function of its own distribution and version, its prerequisites, the feed's entries for the
 * distributions those resolve to, and the resolution itself (02packages, then the feed's
 * module2dist, then perl's own modules). So each release is indexed under `dist:<D>` for its own
 * distribution and every distribution a prerequisite resolved to, and `module:<M>` for every
 * prerequisite module; a change selects:
 * - `dist:<D>` for every distribution whose feed entry changed in any way (advisories added,
 *   changed or removed, released versions: those move a dependency's safe minimum);
 * - `module:<M>` for every module whose resolution changed in any way (advisories.json also lists
 *   what stayed unresolved, what perl provides, where 02packages and module2dist disagree);
 * - `feed:none` when the first feed arrives: releases matched before there was any feed are
 *   indexed under it, whatever distributions the feed names.
 * docs/decisions/0011-rematching.md says why this is enough.
 */
import type { Prereqs } from "../cpan/meta";
import { type Resolution, resolvedDistributions } from "../sbom/resolve";
import type { DistEntry, Feed } from "./feed";

export const distKey = (d: string) => `dist:${d}`;
export const moduleKey = (m: string) => `module:${m}`;
export const NO_FEED_KEY = "feed:none";

export interface KeyInput {
  readonly distribution: string;
  readonly prereqs?: Prereqs;
}

/** The index keys of one release, sorted, each once (`withFeed` false: it was matched without one). */
export function matchKeys(input: KeyInput, resolve: (module: string) => Resolution, withFeed = true): string[] {
  const keys = new Set([distKey(input.distribution), ...(withFeed ? [] : [NO_FEED_KEY])]);
  for (const rels of Object.values(input.prereqs ?? {})) {
    for (const modules of Object.values(rels)) {
      for (const m of Object.keys(modules)) {
        keys.add(moduleKey(m));
        for (const d of resolvedDistributions(resolve(m))) keys.add(distKey(d));
      }
    }
  }
  return [...keys].sort();
}

const digest = (e: DistEntry | undefined) => (e ? JSON.stringify(e) : "");

/** Distributions whose entry differs between two feeds (parseFeed builds entries in a fixed key order). */
export function changedDistributions(before: Feed | undefined, after: Feed | undefined): string[] {
  const names = new Set([...Object.keys(before?.dists ?? {}), ...Object.keys(after?.dists ?? {})]);
  return [...names].filter((d) => digest(before?.dists[d]) !== digest(after?.dists[d])).sort();
}

export interface ResolutionState {
  /** Every module the state can resolve other than by perl's own lists (02packages', module2dist's). */
  readonly modules: Iterable<string>;
  readonly resolve: (module: string) => Resolution;
}

/** Modules that now resolve differently. */
export function resolutionChanges(before: ResolutionState, after: ResolutionState): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const state of [before, after]) {
    for (const m of state.modules) {
      if (seen.has(m)) continue;
      seen.add(m);
      if (JSON.stringify(before.resolve(m)) !== JSON.stringify(after.resolve(m))) out.push(m);
    }
  }
  return out.sort();
}
