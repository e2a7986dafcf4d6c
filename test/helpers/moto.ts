/** Starts moto_server (the AWS emulator) on a free 127.0.0.1 port: for the vitest global setup and the benchmark. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

export const MOTO_MISSING = "moto_server is not on PATH: the AWS adapter and e2e tests need moto 5 in server mode (pip install 'moto[server]')";

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export interface Moto {
  readonly endpoint: string;
  stop(): void;
}

/** Resolves once the server answers; rejects with the reason when moto is missing or does not start. */
export async function startMoto(): Promise<Moto> {
  if (spawnSync("sh", ["-c", "command -v moto_server"]).status !== 0) throw new Error(MOTO_MISSING);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let log = "";
  const child: ChildProcess = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d) => (log = (log + d).slice(-4000)));
  child.stderr?.on("data", (d) => (log = (log + d).slice(-4000)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) return { endpoint, stop: () => void child.kill("SIGTERM") };
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`moto_server did not start on ${endpoint}: ${log.trim().split("\n").slice(-5).join(" | ")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
