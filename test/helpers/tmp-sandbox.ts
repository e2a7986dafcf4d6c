/**
 * Vitest global setup: every temporary file of the run goes under one directory, removed at the
 * end. Tests, the CDK (its cdk.out* assemblies), moto and the spawned cpansec commands all take
 * their temporary directory from TMPDIR (os.tmpdir()), which the test workers and their children
 * inherit; so nothing is left in /tmp, whether or not each test cleans up after itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), "cpansec-test-run-"));
  process.env.TMPDIR = dir;
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    rmSync(dir, { recursive: true, force: true });
  };
}
