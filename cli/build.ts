// Bundles the cpansec command into dist/cpansec.mjs (run by `npm ci` through `prepare`).
// Dependencies stay external: they are installed beside it, and bundling them buys nothing here.
import { build } from "esbuild";

await build({
  entryPoints: ["cli/cpansec.ts"],
  outfile: "dist/cpansec.mjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
