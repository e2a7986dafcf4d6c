/** What one watch-uploads pass did, and the limits it works under. */
import type { Ignored } from "../../shared/domain/cpan/recent";
import { FETCH_LIMITS } from "../../shared/domain/fetch-limits";

export const CURSOR = "recent-epoch";

/** The most a RECENT file may be (read while streaming, stopped at the limit). */
export const RECENT_MAX_BYTES = FETCH_LIMITS.recent;

export interface WatchResult {
  readonly file: string;
  readonly queued: number;
  readonly removed: number;
  /** Releases waiting for a lagging mirror whose retry was due, queued again. */
  readonly retried?: number;
  readonly cursor?: string;
  /** Set when even the longest RECENT file does not reach back to the cursor: uploads may be missing. */
  readonly gap?: string;
  /** Events not acted on, with why (dated in the future, a path not in the upload shape). */
  readonly ignored?: readonly Ignored[];
}
