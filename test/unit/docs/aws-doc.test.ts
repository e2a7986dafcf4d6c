// docs/aws.md is run by hand against a deployment: every shell variable its examples use must be
// set before (from the stack's outputs), and every output it reads must be one the stack has.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCHEDULED, TABLES } from "../../../shared/adapters/aws/resources";
import { QUEUE_WORKERS } from "../../../shared/steps";
import { repoRoot } from "../../helpers/shared-data";

const doc = readFileSync(join(repoRoot, "docs/aws.md"), "utf8");
const shell = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string).join("\n");
// Inline `code` counts too: the text tells readers to run those.
const inline = [...doc.replace(/```[\s\S]*?```/g, "").matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string);

/** The stack's outputs, as infra/pipeline-stack.ts names them (literal ids, and one per table, queue and schedule). */
function stackOutputs(): Set<string> {
  const src = readFileSync(join(repoRoot, "infra/pipeline-stack.ts"), "utf8");
  const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_, _d, c: string) => c.toUpperCase());
  return new Set([
    ...[...src.matchAll(/output\("(\w+)"/g)].map((m) => m[1] as string),
    ...Object.values(TABLES).map((t) => `${pascal(t.name)}TableName`),
    ...Object.values(QUEUE_WORKERS).flatMap((q) => ["QueueUrl", "DeadLetterQueueUrl", "DeadLetterQueueArn"].map((s) => `${pascal(q.name)}${s}`)),
    ...Object.values(SCHEDULED).map((s) => `${pascal(s.name)}DeadLetterQueueUrl`),
  ]);
}

describe("docs/aws.md", () => {
  it("sets every variable before an example uses it", () => {
    const lines = [...shell.split("\n"), ...inline];
    const unset: string[] = [];
    const set = new Set(["AWS_PROFILE", "PWD", "HOME"]);
    for (const line of lines) {
      const code = line.replace(/#.*$/, "");
      for (const m of code.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)) if (!set.has(m[1] as string)) unset.push(`${m[1]} in: ${line.trim()}`);
      for (const m of code.matchAll(/(?:^|[\s;(])(?:export\s+)?([A-Z][A-Z0-9_]*)=/g)) set.add(m[1] as string);
      for (const m of code.matchAll(/\s([A-Z][A-Z0-9_]*)=\$\(/g)) set.add(m[1] as string);
    }
    expect(unset).toEqual([]);
  });

  it("reads only outputs the stack has", () => {
    const outputs = stackOutputs();
    const read = [...shell.matchAll(/\$\(out (\w+)\)/g)].map((m) => m[1] as string);
    expect(read.length).toBeGreaterThan(5);
    expect(read.filter((o) => !outputs.has(o))).toEqual([]);
  });

  it("has recipes for the function names, the schedules and the Atom feed's URL", () => {
    expect(shell).toMatch(/ResourceType=='AWS::Lambda::Function'/);
    expect(shell).toMatch(/ResourceType=='AWS::Events::Rule'/);
    expect(shell).toMatch(/\$LOG_URL\/feeds\/atom\.xml/);
  });
});
