/** `cpansec run` and `cpansec demo`: the embedded pipeline with a terminal face. */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { PublicKey } from "openpgp";
import { DirMirror } from "../shared/adapters/embedded/dir-mirror";
import { type EmbeddedPipeline, openEmbeddedPipeline } from "../shared/adapters/embedded/pipeline";
import { HttpMirror } from "../shared/adapters/http/mirror";
import { readTrustedKeys } from "../shared/domain/cpan/checksums-signature";
import pkg from "../package.json" with { type: "json" };
import { readFeedBytes, readFeedSignature } from "./feed-source";
import { type RunSummary, printSummary, summarize } from "./run-summary";

export interface RunArgs {
  readonly mirror: string;
  readonly data: string;
  readonly advisories?: string;
  readonly trustKey?: string[];
  readonly feedKey?: string[];
  readonly once?: boolean;
  readonly interval: number;
  readonly origin?: string;
  readonly smtp?: string;
  readonly emailFrom?: string;
  readonly allowLoopbackWebhooks?: boolean;
}

const out = (s: string) => process.stdout.write(`${s}\n`);

/** The project root, from the sources (cli/) or the bundle (dist/). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

export const DEFAULT_TRUST_KEY = "cli/keys/pause-batch-signing-key-2E66557AB97C19C791AF8E20328DA867450F89EC.gpg";

const readKeys = async (files: readonly string[]) => (await Promise.all(files.map(async (f) => readTrustedKeys(await readFile(f))))).flat();

async function trustedKeys(files: readonly string[] | undefined): Promise<PublicKey[]> {
  return readKeys(files?.length ? files : [join(projectRoot(), DEFAULT_TRUST_KEY)]);
}

const readSource = (source: string) => () => readFeedBytes(source);

/** One runner per data directory: its queues' in-flight messages are released at start. */
function lock(data: string): () => void {
  mkdirSync(data, { recursive: true });
  const file = join(data, "run.lock");
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8"));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`another cpansec run (pid ${pid}) is using ${data}`);
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

function progress(): ((queue: string, ok: number, failed: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const done: Record<string, number> = {};
  return (queue, ok, failed) => {
    done[queue] = (done[queue] ?? 0) + ok;
    const line = Object.entries(done).map(([q, n]) => `${q} ${n}`).join("  ");
    process.stderr.write(`\r${line}${failed ? `  (${failed} to retry)` : ""}\x1b[K`);
  };
}

export async function openPipeline(a: RunArgs, trust?: PublicKey[]): Promise<EmbeddedPipeline> {
  const onBatch = progress();
  return openEmbeddedPipeline({
    data: resolve(a.data),
    mirror: /^https?:\/\//.test(a.mirror) ? new HttpMirror(a.mirror) : new DirMirror(a.mirror),
    trustedKeys: trust ?? (await trustedKeys(a.trustKey)),
    ...(a.advisories ? { feedSource: readSource(a.advisories), feedSignature: () => readFeedSignature(a.advisories as string) } : {}),
    ...(a.feedKey?.length ? { feedKeys: await readKeys(a.feedKey) } : {}),
    ...(a.origin ? { origin: a.origin } : {}),
    tool: { name: pkg.name, version: pkg.version },
    ...(onBatch ? { onBatch } : {}),
    notify: { ...(a.smtp ? { smtp: a.smtp } : {}), ...(a.emailFrom ? { emailFrom: a.emailFrom } : {}), ...(a.allowLoopbackWebhooks ? { allowLoopbackWebhooks: true } : {}) },
  });
}

export async function runPass(p: EmbeddedPipeline, data: string): Promise<RunSummary> {
  const { watch, feed, rematch } = await p.runOnce();
  if (process.stderr.isTTY) process.stderr.write("\n");
  if (feed) {
    const trust = "verified" in feed ? (feed.verified ? `, signature verified by ${feed.verified.key}` : ", signature not checked (no --feed-key)") : "";
    const used = feed.status === "rejected" ? "; NOT USED, the previous feed stays in use" : "";
    out(`advisory feed: ${feed.status}${"reason" in feed ? ` (${feed.reason})` : ""}${"feed" in feed && feed.feed ? ` ${feed.feed.date ?? ""} ${feed.feed.commit ?? ""}` : ""}${trust}${used}`);
  }
  if (rematch?.queued) out(`advisory inputs changed: ${rematch.queued} stored release(s) queued for re-matching${rematch.selectedBy === "all" ? " (all of them: no earlier state to compare with)" : ""}`);
  out(`watch: ${watch.file}: ${watch.queued} new upload(s), ${watch.removed} removed${watch.gap ? `; WARNING ${watch.gap}` : ""}`);
  const s = await summarize(p);
  printSummary(s, data, out);
  return s;
}

export async function run(a: RunArgs): Promise<number> {
  const unlock = lock(a.data);
  const p = await openPipeline(a);
  try {
    for (;;) {
      const s = await runPass(p, a.data);
      if (a.once) return s.deadLetters.length ? 1 : 0;
      await new Promise((r) => setTimeout(r, a.interval * 1000));
    }
  } finally {
    p.close();
    unlock();
  }
}
