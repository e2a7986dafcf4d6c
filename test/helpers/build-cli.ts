/**
 * Vitest global setup: builds dist/cpansec.mjs from the sources, as `npm ci` (prepare) does, so
 * the CLI tests spawn the command users run (test/helpers/cli.ts) and never a stale bundle. About
 * a second; cheaper than deciding whether the bundle is stale.
 */
import { build } from "esbuild";
import { bundleOptions } from "../../cli/build";
import { repoRoot } from "./shared-data";

export default async function setup(): Promise<void> {
  await build({ ...bundleOptions("dist"), logLevel: "error", absWorkingDir: repoRoot });
}
