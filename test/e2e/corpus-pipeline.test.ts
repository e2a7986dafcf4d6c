// The real-archive corpus (test/helpers/corpus.ts) as a mirror of one author, through the whole embedded pipeline.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { readTrustedKeys } from "../../shared/domain/cpan/checksums-signature";
import { terminalState } from "../../shared/domain/pipeline/record";
import { verifyLog } from "../../shared/domain/tlog/verify";
import { corpusFiles } from "../helpers/corpus";
import { corpusMirror } from "../helpers/corpus-mirror";
import { realFeeds } from "../helpers/fixtures";

const files = corpusFiles();

describe("the corpus through the embedded pipeline", () => {
  it("ends every upload in a terminal state and logs each once", async () => {
    const root = mkdtempSync(join(tmpdir(), "cpansec-corpus-run-"));
    const mirror = await corpusMirror(root);
    const feed = realFeeds()[0]?.path;
    const p = await openEmbeddedPipeline({
      data: join(root, "data"),
      mirror: new DirMirror(mirror.dir),
      trustedKeys: await readTrustedKeys(new TextEncoder().encode(mirror.publicKey)),
      ...(feed ? { feedSource: async () => (await import("node:fs")).readFileSync(feed) } : {}),
      tool: { name: "cpansec-pipeline", version: "0.0.0-test" },
    });
    try {
      await p.runOnce();
      expect(p.db.deadLetters()).toEqual([]);
      const releases = await p.deps.releases.list();
      expect(releases).toHaveLength(files.length);
      const states = releases.map(terminalState);
      expect(states.filter((s) => s === "pending")).toEqual([]);
      const log = await verifyLog((x) => p.deps.log.tiles.read(x), [p.deps.log.signer]);
      expect(log.checkpoint.size).toBe(files.length);
      console.log(
        `corpus pipeline: ${states.filter((s) => s === "processed").length} processed, ${states.filter((s) => s === "failed").length} failed, log size ${log.checkpoint.size}`,
      );
    } finally {
      p.close();
    }
  });
});
