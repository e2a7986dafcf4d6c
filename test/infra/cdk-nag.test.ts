// cdk-nag (AwsSolutions) runs on every synth through the same addNagChecks app.ts uses: the stack
// has no unacknowledged finding, error or warning, and every acknowledgement says why.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addNagChecks, createPipelineApp } from "../../infra/pipeline-app";
import { TEST_CONTEXT } from "./template";

const outdir = mkdtempSync(join(tmpdir(), "cpansec-cdk-nag-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^annotation::/i, ""), reason })),
        ),
    );
}

describe("cdk-nag AwsSolutions", () => {
  let app: App;
  beforeAll(() => {
    app = createPipelineApp({ outdir, context: TEST_CONTEXT }).app;
  });

  it("finds nothing unacknowledged in the stack (errors or warnings)", () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const found = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(", ")}`);
    expect(found).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("lets the app synthesize with the plugin registered", () => {
    expect(() => app.synth()).not.toThrow();
  });

  it("also passes without the optional email and alarm settings", () => {
    const bare = createPipelineApp({ outdir: mkdtempSync(join(outdir, "bare-")), context: { "aws:cdk:bundling-stacks": [] } }).app;
    expect(new AwsSolutionsChecks().validateScope(bare).violations).toEqual([]);
  });

  it("fails the synth on an unacknowledged finding (the plugin is live, not decorative)", () => {
    const probe = new App({ outdir: mkdtempSync(join(outdir, "probe-")) });
    new s3.Bucket(new Stack(probe, "Probe"), "Unsafe");
    addNagChecks(probe);
    expect(() => probe.synth()).toThrow(/AwsSolutions-S10|AwsSolutions-S1/);
  });

  it("gives every acknowledgement a specific reason", () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.id, a.path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(40);
    }
    // Wildcards are acknowledged finding by finding, never for a whole rule.
    expect(acks.filter((a) => a.id === "AwsSolutions-IAM5")).toEqual([]);
    const rules = [...new Set(acks.map((a) => a.id.replace(/\[.*$/, "")))].sort();
    console.log(`acknowledged cdk-nag rules: ${rules.join(", ")} (${acks.length} acknowledgements)`);
  });
});
