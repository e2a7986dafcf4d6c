// Every published CPANSec patch against GNU patch: parsed, then applied to pre-images built from
// its own context and '-' lines (at the stated lines, and shifted so every hunk needs an offset),
// by this code and by `patch -p1 --no-backup-if-mismatch -F0`; the bytes must be the same.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PatchError } from "../../../shared/domain/patches/errors";
import { parsePatch } from "../../../shared/domain/patches/parse";
import { applyToTree } from "../../../shared/domain/patches/tree";
import { fixturePath } from "../../helpers/fixtures";
import { gnuPatchMissing, preImage, runGnuPatch, startAnchored } from "../../helpers/gnu-patch";
import { announceSkip } from "../../helpers/perl";
import { listPatchFiles } from "../../helpers/patch-fixtures";

const missing = gnuPatchMissing();
if (missing) announceSkip("GNU patch differential tests", missing);

/** Published patches that are broken as published, and why (GNU patch refuses them too). */
const BROKEN: Record<string, RegExp> = {
  // hunk #1 says 71 new lines and has 70: the next hunk's header arrives while one is still owed.
  "C/Catalyst-Plugin-Authentication/0.10026/CVE-2009-10007-r1.patch": /:82: .*hunk #1 of lib\/Catalyst\/Plugin\/Authentication\.pm/,
};

const patches = listPatchFiles(fixturePath("patches"));

describe("the published CPANSec patches", () => {
  it("are all here (40)", () => expect(patches).toHaveLength(40));

  it.each(patches)("%s parses, or is refused for the recorded reason", (rel) => {
    const bytes = readFileSync(fixturePath("patches", rel));
    if (BROKEN[rel]) {
      expect(() => parsePatch(bytes, rel)).toThrow(BROKEN[rel]);
      return;
    }
    const p = parsePatch(bytes, rel);
    expect(p.files.length).toBeGreaterThan(0);
  });

  it.skipIf(!!missing).each(patches)("%s applies to its pre-image exactly as GNU patch does", (rel) => {
    const bytes = readFileSync(fixturePath("patches", rel));
    if (BROKEN[rel]) {
      const pre = new Map<string, string>();
      const gnu = runGnuPatch(pre, bytes, [], ["-f"]);
      expect(gnu.output).toMatch(/malformed patch at line 82/);
      return;
    }
    const p = parsePatch(bytes, rel);
    for (const [lead, gap] of [
      [0, 0],
      [7, 3],
    ] as const) {
      const pre = new Map(p.files.filter((f) => f.kind !== "create").map((f) => [f.path, preImage(f, lead, gap)]));
      const gnu = runGnuPatch(
        pre,
        bytes,
        p.files.map((f) => f.path),
      );
      expect(gnu.status, gnu.output).toBe(0);
      const ours = applyToTree((path) => pre.get(path), p, rel);
      for (const f of p.files) expect(ours.get(f.path), `${f.path} (lead ${lead}, gap ${gap})`).toBe(gnu.files.get(f.path));
      if (lead && p.files.some((f) => f.kind !== "create" && (!startAnchored(f) || f.hunks.length > 1))) expect(gnu.output).toMatch(/offset/);
    }
  });

  it("refuses a pre-image where a hunk's context differs, naming the hunk", () => {
    const rel = "A/Authen-SASL/2.1800/CVE-2025-40918-r1.patch";
    const p = parsePatch(readFileSync(fixturePath("patches", rel)), rel);
    const f = p.files[0]!;
    const pre = preImage(f).replace("  $self->{need_step} = 1;\n", "  $self->{need_step} = 2;\n");
    const err = (() => {
      try {
        applyToTree(() => pre, p, rel);
      } catch (e) {
        return e as PatchError;
      }
    })();
    expect(err).toBeInstanceOf(PatchError);
    expect(err?.code).toBe("does-not-apply");
    expect(err?.message).toContain("hunk #2 (@@ -201,7 +202,7 @@) of lib/Authen/SASL/Perl/DIGEST_MD5.pm does not apply");
    if (!missing)
      expect(runGnuPatch(new Map([[f.path, pre]]), readFileSync(fixturePath("patches", rel)), [f.path], ["-f", "--dry-run"]).output).toMatch(/Hunk #2 FAILED/);
  });
});
