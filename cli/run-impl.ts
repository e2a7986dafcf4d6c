/** `cpansec run` and `cpansec demo`: the embedded pipeline with a terminal face. */
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { PublicKey } from "openpgp";
import { DirMirror } from "../shared/adapters/embedded/dir-mirror";
import { type EmbeddedPipeline, openEmbeddedPipeline } from "./embedded/pipeline";
import { HttpMirror } from "../shared/adapters/http/mirror";
import { readTrustedKeys } from "../shared/domain/cpan/checksums-signature";
import { TransientError } from "../shared/ports/errors";
import pkg from "../package.json" with { type: "json" };
import { EXIT, UserError, isNetworkError, networkReason } from "./errors";
import { readFeedBytes, readFeedSignature } from "./feed-source";
import { CveDirError, readCveDir } from "./cve-source";
import type { CveFiles } from "../shared/domain/advisories/cve-set";
import { feedLine, idleLine, overlayLines, passChanged, patchesLine } from "./run-lines";
import { overlayDir } from "./embedded/overlay";
import { patchSource, patchUrlFor } from "./patch-snapshot";
import { lockDataDir } from "./run-lock";
import { type StopSignal, Stopped, stopOnSignals } from "./run-stop";
import { type RunSummary, printSummary, summarize } from "./run-summary";

export interface RunArgs {
  readonly mirror: string;
  readonly data: string;
  /** A file or URL; false with --no-advisories (no matching). */
  readonly advisories?: string | false;
  readonly trustKey?: string[];
  readonly feedKey?: string[];
  /** `--cve DIR`: CVE JSON 5 records merged into the feed each refresh. */
  readonly cve?: string;
  readonly once?: boolean;
  readonly interval: number;
  readonly origin?: string;
  /** Where <data>/public/ is served (the published CSAF advisories name it). */
  readonly publicUrl?: string;
  readonly smtp?: string;
  readonly emailFrom?: string;
  readonly allowLoopbackWebhooks?: boolean;
  /** A CPANSec patch source: a directory in its layout, or an HTTPS base URL. */
  readonly patches?: string;
}

const out = (s: string) => process.stdout.write(`${s}\n`);
const note = (s: string) => process.stderr.write(`cpansec: ${s}\n`);
const isUrl = (s: string) => /^https?:\/\//.test(s);

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

/** The feed for one pass; when it cannot be fetched (offline, HTTP error) the pass goes on without a refresh. */
function feedSource(source: string): () => Promise<Uint8Array | undefined> {
  const read = readSource(source);
  let said = ""; // said once per outage, not on every pass
  return async () => {
    try {
      const bytes = await read();
      said = "";
      return bytes;
    } catch (e) {
      if (!isUrl(source)) throw e;
      const why = isNetworkError(e) ? networkReason(e) : (e as Error).message;
      if (why !== said)
        note(
          `advisory feed ${source} unreachable (${why}); going on with the last feed fetched (none on a first run: no advisory findings until it can be fetched)`,
        );
      said = why;
      return undefined;
    }
  };
}

/** The CVE records for one pass; a DIR that cannot be read now (gone, over the limits) skips the feed refresh, as an unreachable feed does. */
function cveSource(dir: string): () => Promise<CveFiles | undefined> {
  let said = "";
  return async () => {
    try {
      const files = await readCveDir(dir);
      said = "";
      return files;
    } catch (e) {
      if (!(e instanceof CveDirError)) throw e;
      if (e.message !== said) note(`${e.message}; going on with the feed in use`);
      said = e.message;
      return undefined;
    }
  };
}

/** What the user named must exist before anything is created under --data. */
function checkArgs(a: RunArgs): void {
  if (a.cve && !a.advisories) throw new UserError("--cve needs an advisory feed: the records are merged with it (not with --no-advisories)");
  if (a.cve && !(existsSync(a.cve) && statSync(a.cve).isDirectory())) throw new UserError(`--cve ${a.cve}: no such directory`);
  if (isUrl(a.mirror)) return;
  if (!existsSync(a.mirror) || !statSync(a.mirror).isDirectory())
    throw new UserError(`--mirror ${a.mirror}: no such directory (a CPAN mirror directory or an http(s):// URL)`);
  if (a.advisories && !isUrl(a.advisories) && !existsSync(a.advisories)) throw new UserError(`--advisories ${a.advisories}: no such file`);
  for (const k of a.trustKey ?? []) if (!existsSync(k)) throw new UserError(`--trust-key ${k}: no such file`);
  for (const k of a.feedKey ?? []) if (!existsSync(k)) throw new UserError(`--feed-key ${k}: no such file`);
  if (a.patches && !isUrl(a.patches) && !(existsSync(a.patches) && statSync(a.patches).isDirectory()))
    throw new UserError(`--patches ${a.patches}: no such directory (a patch source in CPANSec's layout or an https:// URL)`);
}

