// The whole pipeline on the embedded backend, over a generated CPAN mirror served by HTTP on
// 127.0.0.1: every upload ends in a terminal state, results are valid, the log verifies.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_DISTS } from "../../cli/demo/demo";
import { type BuiltMirror, buildMirror } from "../../cli/demo/mirror";
import { serveDir } from "../../cli/demo/serve";
import { HttpMirror } from "../../shared/adapters/http/mirror";
import { type EmbeddedOptions, openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { readTrustedKeys } from "../../shared/domain/cpan/checksums-signature";
import { terminalState } from "../../shared/domain/pipeline/record";
import { parseEntry } from "../../shared/domain/tlog/entry";
import { verifyLog } from "../../shared/domain/tlog/verify";
import { checkCycloneDx, checkSpdx } from "../../shared/domain/sbom/check";
import { cycloneDxSchemaErrors } from "../helpers/sbom-validation";
import { cgiFeed, cgiFeedWithDemoCoreAdvisory } from "../helpers/feeds";
import { repoRoot } from "../helpers/shared-data";
import { vexProblems } from "../helpers/vex-agreement";

const FEED = cgiFeed();

let mirror: BuiltMirror;
let server: Server;
let url: string;
let feedFile: string;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "cpansec-e2e-"));
  mirror = await buildMirror(join(root, "mirror"), DEMO_DISTS);
  ({ server, url } = await serveDir(mirror.dir));
  feedFile = join(root, "feed.json");
  writeFileSync(feedFile, JSON.stringify(FEED));
});
afterAll(() => server?.close());

async function pipeline(data: string, extra: Partial<EmbeddedOptions> = {}) {
  return openEmbeddedPipeline({
    data,
    mirror: new HttpMirror(url, { timeoutMs: 5000, maxBytes: 2 ** 24, retries: 1, backoffMs: 10 }),
    trustedKeys: await readTrustedKeys(new TextEncoder().encode(mirror.publicKey)),
    feedSource: async () => readFileSync(feedFile),
    tool: { name: "cpansec-pipeline", version: "0.0.0-test" },
    backoffMs: 5,
    ...extra,
  });
}

async function invariants(data: string) {
  const p = await pipeline(data);
  try {
    const releases = await p.deps.releases.list();
    expect(releases.map((r) => r.path).sort()).toEqual([...mirror.paths].sort());
    expect(releases.filter((r) => terminalState(r) === "pending")).toEqual([]);
    const log = await verifyLog((x) => p.deps.log.tiles.read(x), [p.deps.log.signer], { keepEntries: true });
    const paths = (log.entries ?? []).map((e) => parseEntry(new TextDecoder().decode(e)).path);
    expect([...paths].sort()).toEqual([...mirror.paths].sort()); // exactly one entry per upload
    const events = await p.deps.events.list();
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    // Every release's VEX agrees with its advisories.json and points into its SBOM.
    const read = async (key: string) => await p.deps.blobs.read(key).then((b) => (b ? new TextDecoder().decode(b) : undefined));
    const vex = await Promise.all(releases.map((r) => vexProblems(read, r)));
    expect(vex.flat()).toEqual([]);
    for (const e of events.filter((x) => x.type === "release.processed" && x.links?.advisories && x.links.sbomCycloneDx))
      expect(e.links?.vex).toBe(`releases/${e.release?.id}/vex.cdx.json`);
    return { p, releases, events, log };
  } finally {
    p.close();
  }
}

