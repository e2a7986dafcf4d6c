/** The short lines of `cpansec run`: the feed's version, the patch registry, the overlay and an idle pass. */
import type { RefreshResult } from "../functions/refresh-advisories/refresh-advisories";
import type { RefreshOutcome } from "../functions/refresh-advisories/refresh-sequence";
import type { WatchResult } from "../functions/watch-uploads/watch-uploads";
import type { FeedVersion } from "../shared/domain/advisories/feed";
import type { RunSummary } from "./run-summary";

/** A feed version as people can tell them apart: its date and commit when it says, always its digest. */
export function feedVersion(v: FeedVersion): string {
  const said = [v.date, v.commit ? `commit ${v.commit.slice(0, 12)}` : undefined].filter(Boolean).join(", ");
  return `${said || "no date or commit in the feed"}; sha256 ${v.sha256.slice(0, 16)}`;
}

export function feedLine(f: RefreshResult): string {
  if (f.status === "rejected")
    return `advisory feed: rejected (${f.reason}); NOT USED, ${f.feed ? `the previous feed stays in use (${feedVersion(f.feed)})` : "no feed in use: no advisory findings"}`;
  const trust = f.verified ? `signature verified by ${f.verified.key}` : "signature not checked (no --feed-key)";
  return `advisory feed: ${f.status} (${feedVersion(f.feed)}), ${trust}`;
}

/** The patch registry's line: what is in force, what was refused, or why the source could not be read. */
export function patchesLine(p: NonNullable<RefreshOutcome["patches"]>): string {
  if (p.status === "failed") return `WARNING patches: the source could not be read (${p.problem}); the registry in use stays`;
  return `patches: ${p.status} (${p.patches} in force${p.problems ? `, ${p.problems} refused: cpansec patch list SOURCE says why` : ""}; sha256 ${p.sha256.slice(0, 16)})`;
}

/**
 * The overlay's lines, once it holds an archive: where it is (serve it as a CPAN mirror), what this
 * pass added, and each archive that could not be built or whose log entry disagrees.
 */
export function overlayLines(o: NonNullable<RefreshOutcome["overlay"]>, dir: string): string[] {
  if (!o.archives && !o.failed.length) return [];
  return [
    `patched CPAN overlay: ${dir} (${o.archives} patched archive(s), ${o.added.length} added${o.queued ? `, ${o.queued} release(s) re-matched to name them` : ""})`,
    ...o.added.map((p) => `  added ${p}`),
    ...o.failed.map((f) => `  WARNING not patched ${f.path}: ${f.error}`),
    ...o.mismatched.map((p) => `  WARNING ${p}: the log already holds other bytes under this path`),
  ];
}

const counts = (s: RunSummary) => JSON.stringify([s.releases, s.failures.length, s.findings, s.log.size, s.events, s.notifications, s.deadLetters.length]);

/** Whether a pass did or found anything the previous one had not (the first pass always has). */
export function passChanged(previous: RunSummary | undefined, s: RunSummary, w: WatchResult, feed?: RefreshResult, rematched?: number): boolean {
  return (
    !previous ||
    w.queued > 0 ||
    w.removed > 0 ||
    !!w.gap ||
    !!rematched ||
    (feed !== undefined && feed.status !== "unchanged") ||
    counts(previous) !== counts(s)
  );
}

export function idleLine(at: Date, file: string, s: RunSummary, interval?: number): string {
  const alerts = s.failures.filter((f) => f.integrity).length;
  return `${at.toISOString()} no new uploads in ${file}: ${s.releases.processed} processed, ${s.releases.failed} failed, ${alerts} integrity alert(s), ${s.deadLetters.length} dead letter(s), log ${s.log.size}${interval ? `; next pass in ${interval} s` : ""}`;
}
