// History does not change answers (embedded backend): whatever the order of uploads, feed
// arrivals and passes, each stored release ends with exactly the findings and advisories.json a
// from-scratch run over the final mirror and feed gives it.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildMirror } from "../../cli/demo/mirror";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { readTrustedKeys } from "../../shared/domain/cpan/checksums-signature";
import { advisoriesKey } from "../../shared/domain/pipeline/keys";
import { type Answers, type Scenario, scenarioArb } from "../helpers/rematch-scenarios";

const START = 1_780_000_000;

async function pass(root: string, data: string, s: Scenario, uploaded: readonly number[], feed: number | undefined): Promise<void> {
  mkdirSync(join(root, "mirror"), { recursive: true });
  const mirror = await buildMirror(
    join(root, "mirror"),
    uploaded.map((i) => s.dists[i] as never),
    START,
  );
  const feedFile = join(root, "feed.json");
  if (feed !== undefined) writeFileSync(feedFile, JSON.stringify(s.feeds[feed]));
  const p = await openEmbeddedPipeline({
    data,
    mirror: new DirMirror(mirror.dir),
    trustedKeys: await readTrustedKeys(new TextEncoder().encode(mirror.publicKey)),
    ...(feed !== undefined ? { feedSource: async () => readFileSync(feedFile) } : {}),
    tool: { name: "cpansec-pipeline", version: "0.0.0-test" },
    backoffMs: 1,
  });
  try {
    await p.runOnce();
    expect(p.db.deadLetters()).toEqual([]);
  } finally {
    p.close();
  }
}

/**
 * Findings and advisories.json name the feed they were computed with: a release no later feed
 * changed anything for keeps the earlier name (docs/decisions/0011-rematching.md). Everything
 * else must be equal.
 */
const unnamed = ({ feed: _f, ...rest }: Record<string, unknown>) => rest;

async function answers(data: string): Promise<Answers> {
  const { EmbeddedDb } = await import("../../shared/adapters/embedded/sqlite-db");
  const db = new EmbeddedDb(join(data, "cpansec.db"));
  try {
    const out: Answers = {};
    for (const r of await db.releases().list()) {
      const doc = JSON.parse(readFileSync(join(data, advisoriesKey(r)), "utf8"));
      const findings = (await db.findings().byRelease(r.id)).map((f) => unnamed(f as never));
      out[r.id] = { findings, advisories: { ...unnamed(doc), findings: doc.findings.map(unnamed), verified: doc.feed?.verified } };
    }
    return out;
  } finally {
    db.close();
  }
}

/** Plays a history; returns its final answers and a from-scratch run's. */
export async function play(s: Scenario): Promise<{ history: Answers; scratch: Answers }> {
  const root = mkdtempSync(join(tmpdir(), "cpansec-rematch-"));
  const uploaded: number[] = [];
  let feed: number | undefined;
  for (const a of s.actions) {
    if ("upload" in a) uploaded.push(a.upload);
    else if ("feed" in a) feed = a.feed;
    else await pass(root, join(root, "history"), s, uploaded, feed);
  }
  await pass(root, join(root, "history"), s, uploaded, feed);
  await pass(root, join(root, "scratch"), s, uploaded, feed);
  return { history: await answers(join(root, "history")), scratch: await answers(join(root, "scratch")) };
}

describe("re-matching", () => {
  it("leaves every stored release with the answers a from-scratch run gives, whatever the history", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const { history, scratch } = await play(s);
        expect(Object.keys(history).length).toBe(s.dists.length);
        expect(history).toEqual(scratch);
      }),
      { numRuns: 30, endOnFailure: true },
    );
  }, 600_000);
});
