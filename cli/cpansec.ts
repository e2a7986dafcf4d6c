#!/usr/bin/env node
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { main } from "./main";
import { SCAN_READER, setEntryUrl } from "./self";

if (!isMainThread && parentPort && (workerData as { role?: string } | null)?.role === SCAN_READER) {
  // A scan's reader thread (./scan-pool.ts) runs this same script: the bundle needs no second entry.
  await (await import("./scan-pool")).serveReads(parentPort);
} else {
  setEntryUrl(import.meta.url);
  // `cpansec scan ... | head -1`: the reader left, so there is no one to tell; end quietly, as Unix
  // tools do, instead of an unhandled EPIPE with a stack.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(Number(process.exitCode ?? 0));
      throw e;
    });
  }
  process.exitCode = await main(process.argv.slice(2));
}
