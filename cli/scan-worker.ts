/**
 * A scan's reader thread (./scan-pool.ts): its own entry in the bundle (cli/build.ts), so that it
 * loads the archive reader alone, not the command table, META parsers or SBOM code the main
 * thread has. Answers each request with readRaw's plain data.
 */
import { parentPort } from "node:worker_threads";
import { type ReadRequest, readRaw } from "./scan-read";

const port = parentPort;
port?.on("message", async (m: { i: number; req: ReadRequest }) => {
  try {
    port.postMessage({ i: m.i, result: await readRaw(m.req) });
  } catch (e) {
    port.postMessage({ i: m.i, crash: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
