/**
 * The counts `cpansec run` prints after every pass (cli/run-summary.ts), each from an index of the
 * embedded store, so that a pass with nothing to do does not read, let alone parse, every stored
 * release, finding and event: a findings row runs to tens of KB (a dependency finding cites every
 * advisory on its distribution), and a watch passes every minute.
 *
 * The indexes are partial indexes on expressions; SQLite keeps them as rows change and reads an
 * expression's value from the index when a query names the same expression, so each query below
 * is built from the same text as its index.
 */
import type Database from "better-sqlite3";
import type { RangeFinding } from "../../domain/advisories/findings";
import type { StepName, TerminalState } from "../../domain/pipeline/record";

const STEPS: readonly StepName[] = ["ingest", "sbom", "advisories", "log"];
const has = (step: StepName) => `json_type(data, '$.steps.${step}') IS NOT NULL`;

/** isComplete (shared/domain/pipeline/record.ts) over a release's JSON: its requiredSteps all present. */
const COMPLETE = `CASE
  WHEN (json_extract(data, '$.failure.integrity') OR json_extract(data, '$.failure.lag')) AND coalesce(json_extract(data, '$.sha256'), '') = '' THEN ${has("ingest")}
  WHEN json_extract(data, '$.steps.ingest.status') = 'failed' THEN ${has("ingest")} AND ${has("log")}
  ELSE ${STEPS.map(has).join(" AND ")} END`;

/** terminalState over a release's JSON (test/adapters/embedded-summary.test.ts compares the two). */
const STATE = `CASE WHEN NOT (${COMPLETE}) THEN 'pending'
  WHEN json_extract(data, '$.failure') IS NOT NULL OR ${STEPS.map((s) => `json_extract(data, '$.steps.${s}.status') = 'failed'`).join(" OR ")} THEN 'failed'
  ELSE 'processed' END`;

const FAILED = "tbl = 'releases' AND json_extract(data, '$.failure') IS NOT NULL";

/**
 * A finding of the release itself or of its bundled code, told by its key alone (the row's sk is
 * `${findingKey}#${i}`): a range finding's key is `${kind}:${distribution}`, a release finding's
 * its advisory id (CPANSA-..., or a CVE id from --cve records). An advisory id that began so would
 * be taken for a range finding here, as byAdvisory already takes the two keys for one. The range
 * findings' data is never read.
 */
const RANGE_KINDS: readonly RangeFinding["kind"][] = ["dependency", "interpreter"];
const RELEASE_FINDING = `tbl = 'findings' AND ${RANGE_KINDS.map((k) => `substr(sk, 1, ${k.length + 1}) <> '${k}:'`).join(" AND ")}`;

const DELIVERY_STATUS = "json_extract(data, '$.status')";

/** Added to the store's schema (sqlite-db.ts). Created on an existing store when it is next opened. */
export const SUMMARY_SCHEMA = `
CREATE INDEX IF NOT EXISTS items_release_state ON items (tbl, (${STATE})) WHERE tbl = 'releases';
CREATE INDEX IF NOT EXISTS items_release_failed ON items (tbl, pk) WHERE ${FAILED};
CREATE INDEX IF NOT EXISTS items_release_findings ON items (tbl, pk, sk, json_extract(data, '$.severity')) WHERE ${RELEASE_FINDING};
CREATE INDEX IF NOT EXISTS items_delivery_status ON items (tbl, ${DELIVERY_STATUS}) WHERE tbl = 'deliveries';
`;

/** The queries, exported for the tests that check which index serves each. */
export const SUMMARY_SQL = {
  /** One state's count (a GROUP BY would read each row's data: SQLite takes the grouped expression from the table). */
  state: `SELECT COUNT(*) AS n FROM items WHERE tbl = 'releases' AND ${STATE} = ?`,
  failures: `SELECT pk AS id, json_extract(data, '$.failure.reason') AS reason, json_extract(data, '$.failure.integrity') AS integrity FROM items WHERE ${FAILED} ORDER BY pk`,
  findings: `SELECT pk, json_extract(data, '$.severity') AS severity FROM items WHERE ${RELEASE_FINDING} ORDER BY pk, sk`,
  events: "SELECT COUNT(*) AS n FROM items WHERE tbl = 'events'",
  delivered: `SELECT COUNT(*) AS n FROM items WHERE tbl = 'deliveries' AND ${DELIVERY_STATUS} = 'delivered'`,
} as const;

export interface StoreSummary {
  readonly releases: Record<TerminalState, number>;
  /** Each release with a failure, by id. */
  readonly failures: { id: string; reason: string; integrity: boolean }[];
  /** Findings on the releases themselves or their bundled code, by severity ("unrated": none), in the order first met by release id. */
  readonly findings: Record<string, number>;
  /** The releases with such a finding, sorted. */
  readonly vulnerable: string[];
  readonly events: number;
  readonly delivered: number;
}

export function embeddedSummary(db: Database.Database): () => StoreSummary {
  const state = db.prepare<[TerminalState], { n: number }>(SUMMARY_SQL.state);
  const failures = db.prepare<[], { id: string; reason: unknown; integrity: unknown }>(SUMMARY_SQL.failures);
  const findings = db.prepare<[], { pk: string; severity: string | null }>(SUMMARY_SQL.findings);
  const count = (sql: string) => db.prepare<[], { n: number }>(sql);
  const events = count(SUMMARY_SQL.events);
  const delivered = count(SUMMARY_SQL.delivered);
  return () => {
    const inState = (s: TerminalState) => state.get(s)?.n ?? 0;
    const releases = { processed: inState("processed"), failed: inState("failed"), pending: inState("pending") };
    const bySeverity: Record<string, number> = {};
    const vulnerable = new Set<string>();
    for (const f of findings.all()) {
      const severity = f.severity ?? "unrated";
      bySeverity[severity] = (bySeverity[severity] ?? 0) + 1;
      vulnerable.add(f.pk);
    }
    return {
      releases,
      failures: failures.all().map((r) => ({ id: r.id, reason: (r.reason ?? "") as string, integrity: !!r.integrity })),
      findings: bySeverity,
      vulnerable: [...vulnerable].sort(),
      events: events.get()?.n ?? 0,
      delivered: delivered.get()?.n ?? 0,
    };
  };
}
