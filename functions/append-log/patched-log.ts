/**
 * append-log's second job type: publish-overlay's cpansec-patch/v1 entries (docs/patches.md, "On
 * AWS"). The overlay's publisher holds no log key, so it sends the entries here; they are checked
 * (each a cpansec-patch/v1 entry for the path it is sent under), appended in one batch,
 * deduplicated by `patched:<path>` as every append is (a retry after the append appends nothing),
 * and then publish-overlay is queued again for each job's registry, to list what is now logged.
 */
import type { LogJob, PatchedLogJob } from "../../shared/messages/jobs";
import { parsePatchEntry } from "../../shared/domain/tlog/patch-entry";
import type { AppendLogDeps } from "../../shared/ports/deps";
import { BadMessageError } from "../../shared/ports/errors";
import { checkpointSize } from "../../shared/domain/tlog/checkpoint";
import { appendEntries } from "./append-log";

export const isPatchedLogJob = (j: LogJob): j is PatchedLogJob => "patched" in j;

const enc = new TextEncoder();

/** A malformed job fails alone (BadMessageError, dead-lettered with the reason); the append is all or nothing. */
export async function appendPatchedBatch(deps: Pick<AppendLogDeps, "log" | "queues">, jobs: readonly PatchedLogJob[]): Promise<Map<number, unknown>> {
  const failed = new Map<number, unknown>();
  const entries: string[] = [];
  const registries = new Set<string>();
  for (const [at, j] of jobs.entries()) {
    try {
      for (const p of j.patched) {
        const path = parsePatchEntry(p.entry).path;
        if (path !== p.path) throw new Error(`the entry sent for ${p.path} is for ${path}`);
      }
    } catch (e) {
      failed.set(at, new BadMessageError(`overlay entries not logged: ${(e as Error).message}`));
      continue;
    }
    entries.push(...j.patched.map((p) => p.entry));
    registries.add(j.patches);
  }
  if (!entries.length) return failed;
  const result = await appendEntries(
    deps.log,
    entries.map((e) => enc.encode(e)),
  );
  const logged = checkpointSize(result.checkpoint);
  await deps.queues.overlay.send([...registries].map((patches) => ({ v: 1 as const, patches, logged })));
  return failed;
}
