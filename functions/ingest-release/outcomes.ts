/**
 * How ingest ends when it cannot process an upload: an integrity failure (alerted, and logged
 * only with what PAUSE signed), or waiting for a lagging mirror (docs/decisions/0010-mirror-lag.md).
 */
import { lagExpired, nextLag } from "../../shared/domain/pipeline/lag";
import type { ReleaseRecord } from "../../shared/domain/pipeline/record";
import { completeStep, emit } from "../../shared/pipeline/complete";
import type { IngestDeps } from "../../shared/ports/deps";

export async function fanOut(deps: IngestDeps, r: ReleaseRecord): Promise<void> {
  const job = [{ v: 1 as const, id: r.id }];
  if (r.steps.ingest?.status === "done") await Promise.all([deps.queues.sbom.send(job), deps.queues.advisories.send(job)]);
  if (r.sha256) await deps.queues.log.send(job);
}

/**
 * Marks the release, raises the alert, and — when PAUSE's signed CHECKSUMS says what the upload
 * is — still logs the upload with the signed sha256 and size, not the bytes the mirror served.
 * The alert is public: it carries only what was verified or signed. The hash of bytes that failed
 * verification stays in the private record (`unverified`): published, it would tell anyone the
 * hash of whatever a hostile mirror pointed us at.
 */
export async function integrityFailure(
  deps: IngestDeps,
  r: ReleaseRecord,
  reason: string,
  detail: Record<string, unknown>,
  o: { signed?: { sha256: string; size: number }; unverified?: { sha256: string; size: number } } = {},
): Promise<void> {
  await deps.releases.update(r.id, (x) => {
    const { lag: _l, ...y } = x;
    return {
      ...y,
      ...(o.signed && !x.sha256 ? o.signed : {}),
      ...(o.unverified ? { unverified: o.unverified } : {}),
      failure: { step: "ingest", reason, integrity: true },
    };
  });
  await emit(deps, "integrity.alert", r, `${r.id}\n${reason}`, { reason, ...detail });
  const done = await completeStep(deps, r.id, "ingest", { status: "failed", reason });
  await fanOut(deps, done);
}

const hours = (ms: number) => `${Math.round((ms / 3600_000) * 10) / 10} hours`;

/**
 * The mirror is behind (no archive, no CHECKSUMS, or a CHECKSUMS that does not list the file yet):
 * record when and why, and acknowledge; watch-uploads queues it again when its retry is due, when
 * RECENT names it again, or when the author's CHECKSUMS changes. Past the deadline it fails with
 * the reason, without an alert (nothing was shown to be false) and without a log entry (nothing
 * PAUSE signed says what the upload is).
 */
export async function waitForMirror(deps: IngestDeps, r: ReleaseRecord, reason: string, after: string): Promise<void> {
  const now = deps.clock();
  const lag = nextLag(r.lag, reason, now);
  if (!lagExpired(lag, now, deps.lagDeadlineMs)) {
    await deps.releases.update(r.id, (x) => (x.steps.ingest ? undefined : { ...x, lag: nextLag(x.lag, reason, now) }));
    return;
  }
  const final = `${after} after ${hours(deps.lagDeadlineMs)}`;
  await deps.releases.update(r.id, (x) => (x.steps.ingest ? undefined : { ...x, lag, failure: { step: "ingest", reason: final, lag: true } }));
  const done = await completeStep(deps, r.id, "ingest", { status: "failed", reason: final });
  await fanOut(deps, done);
}
