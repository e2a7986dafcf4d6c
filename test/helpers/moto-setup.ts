/**
 * Vitest global setup: one moto server (AWS emulator: S3, SQS, DynamoDB, SES v2, Secrets
 * Manager) on a free 127.0.0.1 port for the whole run. Tests that need it `inject("moto")`; if
 * moto_server is missing they fail with the reason (they are not silently skipped).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    moto: { endpoint?: string; error?: string };
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (spawnSync("sh", ["-c", "command -v moto_server"]).status !== 0) {
    project.provide("moto", { error: "moto_server is not on PATH: the AWS adapter and e2e tests need moto 5 in server mode (pip install 'moto[server]')" });
    return async () => {};
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let log = "";
  const child: ChildProcess = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d) => (log = (log + d).slice(-4000)));
  child.stderr?.on("data", (d) => (log = (log + d).slice(-4000)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      project.provide("moto", { error: `moto_server did not start on ${endpoint}: ${log.trim().split("\n").slice(-5).join(" | ")}` });
      return async () => {};
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  project.provide("moto", { endpoint });
  return async () => {
    child.kill("SIGTERM");
  };
}
