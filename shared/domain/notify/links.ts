/** Which stored results an event links to: the keys of the steps that have written theirs. */
import type { ReleaseRecord } from "../pipeline/record";
import { advisoriesKey, cyclonedxKey, logJsonKey, releaseJsonKey, spdxKey, tlogProofKey, vexKey } from "../pipeline/keys";

export function resultLinks(r: ReleaseRecord): Record<string, string> {
  const done = (s: keyof ReleaseRecord["steps"]) => r.steps[s]?.status === "done";
  return {
    ...(done("ingest") ? { release: releaseJsonKey(r) } : {}),
    ...(done("sbom") ? { sbomCycloneDx: cyclonedxKey(r), sbomSpdx: spdxKey(r) } : {}),
    ...(done("advisories") ? { advisories: advisoriesKey(r) } : {}),
    // Written by whichever of the two steps finished second (shared/pipeline/write-vex.ts).
    ...(done("sbom") && done("advisories") ? { vex: vexKey(r) } : {}),
    ...(done("log") ? { log: logJsonKey(r), logProof: tlogProofKey(r) } : {}),
  };
}
