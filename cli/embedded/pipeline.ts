/**
 * `cpansec run` wiring: every port on local storage under one data directory, laid out like the
 * AWS deployment (docs/decisions/0007-embedded-store.md):
 *   <data>/archives, releases, events, advisories, index   the artifacts bucket
 *   <data>/log                                             the public log bucket (+ private state)
 *   <data>/log.key                                         the log signing key (created on first run)
 *   <data>/cpansec.db                                      tables and queues (SQLite)
 *   <data>/feeds/atom.xml                                  the public Atom feed (log bucket on AWS)
 *   <data>/public/advisories/                              the published advisory index (log bucket's advisories/ on AWS)
 *   <data>/outbox/                                         email, when no --smtp is given
 *   <data>/patched-cpan/, overlay.key                      the patched CPAN overlay and its key (with a patch source)
 */
import type { CveFiles } from "../../shared/domain/advisories/cve-set";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PublicKey } from "openpgp";
import { initLog } from "../../functions/append-log/append-log";
import type { RefreshResult } from "../../functions/refresh-advisories/refresh-advisories";
import { type PatchSourceConfig, type RefreshOutcome, runRefresh } from "../../functions/refresh-advisories/refresh-sequence";
import type { RematchResult } from "../../functions/refresh-advisories/rematch";
import { type WatchResult, watchUploads } from "../../functions/watch-uploads/watch-uploads";
import { LAG_DEADLINE_MS } from "../../shared/domain/pipeline/lag";
import { type Signer, formatPrivateKey, parsePrivateKey, signerFromSeed } from "../../shared/domain/tlog/note";
import { QUEUE_WORKERS, type StepTable } from "../../shared/steps";
import type { NotifyDeps, PipelineDeps, Queues } from "../../shared/ports/deps";
import { matchInputsLoader } from "../../shared/pipeline/match-inputs";
import type { Mirror } from "../../shared/ports";
import { FsObjectStore } from "../../shared/adapters/embedded/fs-object-store";
import { embeddedLog } from "../../shared/adapters/embedded/log";
import { type Worker, defaultBackoff, runUntilIdle } from "../../shared/adapters/embedded/runner";
import { type EmbeddedNotifyOptions, embeddedNotifyDeps } from "./notify";
import { embeddedOverlay } from "./overlay";
import { type StepLoader, type TableStep, type Wrap, loadSteps, stepWorker } from "./steps";
import { EmbeddedDb } from "../../shared/adapters/embedded/sqlite-db";
import { type PublicationConfig, embeddedPublication } from "./publication";
import { threadedPublishStep } from "./publish-thread";

export interface EmbeddedOptions {
  readonly data: string;
  readonly mirror: Mirror;
  readonly trustedKeys: readonly PublicKey[];
  /**
   * Where the advisory feed comes from (a file or URL reader); none: matching is skipped. It
   * returns undefined when the feed cannot be had now (offline): the pass goes on with the feed in use.
   */
  readonly feedSource?: () => Promise<Uint8Array | undefined>;
  /** Keys trusted to sign the feed (`--feed-key`); with them, a feed whose signature fails is not used. */
  readonly feedKeys?: readonly PublicKey[];
  /** The feed's detached signature (`<feed>.gpg`), read only when feedKeys are given. */
  readonly feedSignature?: () => Promise<Uint8Array | undefined>;
  /** CVE JSON 5 records (`--cve DIR`), merged into the feed each refresh. */
  readonly cveRecords?: () => Promise<CveFiles | undefined>;
  /** The CPANSec patch source (`--patches DIR|URL`), refreshed each pass; none: findings name no patches. */
  readonly patches?: PatchSourceConfig;
  readonly origin?: string;
  /** Where <data>/public/ is served (an https URL: the CSAF documents name it); default https://cpansec.localhost/. */
  readonly publicUrl?: string;
  readonly tool: { name: string; version: string };
  readonly maxReceives?: number;
  readonly backoffMs?: number;
  readonly checksumRetries?: number;
  /** How long an upload may wait for a lagging mirror (default 6 hours). */
  readonly lagDeadlineMs?: number;
  readonly clock?: () => Date;
  /** Wraps each step (fault injection in tests). */
  readonly wrap?: Wrap;
  readonly onBatch?: (queue: string, ok: number, failed: number) => void;
  /** Notifications: mailer, webhook policy, retry schedule (cli/embedded/notify.ts). */
  readonly notify?: EmbeddedNotifyOptions;
  /** A pass stops waiting for retries due later than this (default 60 s); they wait for the next pass. */
  readonly horizonMs?: number;
  /** Wraps the ports the steps use (fault injection in tests). */
  readonly ports?: { readonly pipeline?: (d: PipelineDeps) => PipelineDeps; readonly notify?: (d: NotifyDeps) => NotifyDeps };
  /** The step table and how a row's step module is found (default shared/steps.ts and functions/; a test adds a row). */
  readonly steps?: { readonly table?: StepTable; readonly load?: StepLoader };
  /**
   * publish-advisories on a thread of its own, beside the releases (default: yes, unless `ports`
   * or `steps.load` replace what it would run: those stay on this thread).
   */
  readonly publishThread?: boolean;
}

