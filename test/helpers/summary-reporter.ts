// Prints one plain closing line ("N passed, N failed, N skipped") after vitest's own summary,
// so CI logs state the count in a form any reader can parse. Unhandled errors (which fail the run
// though every test passed) are counted on the same line.
import type { SerializedError } from "vitest";
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === "passed") count.passed++;
        else if (state === "failed") count.failed++;
        else count.skipped++;
      }
      if (m.state() === "failed" && ![...m.children.allTests()].some((t) => t.result().state === "failed")) count.failed++;
    }
    const errors = unhandledErrors.length ? `, ${unhandledErrors.length} unhandled errors (the run fails)` : "";
    process.stdout.write(`\n${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped${errors}\n`);
  }
}
