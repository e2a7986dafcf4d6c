/**
 * Module → distribution for prerequisites: 02packages first (the index PAUSE maintains), then the
 * advisory feed's module2dist, then perl's own modules. A module resolves to `perl` only when that
 * is the answer (02packages or module2dist name perl, or Module::CoreList lists it and it is not
 * dual-life); a dual-life module (JSON::PP, Scalar::Util...) that neither index names stays
 * unresolved, as does anything else nobody knows: never guessed.
 *
 * When 02packages and module2dist disagree, the answer keeps both: 02packages comes from the
 * mirror, which is untrusted, and one hostile line must not move a module out of the feed's view.
 */
import core from "../cpan/core-modules.json" with { type: "json" };
import type { PackagesIndex } from "../cpan/packages";

export type Resolution =
  | {
      readonly distribution: string;
      readonly via: "02packages" | "module2dist" | "core";
      /** 02packages said `distribution`, the feed's module2dist says this one. */
      readonly module2dist?: string;
    }
  | {
      readonly distribution?: undefined;
      readonly via: "unresolved";
      /** Ships with perl and is also released on CPAN, but no index at hand names its distribution. */
      readonly dualLife?: true;
    };

const CORE = new Set<string>(core.modules);
const DUAL_LIFE = new Set<string>(core.dualLife);
export const CORE_PERL_VERSION = core.perl;

export function moduleResolver(index?: PackagesIndex, module2dist: Readonly<Record<string, string>> = {}): (module: string) => Resolution {
  return (module) => {
    if (module === "perl") return { distribution: "perl", via: "core" };
    const fromFeed = Object.hasOwn(module2dist, module) ? module2dist[module] : undefined;
    const indexed = index?.modules.get(module)?.distribution;
    if (indexed) return { distribution: indexed, via: "02packages", ...(fromFeed && fromFeed !== indexed ? { module2dist: fromFeed } : {}) };
    if (fromFeed) return { distribution: fromFeed, via: "module2dist" };
    if (DUAL_LIFE.has(module)) return { via: "unresolved", dualLife: true };
    if (CORE.has(module)) return { distribution: "perl", via: "core" };
    return { via: "unresolved" };
  };
}

/** Every distribution a resolution names (two when 02packages and module2dist disagree). */
export function resolvedDistributions(r: Resolution): string[] {
  if (!r.distribution) return [];
  return r.via === "02packages" && r.module2dist ? [r.distribution, r.module2dist] : [r.distribution];
}
