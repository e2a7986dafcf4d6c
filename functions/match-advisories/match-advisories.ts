/**
 * match-advisories: findings for a stored release against the feed and 02packages in use (self,
 * bundled, dependency), stored as advisories.json and in the findings table, with the release's
 * match-index keys, and the advisories on its own distribution it is outside of (notAffected, what
 * the VEX states as not_affected). The first match with a feed raises release.vulnerable when an advisory affects
 * the release itself or code bundled in it; a re-match (the refresh queues one when a change can
 * alter the answer) raises advisory.published for each finding that is new or changed. Findings
 * name the CPANSec patches in force for them; one newly named raises patch.published.
 */
import type { Feed } from "../../shared/domain/advisories/feed";
import { matchRelease } from "../../shared/domain/advisories/findings";
import { type CompiledFeed, compileFeed } from "../../shared/domain/advisories/match";
import { notAffected } from "../../shared/domain/advisories/not-affected";
import type { Release } from "../../shared/domain/cpan/release";
import { type ReleaseRecord, sameInputs } from "../../shared/domain/pipeline/record";
import { moduleResolver } from "../../shared/domain/sbom/resolve";
import type { StepJob } from "../../shared/messages/jobs";
import { announceIfComplete, completeStep } from "../../shared/pipeline/complete";
import type { MatchInputs, MatchDeps } from "../../shared/ports/deps";
import { loadRelease } from "../../shared/pipeline/load-release";
import { currentIdentity } from "../../shared/pipeline/match-inputs";
import { announceFindings, recordMatch } from "../../shared/pipeline/record-match";
import { announcePatches } from "../../shared/pipeline/announce-patches";
import { withPatches } from "../../shared/domain/patches/citations";

const NO_FEED = "no advisory feed configured";

/** Compiling the feed takes tens of milliseconds: once per feed, not once per release. */
const compiled = new WeakMap<Feed, { strict: CompiledFeed; audit: CompiledFeed }>();
function compile(feed: Feed): { strict: CompiledFeed; audit: CompiledFeed } {
  let c = compiled.get(feed);
  if (!c) compiled.set(feed, (c = { strict: compileFeed(feed, "strict"), audit: compileFeed(feed, "cpan-audit") }));
  return c;
}

export async function matchAdvisories(deps: MatchDeps, job: StepJob): Promise<void> {
  for (let round = 1; ; round++) {
    const inputs = await deps.matchInputs();
    const stored = await deps.releases.get(job.id);
    // Already answered with these inputs: a redelivery. Finish what the first run may not have.
    if (stored?.steps.advisories && sameInputs(stored.matched, inputs.identity)) return announceIfComplete(deps, stored);
    const { record, release } = await loadRelease(deps, job.id);
    await matchWith(deps, record, release, inputs);
    // A refresh that moved the pointers while this ran may have queried the index before this
    // release's keys were in it: check, and match again with what they name now (0011).
    if (round === 3 || sameInputs(inputs.identity, await currentIdentity(deps.blobs))) return;
  }
}

async function matchWith(deps: MatchDeps, record: ReleaseRecord, release: Release, inputs: MatchInputs): Promise<void> {
  const { feed, packages } = inputs;
  const resolve = moduleResolver(packages, feed?.module2dist);
  const identity = { distribution: release.distribution, version: release.version };
  const releaseDoc = { id: record.id, ...identity, sha256: release.archive.sha256 };
  if (!feed || !release.distribution || !release.version) {
    const reason = !feed ? NO_FEED : "no distribution name and version to match";
    const doc = { release: releaseDoc, findings: [], skipped: reason };
    await recordMatch(deps, record, release, [], doc, inputs, resolve);
    await completeStep(deps, record.id, "advisories", { status: "done", reason });
    return;
  }
  const { strict, audit } = compile(feed);
  const matched = matchRelease(
    strict,
    audit,
    { distribution: release.distribution, version: release.version, ...(release.meta ? { prereqs: release.meta.prereqs } : {}) },
    { resolve },
  );
  const { scope, prerequisites } = matched;
  const findings = withPatches(matched.findings, { distribution: release.distribution, version: release.version }, inputs.patches);
  const unaffected = notAffected(strict, release.distribution, release.version);
  const doc = {
    release: releaseDoc,
    feed: { ...feed.version, verified: inputs.trust },
    ...(inputs.patches && inputs.identity.patches ? { patches: { sha256: inputs.identity.patches, source: inputs.patches.source } } : {}),
    mode: "strict",
    scope,
    prerequisites,
    findings,
    notAffected: unaffected,
  };
  // Events before the findings are replaced: a crash in between is redone with the same event ids.
  await announceFindings(deps, record, findings, feed.version.sha256);
  await announcePatches(deps, record, findings);
  await recordMatch(deps, record, release, findings, doc, inputs, resolve);
  await completeStep(deps, record.id, "advisories", { status: "done" });
}