/** The log signing key under the data directory, created on first use. */
export function logSigner(data: string, origin: string): Signer {
  const file = join(data, "log.key");
  if (existsSync(file)) return parsePrivateKey(readFileSync(file, "utf8"));
  const seed = randomBytes(32);
  const signer = signerFromSeed(origin, seed);
  writeFileSync(file, `${formatPrivateKey({ ...signer, seed })}\n`, { flag: "wx", mode: 0o600 });
  return signer;
}

export interface EmbeddedPipeline {
  readonly db: EmbeddedDb;
  readonly deps: PipelineDeps;
  readonly notify: NotifyDeps;
  readonly workers: readonly Worker[];
  /** One pass: refresh the feed, read RECENT, and process until every queue is empty. */
  runOnce(): Promise<{
    watch: WatchResult;
    feed?: RefreshResult;
    rematch?: RematchResult;
    packagesProblem?: string;
    patches?: RefreshOutcome["patches"];
    overlay?: RefreshOutcome["overlay"];
  }>;
  close(): void;
}

/**
 * The steps whose batches commit once (the runner's oneTransaction): their work is the store and
 * local files (ingest's downloads are waited on outside the transaction: the mirror below), and a
 * re-match pass runs match-advisories and notify for thousands of releases (docs/decisions/0011).
 * match-advisories takes them a hundred at a time: a commit per hundred, and notify, visited
 * after it, finds a hundred releases' events to rebuild the Atom feed once for.
 */
const LOCAL_BATCHES = new Map([
  ["ingest", undefined],
  ["sbom", undefined],
  ["advisories", 100],
  ["log", undefined],
  ["notify", undefined],
]);

