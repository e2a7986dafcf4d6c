/**
 * Random histories for the re-matching property tests: a few distributions that require each
 * other's modules, feeds drawn over them (advisories, released versions, module2dist entries that
 * 02packages later overrides), and an interleaving of uploads, feed arrivals and pipeline passes.
 * After any history, every stored release must hold exactly what a from-scratch run gives it.
 */
import fc from "fast-check";
import type { DemoDist } from "../../cli/demo/mirror";

const NAMES = ["Prop-Alpha", "Prop-Beta", "Prop-Gamma", "Prop-Delta"] as const;
/** Not uploaded: known only through a feed's module2dist. */
const GHOST = "Prop-Ghost";
const moduleOf = (d: string) => d.replace(/-/g, "::");
const VERSIONS = ["0.5", "1.0", "1.5", "2.0"];

export interface Scenario {
  readonly dists: readonly DemoDist[];
  readonly feeds: readonly object[];
  readonly actions: readonly Action[];
}

export type Action = { readonly upload: number } | { readonly feed: number } | { readonly run: true };

const distArb = (name: string, i: number) =>
  fc
    .record({
      version: fc.constantFrom("1.0", "2.0"),
      requires: fc.subarray([...NAMES.filter((n) => n !== name).map(moduleOf), moduleOf(GHOST)], { maxLength: 3 }),
      range: fc.constantFrom("0", "1.0", "1.5"),
    })
    .map((d): DemoDist => ({ author: `AUTH${i}`, name, version: d.version, requires: Object.fromEntries(d.requires.map((m) => [m, d.range])) }));

const feedArb = fc
  .record({
    entries: fc.subarray([...NAMES, GHOST], { minLength: 1 }),
    advisories: fc.array(fc.nat({ max: 2 }), { minLength: 5, maxLength: 5 }),
    ids: fc.array(fc.nat({ max: 3 }), { minLength: 5, maxLength: 5 }),
    versions: fc.array(fc.subarray(VERSIONS, { minLength: 1 }), { minLength: 5, maxLength: 5 }),
    module2dist: fc.subarray([
      [moduleOf(GHOST), GHOST],
      [moduleOf("Prop-Beta"), GHOST],
    ] as const),
    seed: fc.array(fc.tuple(fc.constantFrom("<1.5", ">=1.0", "<3", "==2.0", "<=0.5"), fc.constantFrom(true, false), fc.constantFrom("low", "high", null)), {
      minLength: 15,
      maxLength: 15,
    }),
  })
  .map((f) => {
    const dists: Record<string, object> = {};
    f.entries.forEach((dist, i) => {
      const count = f.advisories[i] ?? 0;
      const advisories = Array.from({ length: count }, (_, k) => {
        const [affected, fixed, severity] = f.seed[i * 3 + k] ?? ["<3", false, null];
        return {
          id: `CPANSA-${dist}-2026-${(f.ids[i] ?? 0) + k}`,
          distribution: dist,
          affected_versions: [affected],
          fixed_versions: fixed ? [">=2.0"] : [],
          cves: [],
          severity,
          description: `on ${dist}`,
        };
      });
      dists[dist] = { versions: (f.versions[i] ?? ["1.0"]).map((version) => ({ version })), advisories };
    });
    return { meta: { date: "prop", commit: JSON.stringify(f.entries) }, module2dist: Object.fromEntries(f.module2dist), dists };
  });

export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .tuple(fc.tuple(...NAMES.map((n, i) => distArb(n, i))), fc.array(feedArb, { minLength: 1, maxLength: 3 }))
  .chain(([dists, feeds]) =>
    fc
      .shuffledSubarray([...dists.map((_, i) => i), ...feeds.map((_, k) => -1 - k)], { minLength: dists.length + feeds.length })
      .chain((order) => fc.array(fc.boolean(), { minLength: order.length, maxLength: order.length }).map((runs) => ({ order, runs })))
      .map(({ order, runs }): Scenario => {
        const actions: Action[] = [];
        order.forEach((x, i) => {
          actions.push(x >= 0 ? { upload: x } : { feed: -1 - x });
          if (runs[i]) actions.push({ run: true });
        });
        return { dists, feeds, actions };
      }),
  );

/** A stored answer, as compared: the findings and advisories.json, release by release. */
export type Answers = Record<string, { findings: unknown; advisories: unknown }>;
