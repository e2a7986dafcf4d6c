#!/usr/bin/env node
import { main } from "./main";

// `cpansec scan ... | head -1`: the reader left, so there is no one to tell; end quietly, as Unix
// tools do, instead of an unhandled EPIPE with a stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(Number(process.exitCode ?? 0));
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
