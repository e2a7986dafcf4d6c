// Bundles the cpansec command into dist/cpansec.mjs (run by `npm ci` through `prepare`).
// Dependencies are bundled too: one file loads faster than hundreds (startup counts when a user
// scans one archive). The rarely used, heavy ones stay external and load on first use.
import { build } from "esbuild";

await build({
  entryPoints: ["cli/cpansec.ts"],
  outfile: "dist/cpansec.mjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  external: ["xz-decompress", "unbzip2-stream", "yauzl"],
  banner: { js: 'import { createRequire as __cpansecCreateRequire } from "node:module"; const require = __cpansecCreateRequire(import.meta.url);' },
  sourcemap: "linked",
  logLevel: "warning",
});
