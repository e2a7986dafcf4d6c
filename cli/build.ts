// Bundles the cpansec command into dist/cpansec.mjs (run by `npm ci` through `prepare`).
// Dependencies are bundled too: one file loads faster than hundreds (start-up counts when a user
// scans one archive). The rarely used or heavy ones stay external and load on first use; the
// CycloneDX library and better-sqlite3 (a native addon) stay external: they find their files
// through __dirname. seek-bzip stays external too: it calls `new Buffer()`, which Node warns about
// (DEP0005, on stderr) only when the caller is outside node_modules, as bundled code would be.
import { pathToFileURL } from "node:url";
import { type BuildOptions, build } from "esbuild";
import pkg from "../package.json" with { type: "json" };

export const bundleOptions = (outdir: string): BuildOptions => ({
  // A scan's threads run their own entry, which loads the scan without the command table; so does
  // `cpansec run`'s publication thread (cli/embedded/publish-thread.ts).
  entryPoints: { cpansec: "cli/cpansec.ts", "scan-worker": "cli/scan-worker.ts", "publish-worker": "cli/embedded/publish-worker.ts" },
  outdir,
  outExtension: { ".js": ".mjs" },
  // Code only some commands need (the advisory feed's schema library) goes to chunks loaded on first use.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  external: ["xz-decompress", "yauzl", "@cyclonedx/cyclonedx-library", "better-sqlite3", "seek-bzip"],
  banner: { js: 'import { createRequire as __cpansecCreateRequire } from "node:module"; const require = __cpansecCreateRequire(import.meta.url);' },
  // cli/cpansec.ts answers a bare --version with it, without loading a chunk.
  define: { CPANSEC_VERSION: JSON.stringify(pkg.version) },
  sourcemap: "linked",
  logLevel: "warning",
});

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await build(bundleOptions("dist"));
