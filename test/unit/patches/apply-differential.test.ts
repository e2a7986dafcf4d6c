// The applier against GNU patch on generated cases: a file, an edit of it made into a patch by
// `diff -u`, and a target that may differ from the original (lines added or changed elsewhere,
// so hunks move, match twice, or no longer match). Both must agree on applying or refusing, and
// on every byte when they apply. Few distinct lines, so hunks often match in more than one place.
// RUNS=2000 SEED=n for a longer run (150 runs take about 20 s here, each one spawning diff and patch).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PatchError } from "../../../shared/domain/patches/errors";
import { parsePatch } from "../../../shared/domain/patches/parse";
import { applyToTree } from "../../../shared/domain/patches/tree";
import { gnuPatchMissing, runGnuPatch } from "../../helpers/gnu-patch";
import { announceSkip } from "../../helpers/perl";

const missing = gnuPatchMissing() ?? (spawnSync("diff", ["--version"]).error ? "diff is not installed" : null);
if (missing) announceSkip("generated GNU patch differential test", missing);

const line = fc.constantFrom("a", "b", "c", "{", "}", "", "x y");
const text = fc
  .record({ lines: fc.array(line, { maxLength: 24 }), eol: fc.boolean() })
  .map(({ lines, eol }) => (lines.length ? lines.join("\n") + (eol ? "\n" : "") : ""));
/** Random edits: at each position keep, drop, replace or insert. */
const edit = (s: string) =>
  fc.array(fc.tuple(fc.constantFrom("keep", "keep", "keep", "keep", "drop", "swap", "add"), line), { minLength: 30, maxLength: 30 }).map((ops) => {
    const lines = s.split(/(?<=\n)/).filter((l) => l !== "");
    const out: string[] = [];
    lines.forEach((l, i) => {
      const [op, t] = ops[i % ops.length] as [string, string];
      if (op === "keep") out.push(l);
      else if (op === "swap") out.push(`${t}${l.endsWith("\n") ? "\n" : ""}`);
      else if (op === "add") out.push(`${t}\n`, l);
    });
    return out.join("");
  });

function unifiedDiff(a: string, b: string, context: number): Uint8Array | undefined {
  const dir = mkdtempSync(join(tmpdir(), "cpansec-diff-"));
  try {
    writeFileSync(join(dir, "a"), a, "latin1");
    writeFileSync(join(dir, "b"), b, "latin1");
    const r = spawnSync("diff", [`-U${context}`, "--label", "a/f", "--label", "b/f", "a", "b"], { cwd: dir });
    return r.status === 1 ? r.stdout : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("applying generated patches", () => {
  it.skipIf(!!missing)("agrees with GNU patch -F0 on whether and how each applies", () => {
    let applied = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        text.chain((a) => fc.tuple(fc.constant(a), edit(a), edit(a), fc.constantFrom(0, 1, 3))),
        ([a, b, target, context]) => {
          const patch = unifiedDiff(a, b, context);
          if (!patch) return;
          const parsed = parsePatch(patch, "generated");
          const gnu = runGnuPatch(new Map([["f", target]]), patch, ["f"], ["-f"]);
          let ours: string | undefined;
          let error: unknown;
          try {
            ours = applyToTree(() => target, parsed, "generated").get("f");
          } catch (e) {
            error = e;
          }
          if (gnu.status === 0) {
            expect(error, gnu.output).toBeUndefined();
            expect(ours).toBe(gnu.files.get("f"));
            applied++;
          } else {
            expect(error, `GNU patch refused, ours applied:\n${gnu.output}`).toBeInstanceOf(PatchError);
            refused++;
          }
        },
      ),
      { numRuns: Number(process.env.RUNS ?? 150), seed: Number(process.env.SEED ?? 20261201) },
    );
    // Both outcomes must be exercised, or the comparison proves little.
    expect(applied).toBeGreaterThan(15);
    expect(refused).toBeGreaterThan(8);
  });
});
