/**
 * The Lambda bundles as the stack builds them (BUNDLING in shared/adapters/aws/resources.ts),
 * written under node_modules/.cache so that, as in the Lambda runtime, the AWS SDK they leave out
 * resolves from a node_modules above them.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type BuildOptions, build } from "esbuild";
import { BUNDLING } from "../../shared/adapters/aws/resources";
import { repoRoot } from "./shared-data";

export const LAMBDA_BUNDLING: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: BUNDLING.target,
  minify: true,
  sourcemap: "external",
  external: [...BUNDLING.externalModules],
  define: { ...BUNDLING.define },
  banner: { js: BUNDLING.banner },
  logLevel: "error",
};

/** Bundles `entry` (relative to the repository) and returns the bundle's path. */
export async function bundleHandler(
  name: string,
  entry: string,
  dir = join(repoRoot, "node_modules/.cache/cpansec-lambda", String(process.pid)),
): Promise<string> {
  const file = join(dir, name, "index.js");
  mkdirSync(join(dir, name), { recursive: true });
  await build({ ...LAMBDA_BUNDLING, entryPoints: [join(repoRoot, entry)], outfile: file });
  return file;
}
