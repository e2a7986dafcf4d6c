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
import { type MatchSubject, advisoriesDocument } from "../../shared/domain/pipeline/documents";
import { type ReleaseRecord, sameInputs } from "../../shared/domain/pipeline/record";
import { moduleResolver } from "../../shared/domain/sbom/resolve";
import type { StepJob } from "../../shared/messages/jobs";
import { announceIfComplete, completeStep } from "../../shared/pipeline/complete";
import type { MatchInputs, MatchDeps } from "../../shared/ports/deps";
import { readMatchSubject } from "../../shared/pipeline/documents";
import { TransientError } from "../../shared/ports/errors";
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
    if (!job.force && stored?.steps.advisories && sameInputs(stored.matched, inputs.identity)) return announceIfComplete(deps, stored);
    if (!stored) throw new TransientError(`release ${job.id} is not in the releases table`);
    await matchWith(deps, stored, await readMatchSubject(deps.blobs, stored), inputs);
    // A refresh that moved the pointers while this ran may have queried the index before this
    // release's keys were in it: check, and match again with what they name now (0011).
    if (round === 3 || sameInputs(inputs.identity, await currentIdentity(deps.blobs))) return;
  }
}

async function matchWith(deps: MatchDeps, record: ReleaseRecord, release: MatchSubject, inputs: MatchInputs): Promise<void> {
  const { feed, packages } = inputs;
  const resolve = moduleResolver(packages, feed?.module2dist);
  const about = { id: record.id, distribution: release.distribution, version: release.version, sha256: release.sha256 };
  if (!feed || !release.distribution || !release.version) {
    const reason = !feed ? NO_FEED : "no distribution name and version to match";
    await recordMatch(deps, record, release, [], advisoriesDocument(about, { skipped: reason }), inputs, resolve);
    await completeStep(deps, record.id, "advisories", { status: "done", reason });
    return;
  }
  const { strict, audit } = compile(feed);
  const matched = matchRelease(
    strict,
    audit,
    { distribution: release.distribution, version: release.version, ...(release.prereqs ? { prereqs: release.prereqs } : {}) },
    { resolve },
  );
  // The overlay is asked only when there are patches to name (on AWS it is a read of its model).
  const built = inputs.patches?.patches.length ? await deps.patched?.() : undefined;
  const findings = withPatches(matched.findings, { distribution: release.distribution, version: release.version }, inputs.patches, built);
  const doc = advisoriesDocument(about, {
    feed: feed.version,
    verified: inputs.trust,
    ...(inputs.patches && inputs.identity.patches ? { patches: { sha256: inputs.identity.patches, source: inputs.patches.source } } : {}),
    mode: "strict",
    match: { ...matched, findings },
    notAffected: notAffected(strict, release.distribution, release.version),
  });
  // Events before the findings are replaced: a crash in between is redone with the same event ids.
  await announceFindings(deps, record, findings, feed.version.sha256);
  await announcePatches(deps, record, findings);
  await recordMatch(deps, record, release, findings, doc, inputs, resolve);
  await completeStep(deps, record.id, "advisories", { status: "done" });
}
