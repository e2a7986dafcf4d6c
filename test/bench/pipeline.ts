// Benchmark: the embedded pipeline over the corpus (one author), releases/s end to end and where the time goes.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { readTrustedKeys } from "../../shared/domain/cpan/checksums-signature";
import { corpusMirror } from "../helpers/corpus-mirror";
import { realFeeds } from "../helpers/fixtures";
import { fmt } from "./run";

export async function benchPipeline(): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), "cpansec-bench-pipeline-"));
  const mirror = await corpusMirror(root);
  const feed = realFeeds()[0]?.path;
  const spent = new Map<string, { ms: number; n: number }>();
  const p = await openEmbeddedPipeline({
    data: join(root, "data"),
    mirror: new DirMirror(mirror.dir),
    trustedKeys: await readTrustedKeys(new TextEncoder().encode(mirror.publicKey)),
    ...(feed ? { feedSource: async () => readFileSync(feed) } : {}),
    tool: { name: "cpansec-pipeline", version: "bench" },
    wrap:
      <T>(queue: string, step: (b: T, n: number) => Promise<void>) =>
      async (b: T, n: number) => {
        const t = performance.now();
        try {
          return await step(b, n);
        } finally {
          const s = spent.get(queue) ?? { ms: 0, n: 0 };
          spent.set(queue, { ms: s.ms + performance.now() - t, n: s.n + (Array.isArray(b) ? b.length : 1) });
        }
      },
  });
  const t = performance.now();
  await p.runOnce();
  const secs = (performance.now() - t) / 1000;
  const n = (await p.deps.releases.list()).length;
  p.close();
  rmSync(root, { recursive: true, force: true });
  return [
    `pipeline (embedded, ${n} corpus releases from a local mirror, one pass): ${fmt(secs, 1)} s = ${fmt(n / secs, 1)} releases/s`,
    ...[...spent].map(([q, s]) => `  ${q.padEnd(17)} ${fmt(s.ms / s.n, 2)} ms per release (${fmt((s.ms / 1000 / secs) * 100, 0)}% of the pass)`),
  ];
}
