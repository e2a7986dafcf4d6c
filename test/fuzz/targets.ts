/**
 * Every fuzz target: each parser of outside data, its input generators (structure-aware and
 * mutation), and the errors it may throw. Seeds that take async work to build (archives, keys)
 * are made once, here.
 */
import type { FuzzTarget } from "./harness";
import { archiveTargets } from "./gen/archive";
import { checksumsTargets } from "./gen/checksums";
import { documentTargets } from "./gen/documents";
import { httpTargets } from "./gen/http";
import { notifyTargets } from "./gen/notify";
import { proofFileTargets } from "./gen/proof-file";
import { recentTargets } from "./gen/recent";
import { buildSeeds } from "./gen/seeds";
import { tlogTargets } from "./gen/tlog";
import { typeflagTargets } from "./gen/typeflags";
import { versionTargets } from "./gen/versions";

export interface Registry {
  readonly targets: FuzzTarget[];
  /** What could not be seeded (the ../shared folder missing), said out loud. */
  readonly notes: readonly string[];
}

export async function buildTargets(): Promise<Registry> {
  const seeds = await buildSeeds();
  const targets = [
    ...archiveTargets(seeds),
    ...documentTargets(seeds),
    ...(await checksumsTargets(seeds)),
    ...typeflagTargets,
    ...versionTargets,
    ...recentTargets,
    ...tlogTargets,
    ...notifyTargets,
    ...httpTargets,
    ...proofFileTargets,
  ];
  return { targets, notes: seeds.notes };
}