function progress(): ((queue: string, ok: number, failed: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const done: Record<string, number> = {};
  return (queue, ok, failed) => {
    done[queue] = (done[queue] ?? 0) + ok;
    const line = Object.entries(done)
      .map(([q, n]) => `${q} ${n}`)
      .join("  ");
    process.stderr.write(`\r${line}${failed ? `  (${failed} to retry)` : ""}\x1b[K`);
  };
}

export async function openPipeline(a: RunArgs, trust?: PublicKey[], stop?: StopSignal): Promise<EmbeddedPipeline> {
  const shown = progress();
  // After each batch (its messages acknowledged): the point where a SIGTERM may end the pass.
  const onBatch = shown || stop ? (q: string, ok: number, failed: number) => (shown?.(q, ok, failed), stop?.check()) : undefined;
  return openEmbeddedPipeline({
    data: resolve(a.data),
    mirror: isUrl(a.mirror) ? new HttpMirror(a.mirror) : new DirMirror(a.mirror),
    trustedKeys: trust ?? (await trustedKeys(a.trustKey)),
    ...(a.advisories ? { feedSource: feedSource(a.advisories), feedSignature: () => readFeedSignature(a.advisories as string) } : {}),
    ...(a.feedKey?.length ? { feedKeys: await readKeys(a.feedKey) } : {}),
    ...(a.cve ? { cveRecords: cveSource(a.cve) } : {}),
    ...(a.origin ? { origin: a.origin } : {}),
    ...(a.patches ? { patches: patchSourceConfig(a.patches) } : {}),
    ...(a.publicUrl ? { publicUrl: a.publicUrl } : {}),
    tool: { name: pkg.name, version: pkg.version },
    ...(onBatch ? { onBatch } : {}),
    notify: {
      ...(a.smtp ? { smtp: a.smtp } : {}),
      ...(a.emailFrom ? { emailFrom: a.emailFrom } : {}),
      ...(a.allowLoopbackWebhooks ? { allowLoopbackWebhooks: true } : {}),
    },
  });
}

/** `--patches`: a directory (file: URLs name its patches) or a site (its patches found through the feed in use). */
const patchSourceConfig = (where: string) => ({ source: (feed: Parameters<typeof patchSource>[1]) => patchSource(where, feed), urlFor: patchUrlFor(where) });

export interface Pass {
  readonly summary: RunSummary;
  /** Nothing new: no uploads, no feed change, the same counts as the pass before. */
  readonly idle: boolean;
}

/** One pass; the whole summary unless `brief` and nothing changed since `previous` (then one line). */
export async function runPass(p: EmbeddedPipeline, data: string, o: { previous?: RunSummary; brief?: boolean; interval?: number } = {}): Promise<Pass> {
  const { watch, feed, rematch, packagesProblem, patches, overlay } = await p.runOnce();
  if (process.stderr.isTTY) process.stderr.write("\n");
  const s = await summarize(p);
  const idle = !passChanged(o.previous, s, watch, feed, rematch?.queued);
  if (o.brief && idle) {
    out(idleLine(new Date(), watch.file, s, o.interval));
    return { summary: s, idle };
  }
  if (feed) out(feedLine(feed));
  // What the CVE records gave: when the union changes, and on the first pass.
  if (feed?.status !== "rejected" && feed?.cve && (feed.status === "updated" || !o.previous)) for (const l of feed.cve) out(`  ${l}`);
  if (patches) out(patchesLine(patches));
  if (overlay) for (const l of overlayLines(overlay, overlayDir(resolve(data)))) out(l);
  if (rematch?.queued)
    out(
      `advisory inputs changed: ${rematch.queued} stored release(s) queued for re-matching${rematch.selectedBy === "all" ? " (all of them: no earlier state to compare with)" : ""}`,
    );
  out(
    `watch: ${watch.file}: ${watch.queued} new upload(s), ${watch.removed} removed${watch.retried ? `, ${watch.retried} retried (mirror lag)` : ""}${watch.gap ? `; WARNING ${watch.gap}` : ""}`,
  );
  for (const i of watch.ignored ?? []) out(`  WARNING ignored ${JSON.stringify(i.path)} (${i.epoch}): ${i.reason}`);
  if (packagesProblem) out(`WARNING 02packages: ${packagesProblem} (the last good index, if any, stays in use)`);
  if (!(await p.deps.packages()))
    out(
      "WARNING: the mirror has no modules/02packages.details.txt.gz: prerequisites are not resolved to distributions (SBOM dependencies, advisories on dependencies)",
    );
  printSummary(s, data, out);
  return { summary: s, idle };
}

/** --once's status: 1 when an upload raised an integrity alert or anything was dead-lettered. */
export const onceStatus = (s: RunSummary) => (s.deadLetters.length || s.failures.some((f) => f.integrity) ? EXIT.found : EXIT.ok);

/** A mirror (or RECENT on it) that cannot be read now: the long-running run waits and tries again. */
const isOutage = (e: unknown) => isNetworkError(e) || e instanceof TransientError;
const outageReason = (e: unknown) => (e instanceof TransientError ? e.message : networkReason(e));

export async function run(a: RunArgs): Promise<number> {
  checkArgs(a);
  const unlock = lockDataDir(a.data);
  const stop = stopOnSignals((sig) => note(`${sig}: stopping after the current step`));
  let p: EmbeddedPipeline | undefined;
  try {
    p = await openPipeline(a, undefined, stop);
    let previous: RunSummary | undefined;
    let reason = "";
    for (let outages = 0; ; ) {
      try {
        const pass = await runPass(p, a.data, { ...(previous ? { previous } : {}), brief: !!previous, interval: a.interval });
        previous = pass.summary;
        outages = 0;
        if (a.once) return onceStatus(pass.summary);
      } catch (e) {
        if (e instanceof Stopped) break;
        if (!isOutage(e)) throw e;
        if (a.once) throw new UserError(`mirror ${a.mirror} unavailable: ${outageReason(e)}`, EXIT.unreachable, { cause: e });
        outages++;
        reason = outageReason(e);
      }
      // Backoff on outages: the interval, doubled each time, at most an hour (or the interval).
      const wait = outages ? Math.min(a.interval * 2 ** (outages - 1), Math.max(a.interval, 3600)) : a.interval;
      if (outages) note(`${new Date().toISOString()} mirror ${a.mirror} unavailable (${reason}); next try in ${wait} s`);
      if (await stop.sleep(wait * 1000)) break;
    }
    note("stopped");
    return EXIT.ok;
  } finally {
    p?.close();
    unlock();
    stop.dispose();
  }
}
