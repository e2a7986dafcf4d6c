import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OutboxMailer } from "../shared/adapters/embedded/outbox-mailer";
import type { DeadLetter } from "../shared/adapters/embedded/sqlite-db";
import { FEED_KEY } from "../shared/domain/notify/atom";
import { publicLink } from "../shared/domain/pipeline/keys";
import { INDEX_FILE, parsePublicationIndex } from "../shared/domain/publish/publication";
import type { EmbeddedPipeline } from "./embedded/pipeline";
import { checkpointSize } from "../shared/domain/tlog/checkpoint";
import { formatVerifierKey } from "../shared/domain/tlog/note";

export interface RunSummary {
  readonly releases: { processed: number; failed: number; pending: number };
  readonly failures: { id: string; reason: string; integrity: boolean }[];
  readonly findings: Record<string, number>;
  readonly vulnerable: string[];
  readonly log: { size: number; checkpoint: string; vkey: string };
  readonly events: number;
  /** Deliveries: made, waiting on the deliver queue (a retry due later), and dead-lettered. */
  readonly notifications: { subscriptions: number; delivered: number; waiting: number; dead: number; feed?: string; outbox?: string };
  readonly deadLetters: { queue: string; body: unknown; reason: string }[];
  /** The published advisory index (publish-advisories), once there is one. */
  readonly published?: { index: string; records: number; documents: number; problems: number };
}

/**
 * After every pass, watch mode included: each count comes from an index of the store
 * (EmbeddedDb.summary), never from reading every release, finding or event.
 */
export async function summarize(p: EmbeddedPipeline): Promise<RunSummary> {
  const stored = p.db.summary();
  const head = (await p.deps.log.head.read()) ?? "";
  const deadLetters = p.db.deadLetters();
  return {
    releases: stored.releases,
    failures: stored.failures,
    findings: stored.findings,
    vulnerable: stored.vulnerable,
    log: { size: head ? checkpointSize(head) : 0, checkpoint: head, vkey: formatVerifierKey(p.deps.log.signer) },
    events: stored.events,
    deadLetters: deadLetters.map((d) => ({ queue: d.queue, body: d.body, reason: d.reason })),
    notifications: await notificationSummary(p, stored.delivered, deadLetters),
    ...(await publishedSummary(p)),
  };
}

async function publishedSummary(p: EmbeddedPipeline): Promise<Pick<RunSummary, "published">> {
  const bytes = await p.deps.publication.store.read(INDEX_FILE);
  if (!bytes) return {};
  const i = parsePublicationIndex(bytes);
  const index = fileURLToPath(p.notify.links.result(publicLink(INDEX_FILE)));
  return { published: { index, records: i.osv.records, documents: i.csaf.documents, problems: i.problems.length } };
}

async function notificationSummary(p: EmbeddedPipeline, delivered: number, dead: readonly DeadLetter[]): Promise<RunSummary["notifications"]> {
  const feed = fileURLToPath(p.notify.links.result(FEED_KEY));
  const outbox = p.notify.mailer instanceof OutboxMailer ? p.notify.mailer.dir : undefined;
  return {
    subscriptions: (await p.notify.subscriptions.list()).length,
    delivered,
    waiting: p.db.queued("deliver"),
    dead: dead.filter((d) => d.queue === "deliver").length,
    ...(existsSync(feed) ? { feed } : {}),
    ...(outbox && existsSync(outbox) ? { outbox } : {}),
  };
}

export function printSummary(s: RunSummary, data: string, out: (line: string) => void): void {
  out(`releases: ${s.releases.processed} processed, ${s.releases.failed} failed, ${s.releases.pending} pending`);
  for (const f of s.failures) out(`  ${f.integrity ? "INTEGRITY ALERT" : "failed"}: ${f.id}: ${f.reason}`);
  const sev = Object.entries(s.findings)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  out(`findings on the releases themselves or their bundled code: ${sev || "none"}${s.vulnerable.length ? ` (${s.vulnerable.join(", ")})` : ""}`);
  out(`log: ${s.log.size} entries; verifier key ${s.log.vkey}`);
  out(`events: ${s.events} stored in ${join(data, "events")}`);
  const n = s.notifications;
  out(
    `notifications: ${n.subscriptions} subscription(s), ${n.delivered} delivered, ${n.waiting} waiting to retry, ${n.dead} dead-lettered${n.outbox ? `; email in ${n.outbox}` : ""}${n.feed ? `; Atom feed ${n.feed}` : ""}`,
  );
  if (s.deadLetters.length) {
    out(`DEAD LETTERS: ${s.deadLetters.length}`);
    for (const d of s.deadLetters) out(`  ${d.queue} ${JSON.stringify(d.body)}: ${d.reason}`);
  } else out("dead letters: none");
  if (s.published) {
    const pub = s.published;
    out(
      `published advisory index: ${pub.index} (${pub.records} OSV records under osv/, ${pub.documents} CSAF advisories under csaf/${pub.problems ? `, ${pub.problems} advisories not publishable` : ""})`,
    );
  }
  out(`results: ${join(data, "releases")}/<AUTHOR>/<file>/{release.json,sbom.cdx.json,sbom.spdx.json,advisories.json,vex.cdx.json,log.json,upload.tlog-proof}`);
  out(`verify the log: npx cpansec log verify --log ${join(data, "log")} --vkey '${s.log.vkey}'`);
}
