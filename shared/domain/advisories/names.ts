/**
 * A name a user typed (`advisories match` input): a distribution, or a module resolved to the
 * distribution that provides it. Unknown names are said to be unknown: answering them with no
 * advisories would claim they are clean.
 */
import type { PackagesIndex } from "../cpan/packages";
import { moduleResolver, resolvedDistributions } from "../sbom/resolve";
import type { MatchFeed } from "./match";

export type NameResolution =
  | { readonly as: "distribution"; readonly distributions: readonly [string] }
  | { readonly as: "module"; readonly via: "02packages" | "module2dist"; readonly distributions: readonly string[]; readonly disagreement?: string }
  | { readonly as: "unknown"; readonly why: string };

const distCache = new WeakMap<PackagesIndex, Set<string>>();
function indexedDistributions(index: PackagesIndex): Set<string> {
  let s = distCache.get(index);
  if (!s) distCache.set(index, (s = new Set([...index.modules.values()].flatMap((m) => (m.distribution ? [m.distribution] : [])))));
  return s;
}

/** `isDistribution`: whether the feed has the distribution (a Feed's `dists`, a MatchTable's). */
export function nameResolver(
  feed: Pick<MatchFeed, "module2dist"> & { readonly isDistribution: (name: string) => boolean },
  index?: PackagesIndex,
): (name: string) => NameResolution {
  const resolve = moduleResolver(index, feed.module2dist);
  return (name) => {
    if (feed.isDistribution(name) || (index && indexedDistributions(index).has(name))) return { as: "distribution", distributions: [name] };
    const r = resolve(name);
    if (r.distribution === "perl" || (r.via === "unresolved" && r.dualLife)) {
      return {
        as: "unknown",
        why: `${name} ships with perl: its version is not perl's; match "perl<TAB>version" for the interpreter${r.distribution ? "" : ", or give --packages to find its CPAN distribution"}`,
      };
    }
    if (r.distribution && (r.via === "02packages" || r.via === "module2dist")) {
      const distributions = resolvedDistributions(r);
      return {
        as: "module",
        via: r.via,
        distributions,
        ...(distributions.length > 1
          ? { disagreement: `02packages names ${distributions[0]}, the feed's module2dist ${distributions[1]}: both are matched` }
          : {}),
      };
    }
    return {
      as: "unknown",
      why: `${name} is neither a distribution nor a module the feed${index ? " or 02packages" : ""} knows${index ? "" : " (give --packages to know every CPAN distribution)"}`,
    };
  };
}
