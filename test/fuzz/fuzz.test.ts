/**
 * The fixed-length fuzz run of `npm test`: every target, a fixed seed (reproducible in CI), a
 * fixed number of inputs each. `npm run fuzz -- --minutes N` runs the same targets for longer
 * with random seeds (test/fuzz/run.ts). Each target prints its counts for the record.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type FuzzTarget, Tally, runOne } from "./harness";
import { buildTargets } from "./targets";

const SEED = 20_260_817;
const { targets, notes }: { targets: FuzzTarget[]; notes: readonly string[] } = await buildTargets();
for (const n of notes) console.log(`fuzz seeds: ${n}`);

describe("fuzz (fixed seed, fixed length)", () => {
  it.each(targets.map((t) => [t.name, t] as const))("%s: documented errors only, no hang", async (_, t) => {
    const tally = new Tally();
    await fc.assert(
      fc.asyncProperty(t.arbitrary, async (input) => {
        tally.add(await runOne(t, input));
      }),
      { seed: SEED, numRuns: t.runs },
    );
    console.log(tally.summary(t.name));
    expect(tally.inputs).toBeGreaterThanOrEqual(t.runs);
  });
});
