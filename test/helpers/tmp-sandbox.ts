/**
 * Vitest global setup: every temporary file of the run goes under one directory, removed at the
 * end. Tests, the CDK (its cdk.out* assemblies), moto and the spawned cpansec commands all take
 * their temporary directory from TMPDIR (os.tmpdir()), which the test workers and their children
 * inherit; so nothing is left in /tmp, whether or not each test cleans up after itself. The
 * commands' cache (XDG_CACHE_HOME) goes there too, not into the user's ~/.cache.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const outerCache = process.env.XDG_CACHE_HOME;
  const dir = mkdtempSync(join(tmpdir(), "cpansec-test-run-"));
  process.env.TMPDIR = dir;
  process.env.XDG_CACHE_HOME = join(dir, "cache");
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    if (outerCache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = outerCache;
    rmSync(dir, { recursive: true, force: true });
  };
}
