import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readArchive } from "../../shared/domain/cpan/archive";
import { sharedPath } from "./shared-data";

export interface CorpusMeta {
  archive: string;
  source: "META.json" | "META.yml";
  bytes: Uint8Array;
}

export function corpusFiles(): string[] {
  const dir = sharedPath("corpus");
  if (!dir) return [];
  return readdirSync(dir)
    .filter((f) => /\.(tar\.(gz|bz2|xz)|tgz|zip)$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Every top-level META.json and META.yml in ../shared/corpus (empty when it is absent). */
export async function corpusMetas(): Promise<CorpusMeta[]> {
  const out: CorpusMeta[] = [];
  for (const file of corpusFiles()) {
    const a = await readArchive(readFileSync(file), { keep: (p) => /^[^/]+\/META\.(json|yml)$/.test(p) });
    for (const [path, bytes] of a.files) out.push({ archive: file, source: path.endsWith(".json") ? "META.json" : "META.yml", bytes });
  }
  return out;
}