export async function openEmbeddedPipeline(o: EmbeddedOptions): Promise<EmbeddedPipeline> {
  mkdirSync(o.data, { recursive: true });
  const db = new EmbeddedDb(join(o.data, "cpansec.db"));
  db.releaseInFlight(); // a killed run's in-flight messages: visible again now (one runner per data dir)
  const blobs = new FsObjectStore(o.data);
  const clock = o.clock ?? (() => new Date());
  const signer = logSigner(o.data, o.origin ?? "cpansec.localhost/log");
  const inputs = matchInputsLoader(blobs);
  const table = o.steps?.table ?? QUEUE_WORKERS;
  const steps = await loadSteps(table, o.steps?.load);
  // Plain data: the publication's thread rebuilds its stores from the same config.
  const publication: PublicationConfig = { data: o.data, publicUrl: o.publicUrl, tool: o.tool };
  const base: PipelineDeps = {
    // Ingest's batch is one transaction: a download is waited on with it committed, not open.
    mirror: { fetch: (path, options) => db.outsideTransaction(() => o.mirror.fetch(path, options)) },
    blobs,
    releases: db.releases(),
    cursors: db.cursors(),
    findings: db.findings(),
    events: db.events(),
    matchIndex: db.matchIndex(),
    queues: Object.fromEntries(Object.entries(table).map(([k, spec]) => [k, db.queue(spec.name)])) as unknown as Queues,
    log: { ...embeddedLog(join(o.data, "log")), signer, origin: signer.name },
    trustedKeys: o.trustedKeys,
    feed: async () => (await inputs()).feed,
    packages: async () => (await inputs()).packages,
    matchInputs: inputs,
    clock,
    tool: o.tool,
    checksumRetries: o.checksumRetries ?? 3,
    lagDeadlineMs: o.lagDeadlineMs ?? LAG_DEADLINE_MS,
    publication: embeddedPublication(publication),
  };
  await initLog(base.log);
  const wired = o.ports?.pipeline?.(base) ?? base;
  // With a patch source, the overlay: built each refresh, and named by the findings.
  const overlay = o.patches ? embeddedOverlay(o.data, wired) : undefined;
  const deps: PipelineDeps = overlay ? { ...wired, patched: overlay.patched } : wired;
  const notifyBase = embeddedNotifyDeps(db, o.data, { ...o.notify, clock, origin: signer.name });
  const notify = o.ports?.notify ? { ...o.ports.notify(notifyBase), close: notifyBase.close } : notifyBase;
  const wrap = o.wrap ?? (<T>(_: string, s: (b: T, n: number) => Promise<void>) => s);
  const threaded = (o.publishThread ?? (!o.ports?.pipeline && !o.steps?.load)) ? threadedPublishStep(publication) : undefined;
  // One worker per step table row, in the table's order (the runner visits them in turn); the
  // publication's runs beside the others when it has its thread.
  const workers: Worker[] = steps.map((s) => {
    const onThread = s.key === "publish" && threaded !== undefined;
    const worker = stepWorker(
      onThread ? { ...s, step: threaded as TableStep["step"] } : s,
      { pipeline: deps, log: deps, notify },
      { wrap, random: notify.random, ...(o.notify?.retryDelayMs ? { retryDelayMs: o.notify.retryDelayMs } : {}) },
    );
    if (onThread) return { ...worker, detached: true };
    if (!LOCAL_BATCHES.has(s.key)) return worker;
    return { ...worker, batchSize: LOCAL_BATCHES.get(s.key) ?? worker.batchSize, oneTransaction: true };
  });
  return {
    db,
    deps,
    notify,
    workers,
    async runOnce() {
      // The refresh first (feed, 02packages, re-matching), then new uploads. An index that cannot
      // be used must not stop the pass before RECENT: it is reported instead.
      const {
        feed: refreshed,
        packages,
        patches,
        rematch,
        overlay: refreshBuilt,
      } = await runRefresh(deps, {
        ...(o.feedSource ? { feed: o.feedSource } : {}),
        ...(o.feedKeys ? { feedKeys: o.feedKeys } : {}),
        ...(o.feedSignature ? { feedSignature: o.feedSignature } : {}),
        ...(o.cveRecords ? { cveRecords: o.cveRecords } : {}),
        ...(o.patches ? { patches: o.patches } : {}),
        ...(overlay ? { overlay: overlay.step } : {}),
      });
      const packagesProblem = packages.problem ? `02packages not used: ${packages.problem}` : undefined;
      const watch = await watchUploads(deps);
      const drain = () =>
        runUntilIdle(db, workers, {
          maxReceives: o.maxReceives ?? 5,
          visibilityMs: 60_000,
          backoffMs: defaultBackoff(o.backoffMs ?? 200, 30_000),
          // Longer than the steps' backoff cap (30 s): only delivery retries wait for a later pass.
          horizonMs: o.horizonMs ?? 60_000,
          ...(o.onBatch ? { onBatch: o.onBatch } : {}),
        });
      await drain();
      // New uploads a patch is for were stored only now: patch them in this pass, not the next.
      let built = refreshBuilt;
      if (overlay && watch.queued) {
        const again = await overlay.step();
        if (again?.queued) await drain();
        if (again)
          built = {
            ...again,
            added: [...(built?.added ?? []), ...again.added],
            failed: [...(built?.failed ?? []), ...again.failed],
            mismatched: [...(built?.mismatched ?? []), ...again.mismatched],
            problems: [...(built?.problems ?? []), ...again.problems],
          };
      }
      return {
        watch,
        ...(refreshed ? { feed: refreshed } : {}),
        ...(rematch ? { rematch } : {}),
        ...(packagesProblem ? { packagesProblem } : {}),
        ...(patches ? { patches } : {}),
        ...(built ? { overlay: built } : {}),
      };
    },
    close: () => {
      notify.close();
      db.close();
    },
  };
}
