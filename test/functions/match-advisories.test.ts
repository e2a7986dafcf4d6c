// match-advisories works from release.json (what ingest stored), not the archive: matching needs
// none of the archive's bytes, so it neither fetches nor decompresses it again.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildMirror } from "../../cli/demo/mirror";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { readTrustedKeys } from "../../shared/domain/cpan/checksums-signature";
import { advisoriesKey, releaseJsonKey } from "../../shared/domain/pipeline/keys";
import { readMatchSubject } from "../../shared/pipeline/documents";
import { PermanentError, TransientError } from "../../shared/ports/errors";
import { MemoryTileStore } from "../fakes/memory-log";
import { cgiFeedWithDemoCoreAdvisory } from "../helpers/feeds";

const feed = new TextEncoder().encode(JSON.stringify(cgiFeedWithDemoCoreAdvisory()));

async function run(root: string, data: string, withFeed: boolean) {
  mkdirSync(join(root, "mirror"), { recursive: true });
  const mirror = await buildMirror(join(root, "mirror"), [{ author: "ALICE", name: "Demo-Core", version: "1.0", requires: { CGI: "3.0" } }], 1_780_000_000);
  const p = await openEmbeddedPipeline({
    data,
    mirror: new DirMirror(mirror.dir),
    trustedKeys: await readTrustedKeys(new TextEncoder().encode(mirror.publicKey)),
    ...(withFeed ? { feedSource: async () => feed } : {}),
    tool: { name: "t", version: "0" },
    backoffMs: 1,
    maxReceives: 2,
  });
  try {
    await p.runOnce();
    expect(p.db.deadLetters()).toEqual([]);
    const [r] = await p.deps.releases.list();
    if (!r) throw new Error("no release stored");
    return readFileSync(join(data, advisoriesKey(r)), "utf8");
  } finally {
    p.close();
  }
}

describe("match-advisories", () => {
  it("re-matches a stored release whose archive is gone, with the answer a match with the archive gives", async () => {
    const root = mkdtempSync(join(tmpdir(), "cpansec-match-"));
    const data = join(root, "data");
    expect(JSON.parse(await run(root, data, false))).toMatchObject({ findings: [], skipped: "no advisory feed configured" });
    // Matching must not need the archive: take it away before the feed arrives.
    rmSync(join(data, "archives"), { recursive: true });
    const rematched = await run(root, data, true);
    const doc = JSON.parse(rematched);
    expect(doc.findings.map((f: { kind: string }) => f.kind).sort()).toEqual(["dependency", "self"]);
    // Byte for byte what a first match, with the archive there, writes.
    expect(rematched).toBe(await run(join(root, "scratch"), join(root, "scratch-data"), true));
  });

  it("reads release.json: missing is not yet (transient), malformed is permanent and says where", async () => {
    const blobs = new MemoryTileStore();
    const r = { author: "ALICE", filename: "Demo-Core-1.0.tar.gz" };
    await expect(readMatchSubject(blobs, r)).rejects.toBeInstanceOf(TransientError);
    await blobs.publish(releaseJsonKey(r), new TextEncoder().encode(JSON.stringify({ distribution: "Demo-Core", version: 1, archive: {}, meta: null })));
    const e = await readMatchSubject(blobs, r).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PermanentError);
    expect((e as Error).message).toMatch(/release\.json.*version.*archive\.sha256/);
  });
});
