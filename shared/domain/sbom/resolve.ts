/**
 * Module → distribution for prerequisites: 02packages first (the index PAUSE maintains), then the
 * advisory feed's module2dist, then perl's own modules (Module::CoreList for the perl below map to
 * the `perl` distribution). What none of them knows stays unresolved, named by the module.
 */
import core from "../cpan/core-modules.json" with { type: "json" };
import type { PackagesIndex } from "../cpan/packages";

export type Resolution =
  | { readonly distribution: string; readonly via: "02packages" | "module2dist" | "core" }
  | { readonly distribution?: undefined; readonly via: "unresolved" };

const CORE = new Set<string>(core.modules);
export const CORE_PERL_VERSION = core.perl;

export function moduleResolver(index?: PackagesIndex, module2dist: Readonly<Record<string, string>> = {}): (module: string) => Resolution {
  return (module) => {
    if (module === "perl") return { distribution: "perl", via: "core" };
    const indexed = index?.modules.get(module)?.distribution;
    if (indexed) return { distribution: indexed, via: "02packages" };
    const fromFeed = Object.hasOwn(module2dist, module) ? module2dist[module] : undefined;
    if (fromFeed) return { distribution: fromFeed, via: "module2dist" };
    if (CORE.has(module)) return { distribution: "perl", via: "core" };
    return { via: "unresolved" };
  };
}
