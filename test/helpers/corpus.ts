import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readArchive } from "../../shared/domain/cpan/archive";
import { fixturePath } from "./fixtures";
import { sharedPath } from "./shared-data";

export interface CorpusMeta {
  archive: string;
  source: "META.json" | "META.yml";
  bytes: Uint8Array;
}

const archivesIn = (dir: string) => readdirSync(dir).filter((f) => /\.(tar\.(gz|bz2|xz)|tgz|zip)$/.test(f));

/** ../shared/corpus (300 real archives) when it is beside the clone: it widens the corpus tests. */
export const fullCorpus = sharedPath("corpus");

/**
 * The real-archive corpus: the dozen in test/fixtures/corpus (always there), plus every archive of
 * ../shared/corpus when present; sorted by file name, each name once.
 */
export function corpusFiles(): string[] {
  const byName = new Map<string, string>();
  for (const dir of [fixturePath("corpus"), fullCorpus].filter((d): d is string => !!d)) for (const f of archivesIn(dir)) byName.set(f, join(dir, f));
  return [...byName.keys()].sort().map((f) => byName.get(f) as string);
}

/** Every top-level META.json and META.yml in the corpus. */
export async function corpusMetas(): Promise<CorpusMeta[]> {
  const out: CorpusMeta[] = [];
  for (const file of corpusFiles()) {
    const a = await readArchive(readFileSync(file), { keep: (p) => /^[^/]+\/META\.(json|yml)$/.test(p) });
    for (const [path, bytes] of a.files) out.push({ archive: file, source: path.endsWith(".json") ? "META.json" : "META.yml", bytes });
  }
  return out;
}
