import { parseDocument } from "yaml";
import { simpleYaml } from "./yaml-simple";

export class MetaSyntaxError extends Error {
  override readonly name = "MetaSyntaxError";
}

export const MAX_META_BYTES = 4 * 2 ** 20;
const MAX_YAML_ALIASES = 50;

function decode(file: string, bytes: Uint8Array, fallbackLatin1: boolean, problems: string[]): string {
  if (bytes.byteLength > MAX_META_BYTES) throw new MetaSyntaxError(`${file} is ${bytes.byteLength} bytes, over the ${MAX_META_BYTES}-byte limit`);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    if (!fallbackLatin1) throw new MetaSyntaxError(`${file} is not valid UTF-8`);
    problems.push(`${file} is not valid UTF-8; read as Latin-1`);
    return new TextDecoder("latin1").decode(bytes);
  }
}

/** META.json as Parse::CPAN::Meta reads it (JSON, UTF-8). Returns the raw structure. */
export function loadMetaJson(bytes: Uint8Array, problems: string[] = [], file = "META.json"): unknown {
  const text = decode(file, bytes, false, problems);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MetaSyntaxError(`${file}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * META.yml with YAML's failsafe schema: every scalar stays the string it was written as
 * (`version: 1.10` must not become the number 1.1), `~` is null as in YAML::Tiny, and alias
 * expansion is capped so a "billion laughs" document fails fast instead of eating memory.
 */
export function loadMetaYaml(bytes: Uint8Array, problems: string[] = [], file = "META.yml"): unknown {
  const text = decode(file, bytes, true, problems);
  // The toolchain's usual shape is read without the library, to the same answer (./yaml-simple.ts).
  const simple = simpleYaml(text);
  if (simple !== undefined) return tildeToNull(simple);
  // logLevel "error": the library's warnings (a collection used as a key, say) go to
  // process.emitWarning, and an uploader must not be able to write to our logs with them.
  const doc = parseDocument(text, { schema: "failsafe", uniqueKeys: false, strict: false, prettyErrors: false, logLevel: "error" });
  if (doc.errors.length > 0) throw new MetaSyntaxError(`${file}: ${doc.errors[0]?.message.split("\n")[0]}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    throw new MetaSyntaxError(`${file}: ${(e as Error).message}`, { cause: e });
  }
  return tildeToNull(value);
}

function tildeToNull(v: unknown): unknown {
  if (v === "~") return null;
  if (Array.isArray(v)) return v.map(tildeToNull);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tildeToNull(x)]));
  return v;
}
