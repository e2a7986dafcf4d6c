/**
 * A release as the pipeline tracks it (the `releases` table): one item per AUTHOR/filename, the
 * state of each step, and the rule that decides when it is done.
 */
export interface LagState {
  /** When ingest first found the mirror behind (ISO time): the deadline counts from here. */
  readonly since: string;
  readonly attempts: number;
  /** When the retry sweep queues it again (ISO time). */
  readonly nextAt: string;
  readonly reason: string;
}

export type StepName = "ingest" | "sbom" | "advisories" | "log";
export type StepStatus = "done" | "failed";

export interface StepState {
  readonly status: StepStatus;
  readonly at: string;
  readonly reason?: string;
}

/** The inputs a match used: what decides whether a stored answer is still the current one. */
export interface MatchIdentity {
  /** The feed's sha256, and the fingerprint of the key that verified its signature (null: unverified). */
  readonly feed: string | null;
  readonly feedKey: string | null;
  readonly packages: string | null;
  /** The patch snapshot's sha256 (absent in records from before patches were matched: none). */
  readonly patches?: string | null;
}

export interface MatchedWith extends MatchIdentity {
  readonly keys: readonly string[];
}

export const sameInputs = (a: MatchIdentity | undefined, b: MatchIdentity) =>
  !!a && a.feed === b.feed && (a.feedKey ?? null) === b.feedKey && a.packages === b.packages && (a.patches ?? null) === (b.patches ?? null);

export interface ReleaseRecord {
  /** AUTHOR/filename: PAUSE never accepts a filename twice, so this never changes meaning. */
  readonly id: string;
  readonly path: string;
  readonly author: string;
  readonly filename: string;
  /** The RECENT epoch, as written. */
  readonly uploaded: string;
  readonly seenAt: string;
  readonly removed?: { readonly epoch: string };
  readonly sha256?: string;
  readonly size?: number;
  readonly distribution?: string;
  readonly version?: string;
  readonly steps: Partial<Record<StepName, StepState>>;
  /**
   * Why the release could not be processed (bad archive, integrity failure, a mirror that never
   * caught up: `lag`), if it could not.
   */
  readonly failure?: { readonly step: StepName; readonly reason: string; readonly integrity?: boolean; readonly lag?: boolean };
  /** Set while the mirror lags (the archive or its CHECKSUMS entry not there yet), and kept if that fails it. */
  readonly lag?: LagState;
  /** What a mirror served that failed verification: kept here (private), never put in an event. */
  readonly unverified?: { readonly sha256: string; readonly size: number };
  /** How many times a release failed for lag was reopened (each run of it is announced anew). */
  readonly reopened?: number;
  /**
   * What the release's findings were last computed from (match-advisories): the feed's and the
   * 02packages index's sha256 (null: none), and the match-index keys written for it.
   */
  readonly matched?: MatchedWith;
  /** Set once, by whichever step saw the release complete. */
  readonly completedAt?: string;
  /** Bumped by the store on every write (optimistic concurrency). */
  readonly revision: number;
}

/**
 * The steps a release needs: all four; ingest + log for an upload that failed ingest (the upload
 * happened, so it is logged, with PAUSE's signed sha256 when the mirror's bytes did not match);
 * ingest alone when no trustworthy sha256 exists (a bad signature, never listed in CHECKSUMS).
 */
export function requiredSteps(r: ReleaseRecord): StepName[] {
  if ((r.failure?.integrity || r.failure?.lag) && !r.sha256) return ["ingest"];
  if (r.steps.ingest?.status === "failed") return ["ingest", "log"];
  return ["ingest", "sbom", "advisories", "log"];
}

export function isComplete(r: ReleaseRecord): boolean {
  return requiredSteps(r).every((s) => r.steps[s] !== undefined);
}

export type TerminalState = "processed" | "failed" | "pending";

export function terminalState(r: ReleaseRecord): TerminalState {
  if (!isComplete(r)) return "pending";
  return r.failure || Object.values(r.steps).some((s) => s?.status === "failed") ? "failed" : "processed";
}

export function withStep(r: ReleaseRecord, step: StepName, state: StepState): ReleaseRecord {
  return { ...r, steps: { ...r.steps, [step]: state } };
}

export const releaseId = (author: string, filename: string) => `${author}/${filename}`;
