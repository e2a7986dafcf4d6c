import { type CpanMeta, convertMeta } from "./convert";
import { MetaSyntaxError, loadMetaJson, loadMetaYaml } from "./load";

export { MetaSyntaxError, convertMeta, loadMetaJson, loadMetaYaml };
export type { CpanMeta, Resources } from "./convert";
export { CPAN_META_LICENSES } from "./licenses";
export { PHASES, RELATIONSHIPS, type Phase, type Prereqs, type Relationship } from "./prereqs";

export type MetaSource = "META.json" | "META.yml";

/** Parses and converts one META file; throws MetaSyntaxError/TypeError for what cannot be read at all. */
export function parseMeta(source: MetaSource, bytes: Uint8Array, problems: string[] = []): CpanMeta {
  const raw = source === "META.json" ? loadMetaJson(bytes, problems) : loadMetaYaml(bytes, problems);
  return convertMeta(raw, problems);
}
