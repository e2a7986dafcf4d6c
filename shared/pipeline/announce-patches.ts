/**
 * `patch.published`: for each patch a finding on the release itself (self, bundled) names that
 * its stored findings did not name, one event per (release, patch bytes). Called before the
 * findings are replaced, like announceFindings: a crash in between raises the same event ids.
 * A new revision is new bytes, so it is announced too; a patch withdrawn is not an event.
 */
import { releasePatches } from "../domain/patches/citations";
import { advisoriesKey } from "../domain/pipeline/keys";
import type { ReleaseRecord } from "../domain/pipeline/record";
import type { Finding } from "../domain/advisories/findings";
import type { PatchPublishedDetail } from "../messages/events";
import type { RecordMatchDeps } from "../ports/deps";
import { emit } from "./complete";

export async function announcePatches(deps: RecordMatchDeps, r: ReleaseRecord, findings: readonly Finding[]): Promise<number> {
  const now = releasePatches(findings);
  if (!now.size) return 0;
  const before = releasePatches(await deps.findings.byRelease(r.id));
  let raised = 0;
  for (const [sha, { patch, findings: cited }] of now) {
    if (before.has(sha)) continue;
    const detail: PatchPublishedDetail = {
      patch: {
        path: patch.path,
        url: patch.url,
        sha256: patch.sha256,
        cve: patch.cve,
        revision: patch.revision,
        ...(patch.patched ? { patched: patch.patched } : {}),
      },
      advisories: cited.map((f) => ({ id: f.advisory, kind: f.kind, severity: f.severity, cves: f.cves })),
    };
    await emit(deps, "patch.published", r, `${r.id}\n${sha}`, detail as unknown as Record<string, unknown>, { advisories: advisoriesKey(r) });
    raised++;
  }
  return raised;
}
