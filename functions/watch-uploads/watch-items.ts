/**
 * What watch-uploads does with each RECENT item: a new upload is created once and queued; a
 * release still waiting (pending, or waiting for a lagging mirror) is queued again; one failed for
 * lag is reopened when RECENT names it again or its author's CHECKSUMS changes. And the retry
 * sweep: releases waiting for the mirror whose retry is due.
 */
import type { WatchItem } from "../../shared/domain/cpan/recent";
import { failedForLag, isWaitingForLag, LAG_MAX_DELAY_MS, reopen } from "../../shared/domain/pipeline/lag";
import { type ReleaseRecord, releaseId } from "../../shared/domain/pipeline/record";
import type { IngestJob } from "../../shared/messages/jobs";
import type { WatchDeps } from "../../shared/ports/deps";

const job = (r: ReleaseRecord): IngestJob => ({ v: 1, id: r.id, path: r.path, uploaded: r.uploaded });

/** Queue again what waits; reopen what failed for lag (its failure may have been the mirror's). */
async function wake(deps: WatchDeps, r: ReleaseRecord): Promise<IngestJob[]> {
  if (!r.steps.ingest) return [job(r)];
  if (!failedForLag(r)) return [];
  const now = deps.clock();
  const reopened = await deps.releases.update(r.id, (x) => (failedForLag(x) ? reopen(x, now) : undefined));
  return reopened ? [job(reopened)] : [];
}

export async function applyItem(deps: WatchDeps, item: WatchItem): Promise<{ jobs: IngestJob[]; removed: number }> {
  if (item.kind === "checksums") {
    const jobs: IngestJob[] = [];
    for (const r of await deps.releases.lagging(item.author)) jobs.push(...(await wake(deps, r)));
    return { jobs, removed: 0 };
  }
  const { event: e, author, filename } = item;
  const id = releaseId(author, filename);
  if (e.type === "delete") {
    const r = await deps.releases.get(id);
    if (!r || r.removed) return { jobs: [], removed: 0 };
    await deps.releases.update(id, (x) => (x.removed ? undefined : { ...x, removed: { epoch: e.epoch } }));
    return { jobs: [], removed: 1 };
  }
  const record: ReleaseRecord = { id, path: e.path, author, filename, uploaded: e.epoch, seenAt: deps.clock().toISOString(), steps: {}, revision: 0 };
  if (await deps.releases.create(record)) return { jobs: [job(record)], removed: 0 };
  const existing = await deps.releases.get(id);
  return { jobs: existing ? await wake(deps, existing) : [], removed: 0 };
}

/**
 * Queues the releases waiting for the mirror whose retry is due, moving their next retry on first
 * (so the next minute's pass does not queue them again while the job waits; ingest sets the real
 * next time when it runs).
 */
export async function retryDueLagging(deps: WatchDeps, queuedNow: ReadonlySet<string>): Promise<number> {
  const now = deps.clock();
  const jobs: IngestJob[] = [];
  for (const r of await deps.releases.lagging()) {
    if (queuedNow.has(r.id) || !isWaitingForLag(r) || Date.parse(r.lag?.nextAt ?? "") > now.getTime()) continue;
    const nextAt = new Date(now.getTime() + LAG_MAX_DELAY_MS).toISOString();
    const claimed = await deps.releases.update(r.id, (x) =>
      isWaitingForLag(x) && x.lag?.nextAt === r.lag?.nextAt && x.lag ? { ...x, lag: { ...x.lag, nextAt } } : undefined,
    );
    if (claimed) jobs.push(job(claimed));
  }
  if (jobs.length) await deps.queues.ingest.send(jobs);
  return jobs.length;
}
