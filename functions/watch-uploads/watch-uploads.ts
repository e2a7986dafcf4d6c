/**
 * watch-uploads: read RECENT (a longer file when the cursor is older than the short one reaches),
 * create each new release once (conditional create), queue it for ingest, and only then move the
 * cursor. A release created by a run that died before queueing is still `pending` and is queued
 * again; ingest is idempotent, so that is safe. Releases waiting for a lagging mirror are queued
 * again when RECENT names them again, when their author's CHECKSUMS changes, and when their retry
 * is due (docs/decisions/0010-mirror-lag.md).
 */
import {
  RECENT_FILES,
  type RecentFile,
  addSeconds,
  compareEpochs,
  covers,
  epochOf,
  FUTURE_SKEW_S,
  type Ignored,
  newUploads,
  parseRecent,
} from "../../shared/domain/cpan/recent";
import type { IngestJob } from "../../shared/messages/jobs";
import type { WatchDeps } from "../../shared/ports/deps";
import { TransientError } from "../../shared/ports/errors";
import { MirrorLimitError } from "../../shared/ports";
import { CURSOR, RECENT_MAX_BYTES, type WatchResult } from "./watch-result";
import { applyItem, retryDueLagging } from "./watch-items";

export { CURSOR, RECENT_MAX_BYTES, type WatchResult } from "./watch-result";

async function readRecent(deps: WatchDeps, cursor: string | undefined): Promise<{ name: string; file: RecentFile; gap?: string }> {
  let last: { name: string; file: RecentFile } | undefined;
  let stop = "";
  for (const name of RECENT_FILES) {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await deps.mirror.fetch(name, { maxBytes: RECENT_MAX_BYTES });
    } catch (e) {
      // The first file must be read; a longer one too large to read is a gap, not a stuck watcher.
      if (!(e instanceof MirrorLimitError) || !last) throw e;
      stop = ` (${name} is over the ${RECENT_MAX_BYTES}-byte limit)`;
      break;
    }
    if (!bytes) {
      if (!last) throw new TransientError(`the mirror has no ${name}`);
      break;
    }
    last = { name, file: parseRecent(bytes, name) };
    if (covers(last.file, cursor)) return last;
  }
  const found = last as { name: string; file: RecentFile };
  return { ...found, gap: `${found.name} starts at ${found.file.min}, after the cursor ${cursor}: uploads in between may be missed${stop}` };
}

/** Uploads recorded, queued and passed by the cursor together: a pass that dies keeps what it did. */
const CHUNK = 25;

export async function watchUploads(deps: WatchDeps): Promise<WatchResult> {
  const now = epochOf(deps.clock());
  const warnings: Ignored[] = [];
  let cursor = await deps.cursors.get(CURSOR);
  if (cursor !== undefined && compareEpochs(cursor, addSeconds(now, FUTURE_SKEW_S)) > 0) {
    // Written before the cursor was kept from passing the clock: not a time, so not a position.
    warnings.push({ epoch: cursor, path: CURSOR, reason: `the stored cursor is after the watcher's clock (${now}); reading RECENT from its start` });
    cursor = undefined;
  }
  const { name, file, gap } = await readRecent(deps, cursor);
  const { items, ignored } = newUploads(file, cursor, now);
  warnings.push(...ignored);
  let queued = 0;
  let removed = 0;
  let position = cursor;
  const queuedIds = new Set<string>();
  for (let start = 0; start < items.length; start += CHUNK) {
    const chunk = items.slice(start, start + CHUNK);
    const jobs: IngestJob[] = [];
    for (const item of chunk) {
      const done = await applyItem(deps, item);
      jobs.push(...done.jobs);
      removed += done.removed;
    }
    if (jobs.length) await deps.queues.ingest.send(jobs);
    for (const j of jobs) queuedIds.add(j.id);
    queued += jobs.length;
    // The cursor moves only after the chunk's jobs are queued: a crash before this re-reads them.
    // It never passes the clock: an event a little in the future is seen again, not skipped past.
    const last = (chunk[chunk.length - 1] as (typeof items)[number]).event.epoch;
    position = compareEpochs(last, now) > 0 ? now : last;
    await deps.cursors.put(CURSOR, position);
  }
  const retried = await retryDueLagging(deps, queuedIds);
  return {
    file: name,
    queued,
    removed,
    ...(retried ? { retried } : {}),
    ...(position !== undefined ? { cursor: position } : {}),
    ...(gap ? { gap } : {}),
    ...(warnings.length ? { ignored: warnings } : {}),
  };
}