describe("cpansec run over an HTTP mirror", () => {
  it("takes every upload to a terminal state with valid results, alerts and findings", async () => {
    const data = mkdtempSync(join(tmpdir(), "cpansec-e2e-data-"));
    const p = await pipeline(data);
    const { watch } = await p.runOnce();
    expect(watch.queued).toBe(DEMO_DISTS.length);
    expect(p.db.deadLetters()).toEqual([]);
    const byName = new Map((await p.deps.releases.list()).map((r) => [r.filename, r]));
    expect(terminalState(byName.get("Demo-Core-1.0.tar.gz") as never)).toBe("processed");
    expect(byName.get("Demo-Broken-0.1.tar.gz")?.failure?.reason).toMatch(/not a gzip, bzip2, xz, tar or zip archive/);
    expect(byName.get("Demo-Tampered-1.0.tar.gz")?.failure).toMatchObject({
      integrity: true,
      reason: expect.stringMatching(/does not match the signed CHECKSUMS/),
    });
    const events = await p.deps.events.list();
    expect(events.filter((e) => e.type === "integrity.alert").map((e) => e.release?.id)).toEqual(["MALLORY/Demo-Tampered-1.0.tar.gz"]);
    expect(events.filter((e) => e.type === "release.vulnerable").map((e) => e.release?.id)).toEqual(["DAVE/CGI-3.62.tar.gz"]);
    expect(events.filter((e) => e.type === "release.processed")).toHaveLength(DEMO_DISTS.length);
    const dir = join(data, "releases/ALICE/Demo-Core-1.0.tar.gz");
    const cdx = readFileSync(join(dir, "sbom.cdx.json"), "utf8");
    expect(await cycloneDxSchemaErrors(cdx)).toBeNull();
    expect(checkCycloneDx(JSON.parse(cdx))).toEqual([]);
    expect(checkSpdx(JSON.parse(readFileSync(join(dir, "sbom.spdx.json"), "utf8")))).toEqual([]);
    const web = JSON.parse(readFileSync(join(data, "releases/DAVE/Demo-Web-0.3.tar.gz/advisories.json"), "utf8"));
    expect(web.findings).toEqual([
      expect.objectContaining({ kind: "dependency", distribution: "CGI", advisories: [expect.objectContaining({ id: "CPANSA-CGI-2012-5526" })] }),
    ]);
    // The refresh published the feed in use next to the log: OSV, CSAF and index.json.
    const pub = join(data, "public/advisories");
    expect(JSON.parse(readFileSync(join(pub, "index.json"), "utf8"))).toMatchObject({ v: 1, osv: { records: 1 }, csaf: { documents: 1 } });
    const cgiOsv = join(pub, "osv/CPAN/CPANSA-CGI-2012-5526.json");
    expect(JSON.parse(readFileSync(cgiOsv, "utf8")).affected[0].package).toEqual({ ecosystem: "CPAN", name: "CGI", purl: "pkg:cpan/CGI" });
    const proof = readFileSync(join(dir, "upload.tlog-proof"), "utf8");
    expect(proof).toMatch(/^c2sp\.org\/tlog-proof@v1\nextra [A-Za-z0-9+/=]+\nindex \d+\n/);
    p.close();
    const verify = execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(repoRoot, "cli/cpansec.ts"),
        "log",
        "verify",
        "--log",
        join(data, "log"),
        "--vkey",
        readFileSync(join(data, "log/vkey"), "utf8").trim(),
      ],
      { cwd: repoRoot, encoding: "utf8" },
    );
    expect(verify).toMatch(/^OK: cpansec.localhost\/log size 12 /);
    await invariants(data);

    // A second run over the same mirror does no work twice.
    const again = await pipeline(data);
    expect((await again.runOnce()).watch.queued).toBe(0);
    again.close();
    const after = await invariants(data);
    expect(after.log.checkpoint.size).toBe(12);

    // A new advisory in the feed: the stored releases it affects, its own and those whose
    // prerequisites resolve to it, are re-matched and announced.
    const feedBefore = readFileSync(feedFile, "utf8");
    const updated = cgiFeedWithDemoCoreAdvisory();
    writeFileSync(feedFile, JSON.stringify(updated));
    try {
      const cgiWritten = statSync(cgiOsv).mtimeMs;
      const third = await pipeline(data);
      const r = await third.runOnce();
      expect(r.rematch).toEqual({ queued: 4, selectedBy: "index", keys: 1 });
      const published = (await third.deps.events.list()).filter((e) => e.type === "advisory.published");
      expect(published.map((e) => [e.release?.id, e.detail?.advisory, e.detail?.kind]).sort()).toEqual([
        ["ALICE/Demo-App-2.0.tar.gz", "CPANSA-Demo-Core-2026-1", "dependency"],
        ["ALICE/Demo-Core-1.0.tar.gz", "CPANSA-Demo-Core-2026-1", "self"],
        ["BOB/Demo-Util-0.5.tar.gz", "CPANSA-Demo-Core-2026-1", "dependency"],
        ["DAVE/Demo-Web-0.3.tar.gz", "CPANSA-Demo-Core-2026-1", "dependency"],
      ]);
      // Republished: the new advisory's record, which each advisory.published links; the CGI record, unchanged, not rewritten.
      expect(new Set(published.map((e) => e.links?.osv))).toEqual(new Set(["public/advisories/osv/CPAN/CPANSA-Demo-Core-2026-1.json"]));
      expect(JSON.parse(readFileSync(join(data, published[0]?.links?.osv as string), "utf8")).id).toBe("CPANSA-Demo-Core-2026-1");
      expect(JSON.parse(readFileSync(join(pub, "index.json"), "utf8")).osv.records).toBe(2);
      expect(statSync(cgiOsv).mtimeMs).toBe(cgiWritten);
      expect(JSON.parse(readFileSync(join(dir, "advisories.json"), "utf8")).findings.map((f: { advisory: string }) => f.advisory)).toEqual([
        "CPANSA-Demo-Core-2026-1",
      ]);
      // The re-match rewrote the VEX: a new version of the same document, now stating the advisory.
      const vex = JSON.parse(readFileSync(join(dir, "vex.cdx.json"), "utf8"));
      expect([vex.version, vex.vulnerabilities.map((v: { id: string; analysis: { state: string } }) => [v.id, v.analysis.state])]).toEqual([
        2,
        [["CPANSA-Demo-Core-2026-1", "exploitable"]],
      ]);
      third.close();
      await invariants(data);
    } finally {
      writeFileSync(feedFile, feedBefore);
    }
  });

  it("retries a step that fails transiently, and dead-letters one that always fails, losing nothing else", async () => {
    const data = mkdtempSync(join(tmpdir(), "cpansec-e2e-faults-"));
    const seen = new Map<string, number>();
    const p = await pipeline(data, {
      maxReceives: 3,
      wrap:
        <T>(queue: string, step: (b: T, n: number) => Promise<void>) =>
        async (body: T, n: number) => {
          const id = (body as { id?: string }).id ?? queue;
          const k = `${queue}:${id}`;
          seen.set(k, (seen.get(k) ?? 0) + 1);
          if (queue === "generate-sbom" && seen.get(k) === 1) throw new Error("transient: disk hiccup");
          if (queue === "match-advisories" && id === "ERIN/Demo-Config-1.1.tar.gz") throw new Error("always: poisoned message");
          return step(body, n);
        },
    });
    await p.runOnce();
    const dead = p.db.deadLetters();
    expect(dead).toEqual([
      expect.objectContaining({
        queue: "match-advisories",
        body: { v: 1, id: "ERIN/Demo-Config-1.1.tar.gz" },
        reason: expect.stringMatching(/poisoned message \(after 3 receives\)/),
      }),
    ]);
    const releases = await p.deps.releases.list();
    const pending = releases.filter((r) => terminalState(r) === "pending").map((r) => r.id);
    expect(pending).toEqual(["ERIN/Demo-Config-1.1.tar.gz"]); // in the DLQ, reported: not lost, not done
    expect(releases.filter((r) => r.steps.sbom).length).toBe(10); // every transient failure was retried to success
    p.close();
  });

  it("waits for an upload its author's CHECKSUMS does not list (lag), then fails it at the deadline without an alert or a log entry", async () => {
    const root = mkdtempSync(join(tmpdir(), "cpansec-e2e-replay-"));
    const m = await buildMirror(join(root, "mirror"), [
      { author: "ALICE", name: "Demo-Listed", version: "1.0" },
      { author: "ALICE", name: "Demo-Unlisted", version: "1.1", unlisted: true },
    ]);
    const served = await serveDir(m.dir);
    const attempts: number[] = [];
    let now = new Date();
    try {
      const p = await openEmbeddedPipeline({
        clock: () => now,
        data: join(root, "data"),
        mirror: new HttpMirror(served.url, { timeoutMs: 5000, maxBytes: 2 ** 24, retries: 1, backoffMs: 10 }),
        trustedKeys: await readTrustedKeys(new TextEncoder().encode(m.publicKey)),
        feedSource: async () => readFileSync(feedFile),
        tool: { name: "cpansec-pipeline", version: "0.0.0-test" },
        backoffMs: 5,
        checksumRetries: 3,
        wrap:
          <T>(queue: string, step: (b: T, n: number) => Promise<void>) =>
          async (body: T, n: number) => {
            if (queue === "ingest-release" && (body as { id?: string }).id === "ALICE/Demo-Unlisted-1.1.tar.gz") attempts.push(n);
            return step(body, n);
          },
      });
      await p.runOnce();
      expect(attempts).toEqual([1]); // waiting for the mirror, acknowledged: no queue retries, no DLQ
      expect(p.db.deadLetters()).toEqual([]);
      expect((await p.deps.releases.get("ALICE/Demo-Unlisted-1.1.tar.gz"))?.lag?.reason).toBe(
        "authors/id/A/AL/ALICE/CHECKSUMS does not list Demo-Unlisted-1.1.tar.gz yet",
      );
      now = new Date(now.getTime() + 7 * 3600_000); // past the deadline: the sweep retries it, ingest fails it
      await p.runOnce();
      expect(attempts).toEqual([1, 1]);
      const r = await p.deps.releases.get("ALICE/Demo-Unlisted-1.1.tar.gz");
      expect(r?.failure).toEqual({ step: "ingest", reason: "not listed in authors/id/A/AL/ALICE/CHECKSUMS after 6 hours", lag: true });
      expect(r?.sha256).toBeUndefined(); // nothing PAUSE signed to log
      expect(terminalState((await p.deps.releases.get("ALICE/Demo-Listed-1.0.tar.gz")) as never)).toBe("processed");
      expect((await p.deps.events.list()).filter((e) => e.type === "integrity.alert")).toEqual([]);
      const log = await verifyLog((x) => p.deps.log.tiles.read(x), [p.deps.log.signer], { keepEntries: true });
      expect((log.entries ?? []).map((e) => parseEntry(new TextDecoder().decode(e)).path)).toEqual(["authors/id/A/AL/ALICE/Demo-Listed-1.0.tar.gz"]);
      p.close();
    } finally {
      served.server.close();
    }
  });

  it("completes without duplicates after the process is killed mid-run", async () => {
    const data = mkdtempSync(join(tmpdir(), "cpansec-e2e-kill-"));
    const key = join(data, "..", `trust-${process.pid}.asc`);
    writeFileSync(key, mirror.publicKey);
    const args = [
      "--import",
      "tsx",
      join(repoRoot, "cli/cpansec.ts"),
      "run",
      "--once",
      "--mirror",
      url,
      "--data",
      data,
      "--advisories",
      feedFile,
      "--trust-key",
      key,
    ];
    const count = (dir: string, name: RegExp): number => {
      try {
        return readdirSync(dir, { recursive: true }).filter((f) => name.test(String(f))).length;
      } catch {
        return 0;
      }
    };
    // Kill once after a few archives are stored, once after some SBOMs are written: mid-ingest and mid-steps.
    for (const [dir, name, n] of [
      [join(data, "archives"), /\.tar\.gz$/, 2],
      [join(data, "releases"), /sbom\.cdx\.json$/, 4],
    ] as const) {
      const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: "ignore" });
      const closed = new Promise((r) => child.on("close", r));
      const deadline = Date.now() + 15_000;
      while (count(dir, name) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      child.kill("SIGKILL");
      await closed;
      expect(count(dir, name)).toBeGreaterThanOrEqual(n);
    }
    const finish = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    finish.stdout.on("data", (c: Buffer) => (out += c));
    const status = await new Promise((r) => finish.on("close", r));
    expect(out).toMatch(/dead letters: none/);
    expect(status).toBe(1); // Demo-Tampered's integrity alert
    const { releases } = await invariants(data);
    expect(releases.filter((r) => terminalState(r) === "processed")).toHaveLength(10);
  });
});
