/**
 * watch-uploads: read RECENT (a longer file when the cursor is older than the short one reaches),
 * create each new release once (conditional create), queue it for ingest, and only then move the
 * cursor. A release created by a run that died before queueing is still `pending` and is queued
 * again; ingest is idempotent, so that is safe.
 */
import { RECENT_FILES, type RecentFile, covers, newUploads, parseRecent } from "../../shared/domain/cpan/recent";
import { parseCpanPath } from "../../shared/domain/cpan/distname";
import { type ReleaseRecord, releaseId } from "../../shared/domain/pipeline/record";
import type { IngestJob } from "../../shared/messages/jobs";
import { type PipelineDeps, TransientError } from "../../shared/pipeline/deps";

export const CURSOR = "recent-epoch";

export interface WatchResult {
  readonly file: string;
  readonly queued: number;
  readonly removed: number;
  readonly cursor?: string;
  /** Set when even the longest RECENT file does not reach back to the cursor: uploads may be missing. */
  readonly gap?: string;
}

async function readRecent(deps: PipelineDeps, cursor: string | undefined): Promise<{ name: string; file: RecentFile; gap?: string }> {
  let last: { name: string; file: RecentFile } | undefined;
  for (const name of RECENT_FILES) {
    const bytes = await deps.mirror.fetch(name);
    if (!bytes) {
      if (!last) throw new TransientError(`the mirror has no ${name}`);
      break;
    }
    last = { name, file: parseRecent(bytes, name) };
    if (covers(last.file, cursor)) return last;
  }
  const found = last as { name: string; file: RecentFile };
  return { ...found, gap: `${found.name} starts at ${found.file.min}, after the cursor ${cursor}: uploads in between may be missed` };
}

/** Uploads recorded, queued and passed by the cursor together: a pass that dies keeps what it did. */
const CHUNK = 25;

export async function watchUploads(deps: PipelineDeps): Promise<WatchResult> {
  const cursor = await deps.cursors.get(CURSOR);
  const { name, file, gap } = await readRecent(deps, cursor);
  const events = newUploads(file, cursor);
  let queued = 0;
  let removed = 0;
  for (let start = 0; start < events.length; start += CHUNK) {
    const chunk = events.slice(start, start + CHUNK);
    const jobs: IngestJob[] = [];
    for (const e of chunk) {
      const info = parseCpanPath(e.path);
      const author = info.author as string;
      const id = releaseId(author, info.filename);
      if (e.type === "delete") {
        const r = await deps.releases.get(id);
        if (r && !r.removed) {
          await deps.releases.update(id, (x) => (x.removed ? undefined : { ...x, removed: { epoch: e.epoch } }));
          removed++;
        }
        continue;
      }
      const record: ReleaseRecord = { id, path: e.path, author, filename: info.filename, uploaded: e.epoch, seenAt: deps.clock().toISOString(), steps: {}, revision: 0 };
      const created = await deps.releases.create(record);
      const existing = created ? record : await deps.releases.get(id);
      if (created || (existing && !existing.steps.ingest)) jobs.push({ v: 1, id, path: e.path, uploaded: existing?.uploaded ?? e.epoch });
    }
    if (jobs.length) await deps.queues.ingest.send(jobs);
    queued += jobs.length;
    // The cursor moves only after the chunk's jobs are queued: a crash before this re-reads them.
    await deps.cursors.put(CURSOR, (chunk[chunk.length - 1] as { epoch: string }).epoch);
  }
  const last = events[events.length - 1]?.epoch;
  return { file: name, queued, removed, ...(last ?? cursor ? { cursor: last ?? cursor } : {}), ...(gap ? { gap } : {}) };
}
