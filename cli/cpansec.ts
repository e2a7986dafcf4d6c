#!/usr/bin/env node
/** The version, written in by cli/build.ts (absent when this file runs from source). */
declare const CPANSEC_VERSION: string | undefined;

const args = process.argv.slice(2);
const version = typeof CPANSEC_VERSION === "string" ? CPANSEC_VERSION : undefined;

if (version && args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // A bare --version is answered before anything else loads (commander, the command table, even a
  // chunk): a script asking which cpansec it has waits for little more than node itself. It prints
  // what commander's --version prints (test/cli/bundle.test.ts compares them).
  process.stdout.write(`${version}\n`);
} else {
  (await import("./self")).setEntryUrl(import.meta.url);
  // `cpansec scan ... | head -1`: the reader left, so there is no one to tell; end quietly, as Unix
  // tools do, instead of an unhandled EPIPE with a stack.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(Number(process.exitCode ?? 0));
      throw e;
    });
  }
  // `advisories match` on a cached feed needs neither commander nor the command table (./match-fast.ts).
  const fast = args[0] === "advisories" && args[1] === "match" ? await (await import("./match-fast")).matchFast(args.slice(2)) : undefined;
  process.exitCode = fast ?? (await (await import("./main")).main(args));
}
