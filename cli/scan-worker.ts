/**
 * A scan thread (./scan-pool.ts): its own entry in the bundle (cli/build.ts), so that it loads the
 * scan alone, not the command table. It builds its render options once from the PoolInit it is
 * started with, says it is ready, then answers each request with the archive rendered (plain data).
 */
import { parentPort, workerData } from "node:worker_threads";
import { type PoolInit, poolOptions } from "./scan-pool";
import { renderScan } from "./scan-one";
import { type ReadRequest, readForScan } from "./scan-read";
import { errorFields } from "./embedded/thread-error";

const port = parentPort;
const options = poolOptions(workerData as PoolInit);
port?.postMessage({ ready: true });
port?.on("message", async (m: { i: number; req: ReadRequest }) => {
  try {
    port.postMessage({ i: m.i, result: await renderScan(await readForScan(m.req), options) });
  } catch (e) {
    port.postMessage({ i: m.i, error: errorFields(e) });
  }
});
