/** What the pipeline's use cases are wired with: ports only, so embedded and AWS wire the same code. */
import type { PublicKey } from "openpgp";
import type { LogDeps } from "../../functions/append-log/append-log";
import type { Feed } from "../domain/advisories/feed";
import type { PackagesIndex } from "../domain/cpan/packages";
import type { IngestJob, NotifyJob, StepJob } from "../messages/jobs";
import type { BlobStore, CursorStore, EventStore, FindingStore, JobQueue, MatchIndex, Mirror, ReleaseStore } from "../ports";
import type { MatchInputs } from "./match-inputs";

export interface PipelineDeps {
  readonly mirror: Mirror;
  readonly blobs: BlobStore;
  readonly releases: ReleaseStore;
  readonly cursors: CursorStore;
  readonly findings: FindingStore;
  readonly events: EventStore;
  readonly matchIndex: MatchIndex;
  readonly queues: {
    readonly ingest: JobQueue<IngestJob>;
    readonly sbom: JobQueue<StepJob>;
    readonly advisories: JobQueue<StepJob>;
    readonly log: JobQueue<StepJob>;
    readonly notify: JobQueue<NotifyJob>;
  };
  readonly log: LogDeps;
  /** Keys trusted to sign CHECKSUMS (PAUSE's batch key in production). */
  readonly trustedKeys: readonly PublicKey[];
  /** The advisory feed in use (undefined: matching is skipped and says so). */
  readonly feed: () => Promise<Feed | undefined>;
  readonly packages: () => Promise<PackagesIndex | undefined>;
  /** The feed and 02packages the pointers name now, with their identity (match-advisories). */
  readonly matchInputs: () => Promise<MatchInputs>;
  readonly clock: () => Date;
  readonly tool: { readonly name: string; readonly version: string };
  /** How many receives a mismatching CHECKSUMS entry gets (mirror lag) before it is an integrity alert. */
  readonly checksumRetries: number;
  /**
   * How long an upload may wait for a lagging mirror (the archive, its CHECKSUMS, or its entry in
   * it not there yet) before it fails with that reason (docs/decisions/0010-mirror-lag.md).
   */
  readonly lagDeadlineMs: number;
}
