// `npm run bench -- --only rematch [--quick]`: 100,000 stored releases (generated), then a feed
// refresh that changes ten distributions, one embedded pass: how many releases it re-matches and
// how long that takes, end to end (refresh, selection through the match index, the matches).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { makeTarGz } from "../../cli/demo/archive";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { parseFeed } from "../../shared/domain/advisories/feed";
import { matchRelease } from "../../shared/domain/advisories/findings";
import { compileFeed } from "../../shared/domain/advisories/match";
import { matchKeys } from "../../shared/domain/advisories/rematch";
import { authorPath } from "../../shared/domain/cpan/distname";
import { documentBytes, releaseDocument } from "../../shared/domain/pipeline/documents";
import { archiveKey, releaseJsonKey } from "../../shared/domain/pipeline/keys";
import type { ReleaseRecord } from "../../shared/domain/pipeline/record";
import { moduleResolver } from "../../shared/domain/sbom/resolve";
import { describeStored } from "../../shared/pipeline/load-release";
import { sha256 } from "../../shared/pipeline/match-inputs";
import type { Mirror } from "../../shared/ports";
import { fmt, removeTree } from "./run";

// A mirror with nothing new on it: the pass does the refresh and the re-matches only.
const epoch = String(Math.floor(Date.now() / 1000));
const quietRecent = JSON.stringify({ meta: { protocol: 1, interval: "1h", minmax: { min: epoch, max: epoch } }, recent: [] });
const emptyMirror: Mirror = { fetch: async (path) => (path === "RECENT-1h.json" ? new TextEncoder().encode(quietRecent) : undefined) };

/** This process's CPU time so far (user+sys, every thread: the publication's too while it overlaps), in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** What this thread (the main one: not the publication's) has passed to write(2) so far, and in how many calls (Linux; zeros elsewhere). */
function written(): { bytes: number; calls: number } {
  try {
    const io = readFileSync("/proc/thread-self/io", "utf8");
    const field = (k: string) => Number(new RegExp(`^${k}: (\\d+)$`, "m").exec(io)?.[1] ?? 0);
    return { bytes: field("wchar"), calls: field("syscw") };
  } catch {
    return { bytes: 0, calls: 0 };
  }
}

