// cfn-lint over the synthesized template: no findings at all, except W3005 (CDK adds a DependsOn
// on each function's role that its GetAtt of the role already implies; harmless, not ours to
// change). Skipped, saying why, where cfn-lint is not installed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { announceSkip } from "../helpers/perl";
import { synthesize } from "./template";

const IGNORED = ["W3005"];
const version = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
const installed = version.status === 0;
if (!installed) announceSkip("cfn-lint over the stack template", "cfn-lint is not on PATH (pip install cfn-lint)");

describe.skipIf(!installed)("cfn-lint", () => {
  it(`finds no errors or warnings in the template (${version.stdout?.trim() ?? "cfn-lint"}; ignoring ${IGNORED.join(", ")})`, () => {
    const dir = mkdtempSync(join(tmpdir(), "cpansec-cfn-lint-"));
    try {
      const file = join(dir, "template.json");
      writeFileSync(file, JSON.stringify(synthesize().json, null, 1));
      const r = spawnSync("cfn-lint", ["--format", "json", "--regions", "us-east-1", "eu-west-1", "--ignore-checks", ...IGNORED, "--", file], {
        encoding: "utf8",
      });
      expect(r.error).toBeUndefined();
      const findings = (JSON.parse(r.stdout || "[]") as { Level: string; Rule: { Id: string }; Message: string; Location: { Path: unknown[] } }[]).map(
        (f) => `${f.Level} ${f.Rule.Id} ${f.Location.Path.join("/")}: ${f.Message}`,
      );
      expect(findings).toEqual([]);
      expect(r.status, r.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
