/** Both SBOMs of a release, reproducible: same input, same bytes. */
import { buildCycloneDx, serializeCycloneDx } from "./cyclonedx";
import { type SbomInput, sbomFacts } from "./input";
import { buildSpdx, serializeSpdx } from "./spdx";

export type { SbomInput } from "./input";
export { bundledKeep, detectBundled } from "./bundled";
export { moduleResolver } from "./resolve";

export interface Sboms {
  readonly cyclonedx: string;
  readonly spdx: string;
}

export function generateSboms(input: SbomInput): Sboms {
  const facts = sbomFacts(input);
  return { cyclonedx: serializeCycloneDx(buildCycloneDx(input, facts)), spdx: serializeSpdx(buildSpdx(input, facts)) };
}