/** This thread's CPU time so far (user+sys, the main thread alone), in ms, from /proc/thread-self/stat (Linux; 0 elsewhere). */
function threadCpuMs(): number {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** A deterministic pseudo-random sequence (the same releases every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** The feed before the refresh: the real one with the last advisory of `changed` distributions taken out. */
function feedBefore(after: Uint8Array, changed: readonly string[]): Uint8Array {
  const doc = JSON.parse(new TextDecoder().decode(after)) as { dists: Record<string, { advisories: unknown[] }> };
  for (const d of changed) doc.dists[d]?.advisories.pop();
  return new TextEncoder().encode(JSON.stringify(doc));
}

/** `profile`: a file to write a CPU profile of the refresh pass to (the set-up left out). */
export async function benchRematch(feedPath: string, n: number, profile?: string): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), "cpansec-bench-rematch-"));
  const data = join(root, "data");
  const after = readFileSync(feedPath);
  const real = parseFeed(after);
  const withAdvisories = Object.keys(real.dists)
    .filter((d) => (real.dists[d]?.advisories.length ?? 0) > 1)
    .sort();
  // Ten distributions spread over the feed (not the ten most depended upon).
  const changed = Array.from({ length: 10 }, (_, i) => withAdvisories[Math.floor(((i + 0.5) * withAdvisories.length) / 10)] as string);
  const before = feedBefore(after, changed);
  let feedNow = before;
  const spent = new Map<string, { ms: number; cpu: number; n: number }>();
  const p = await openEmbeddedPipeline({
    data,
    mirror: emptyMirror,
    trustedKeys: [],
    feedSource: async () => feedNow,
    tool: { name: "cpansec-pipeline", version: "bench" },
    wrap:
      <T>(queue: string, step: (b: T, n: number) => Promise<void>) =>
      async (b: T, k: number) => {
        const t = performance.now();
        const c = cpuMs();
        try {
          return await step(b, k);
        } finally {
          const s = spent.get(queue) ?? { ms: 0, cpu: 0, n: 0 };
          spent.set(queue, { ms: s.ms + performance.now() - t, cpu: s.cpu + cpuMs() - c, n: s.n + (Array.isArray(b) ? b.length : 1) });
        }
      },
  });
  await p.runOnce(); // publishes the "before" feed; nothing stored yet
  const feedA = parseFeed(before);
  const identity = { feed: sha256(before), feedKey: null, packages: null };
  const strict = compileFeed(feedA, "strict");
  const audit = compileFeed(feedA, "cpan-audit");
  const resolve = moduleResolver(undefined, feedA.module2dist);

  // Prerequisites: a few modules the feed maps to its distributions (the popular ones more often,
  // as on CPAN) and a few of other, generated distributions; 5% of releases are of a feed distribution.
  const feedModules = Object.keys(feedA.module2dist).sort();
  const feedDists = Object.keys(feedA.dists).sort();
  const rand = rng(17);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() ** 3 * xs.length)] as T;
  const t0 = performance.now();
  let archiveBytes = 0;
  const records: { record: ReleaseRecord; prereqs: Record<string, string> }[] = [];
  for (let i = 0; i < n; i++) {
    const own = rand() < 0.05 ? pick(feedDists) : `Gen-Dist${i % 20_000}`;
    const version = `1.${String(i).padStart(6, "0")}`;
    const author = `GEN${i % 200}`;
    const filename = `${own}-${version}.tar.gz`;
    const requires: Record<string, string> = { perl: "5.010" };
    for (let k = 0; k < 3; k++) requires[pick(feedModules)] = "0";
    for (let k = 0; k < 5; k++) requires[`Gen::Dist${Math.floor(rand() * 20_000)}`] = "1.0";
    const meta = { name: own, version, abstract: "generated", author: ["x"], license: ["perl_5"], release_status: "stable", "meta-spec": { version: 2 } };
    const bytes = await makeTarGz({ [`${own}-${version}/META.json`]: JSON.stringify({ ...meta, prereqs: { runtime: { requires } } }) });
    archiveBytes += bytes.byteLength;
    const file = join(data, archiveKey({ author, filename }));
    if (i < 200) mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    const at = "2026-08-16T00:00:00.000Z";
    const done = { status: "done" as const, at };
    const record: ReleaseRecord = {
      id: `${author}/${filename}`,
      path: authorPath(author, filename),
      author,
      filename,
      uploaded: "1786838400",
      seenAt: at,
      sha256: sha256(bytes),
      size: bytes.byteLength,
      distribution: own,
      version,
      steps: { ingest: done, sbom: done, advisories: done, log: done },
      completedAt: at,
      revision: 0,
    };
    // release.json as ingest stores it: what match-advisories reads (it never opens the archive).
    const doc = releaseDocument(record, await describeStored(record.path, bytes), { signedBy: "bench", signedAt: at });
    const docFile = join(data, releaseJsonKey(record));
    mkdirSync(dirname(docFile), { recursive: true });
    writeFileSync(docFile, documentBytes(doc));
    records.push({ prereqs: requires, record });
  }
  const tGen = performance.now();
  // Each release as the match step left it: findings, index keys, `matched` naming the old feed.
  // The bench writes them in large transactions (the fill is set-up, not what is measured).
  const findings = p.deps.findings;
  const index = p.deps.matchIndex;
  let keyCount = 0;
  const store = (from: number, to: number) =>
    p.db.db.transaction(() => {
      for (const { record, prereqs } of records.slice(from, to)) {
        const input = { distribution: record.distribution as string, version: record.version as string, prereqs: { runtime: { requires: prereqs } } };
        const m = matchRelease(strict, audit, input, { resolve });
        const keys = matchKeys(input, resolve, true);
        keyCount += keys.length;
        void p.deps.releases.create({ ...record, matched: { ...identity, keys } });
        void findings.replace(record.id, m.findings);
        void index.put(record.id, keys);
      }
    })();
  for (let i = 0; i < records.length; i += 5000) store(i, i + 5000);
  const tFill = performance.now();

  // The refresh: the real feed, ten distributions changed. One pass, timed as a whole and per step.
  feedNow = after;
  spent.clear();
  const matched = { n: 0 };
  const session = profile ? new Session() : undefined;
  const post = (m: string) => new Promise<unknown>((ok, no) => session?.post(m, (e, r) => (e ? no(e) : ok(r))));
  if (session) {
    session.connect();
    await post("Profiler.enable");
    await post("Profiler.start");
  }
  const pass = performance.now();
  const passCpu = cpuMs();
  const passIo = written();
  const passThread = threadCpuMs();
  const result = await p.runOnce();
  const passMs = performance.now() - pass;
  const passCpuMs = cpuMs() - passCpu;
  const io = written();
  const threadMs = threadCpuMs() - passThread;
  if (session && profile) writeFileSync(profile, JSON.stringify(((await post("Profiler.stop")) as { profile: unknown }).profile));
  const newSha = sha256(after);
  matched.n = (await p.deps.releases.list()).filter((r) => r.matched?.feed === newSha).length;
  const dead = p.db.deadLetters();
  p.close();
  removeTree(root);
  // A re-match that failed is not a fast one: no rate is reported for a pass that lost work.
  const queued = result.rematch?.queued ?? 0;
  if (dead.length || matched.n !== queued || queued === 0) {
    const why = dead.slice(0, 3).map((d) => `${d.queue}: ${d.reason}`);
    throw new Error(
      `re-match bench: ${queued} releases queued, ${matched.n} re-matched, ${dead.length} messages dead-lettered${why.length ? `, e.g.\n  ${why.join("\n  ")}` : ""}`,
    );
  }
  // publish-advisories republishes the feed in use on a thread of its own, beside the re-matches:
  // its time overlaps the rest, so it is reported apart and never subtracted from the pass.
  const pub = spent.get("publish-advisories") ?? { ms: 0, cpu: 0, n: 0 };
  const onMain = [...spent].filter(([q]) => q !== "publish-advisories").reduce((a, [, s]) => ({ ms: a.ms + s.ms, cpu: a.cpu + s.cpu }), { ms: 0, cpu: 0 });
  const secs = (ms: number) => `${fmt(ms / 1000, 2)} s`;
  return [
    `re-match (embedded): ${n} stored releases (${fmt(keyCount / n, 1)} index keys each, archives ${fmt(archiveBytes / n, 0)} bytes each), a refresh changing ${changed.length} distributions (${changed.join(", ")})`,
    `  set-up: generated in ${fmt((tGen - t0) / 1000, 1)} s; stored with findings and index keys in ${fmt((tFill - tGen) / 1000, 1)} s`,
    `  refresh pass: ${secs(passMs)} end to end (CPU ${secs(passCpuMs)}, of which the main thread ${secs(threadMs)}); selected ${queued} releases by ${result.rematch?.selectedBy ?? "-"} (${result.rematch?.keys ?? 0} keys), re-matched ${matched.n} (${fmt((matched.n / n) * 100, 2)}% of the store)`,
    `  target: the pass under 5 s at 100,000 releases; the re-matches (match-advisories, notify) took ${secs(onMain.ms)} (CPU ${secs(onMain.cpu)}), publish-advisories ${secs(pub.ms)} on its own thread beside them`,
    `  written by the main thread during the pass (the publication's thread left out): ${fmt((io.bytes - passIo.bytes) / 2 ** 20, 1)} MiB in ${io.calls - passIo.calls} write calls, ${fmt((io.bytes - passIo.bytes) / 1024 / Math.max(1, matched.n), 1)} KiB per re-match`,
    `  the rest of the pass (feed refresh, diff, index query, queueing, waiting for the publication): ${secs(passMs - onMain.ms)}`,
    ...[...spent].map(([q, s]) => `  ${q.padEnd(18)} ${s.n} messages, ${fmt(s.ms / s.n, 2)} ms each, ${secs(s.ms)} (CPU ${secs(s.cpu)})`),
  ];
}
