/**
 * match-advisories: findings for a stored release against the feed in use (self, bundled,
 * dependency), stored as advisories.json and in the findings table; a release.vulnerable event
 * when an advisory affects the release itself or code bundled in it.
 */
import type { Feed } from "../../shared/domain/advisories/feed";
import { isReleaseFinding, matchRelease } from "../../shared/domain/advisories/findings";
import { type CompiledFeed, compileFeed } from "../../shared/domain/advisories/match";
import { advisoriesKey } from "../../shared/domain/pipeline/keys";
import { moduleResolver } from "../../shared/domain/sbom/resolve";
import type { StepJob } from "../../shared/messages/jobs";
import { announceIfComplete, completeStep, emit } from "../../shared/pipeline/complete";
import type { PipelineDeps } from "../../shared/pipeline/deps";
import { loadRelease } from "../../shared/pipeline/load-release";

/** Compiling the feed takes tens of milliseconds: once per feed, not once per release. */
const compiled = new WeakMap<Feed, { strict: CompiledFeed; audit: CompiledFeed }>();
function compile(feed: Feed): { strict: CompiledFeed; audit: CompiledFeed } {
  let c = compiled.get(feed);
  if (!c) compiled.set(feed, (c = { strict: compileFeed(feed, "strict"), audit: compileFeed(feed, "cpan-audit") }));
  return c;
}

export async function matchAdvisories(deps: PipelineDeps, job: StepJob): Promise<void> {
  const { record, release } = await loadRelease(deps, job.id);
  if (record.steps.advisories) return announceIfComplete(deps, record); // a redelivery: finish what the first run may not have
  const feed = await deps.feed();
  if (!feed || !release.distribution || !release.version) {
    const reason = !feed ? "no advisory feed configured" : "no distribution name and version to match";
    await deps.blobs.publish(advisoriesKey(record), new TextEncoder().encode(`${JSON.stringify({ release: { id: record.id }, findings: [], skipped: reason }, null, 2)}\n`));
    await completeStep(deps, record.id, "advisories", { status: "done", reason });
    return;
  }
  const { strict, audit } = compile(feed);
  const resolve = moduleResolver(await deps.packages(), feed.module2dist);
  const { findings, scope, prerequisites } = matchRelease(strict, audit, { distribution: release.distribution, version: release.version, ...(release.meta ? { prereqs: release.meta.prereqs } : {}) }, { resolve });
  const doc = { release: { id: record.id, distribution: release.distribution, version: release.version, sha256: release.archive.sha256 }, feed: feed.version, mode: "strict", scope, prerequisites, findings };
  await deps.blobs.publish(advisoriesKey(record), new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`));
  await deps.findings.replace(record.id, findings);
  const direct = findings.filter(isReleaseFinding);
  if (direct.length) {
    await emit(deps, "release.vulnerable", record, `${record.id}\n${feed.version.sha256}`, {
      advisories: direct.map((f) => ({ id: f.advisory, kind: f.kind, severity: f.severity, cves: f.cves })),
    }, { advisories: advisoriesKey(record) });
  }
  await completeStep(deps, record.id, "advisories", { status: "done" });
}
