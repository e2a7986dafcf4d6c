import { parseDocument } from "yaml";
import { simpleYaml } from "./yaml-simple";

export class MetaSyntaxError extends Error {
  override readonly name = "MetaSyntaxError";
}

export const MAX_META_BYTES = 4 * 2 ** 20;
const MAX_YAML_ALIASES = 50;
/**
 * Nesting past this is refused before the library reads the document: the library recurses, and
 * where its stack overflows depends on the thread (a scan thread's stack is larger than the main
 * thread's), so without a fixed limit the same META.yml would read on one thread and not another.
 * No real META comes near it; the main thread overflowed between 600 and 1,000 levels.
 */
export const MAX_YAML_DEPTH = 256;

/**
 * A bound on the document's nesting: block levels (a stack of indentations) plus flow brackets,
 * counted without regard to quoting, so it can only over-count, and only for a document no
 * toolchain writes.
 */
function nestingBound(text: string): number {
  const indents: number[] = [];
  let block = 0;
  let flow = 0;
  let maxFlow = 0;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === 32) {
        indent++;
        continue;
      }
      lineStart = false;
      while (indents.length && (indents.at(-1) as number) >= indent) indents.pop();
      indents.push(indent);
      if (indents.length > block) block = indents.length;
    }
    if (c === 91 || c === 123) {
      if (++flow > maxFlow) maxFlow = flow;
    } else if (c === 93 || c === 125) flow--;
  }
  return block + maxFlow;
}

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
  if (nestingBound(text) > MAX_YAML_DEPTH) throw new MetaSyntaxError(`${file} nests deeper than ${MAX_YAML_DEPTH} levels`);
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
