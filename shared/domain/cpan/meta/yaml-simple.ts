/**
 * The common shape of META.yml, read without the YAML library: block mappings and sequences of
 * one-line scalars (plain, or quoted without escapes), `{}` and `[]`, comment lines and a leading
 * `---`. That is what the CPAN toolchain writes (about a third of the corpus has no META.json), and
 * the library costs about a millisecond per document where this takes a few microseconds.
 *
 * The answer is the library's, exactly (./load.ts reads with the failsafe schema: every scalar a
 * string, an empty value ""). Anything outside the subset, or anything the library would refuse,
 * returns undefined and the library reads the document: a tab, a carriage return, an anchor, a tag,
 * a flow collection with content, a multi-line scalar, a comment after a value, a repeated key.
 * test/unit/cpan/yaml-simple.test.ts holds the two equal on generated documents and the corpus.
 */

type Value = string | Value[] | { [key: string]: Value };
interface Line {
  readonly indent: number;
  /** undefined: a sequence item (`- value`, or `-` alone). */
  readonly key?: string;
  /** undefined: nothing after the colon or the dash (a nested block follows, or the value is ""). */
  readonly value?: Value;
}

/** Characters the subset reads as themselves: printable ASCII and the BMP beyond Latin-1's C1, no BOM or line separators. */
const OUTSIDE = /[^\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;
/** A plain key: no quotes, no `#`, no leading indicator or `.` (`...` ends a document); interior spaces and `::` as module names have. */
const KEY = /^[A-Za-z0-9_][^#'"]*$/;
/** A plain scalar's first character that cannot be an indicator (`-` is allowed when a non-space follows). */
const PLAIN_START = /^(?:[^-?:,[\]{}#&*!|>'"%@`\s]|-[^\s])/;

/** One value after `key: ` or `- `; undefined when outside the subset. */
function scalar(text: string): Value | undefined {
  if (text === "{}") return {};
  if (text === "[]") return [];
  const q = text[0];
  if (q === "'") {
    const m = /^'((?:[^']|'')*)'$/.exec(text);
    return m ? (m[1] as string).replaceAll("''", "'") : undefined;
  }
  if (q === '"') {
    const m = /^"([^"\\]*)"$/.exec(text);
    return m ? (m[1] as string) : undefined;
  }
  if (!PLAIN_START.test(text) || text.includes(" #") || text.includes(": ") || text.endsWith(":")) return undefined;
  return text;
}

/** Spaces (only: YAML keeps a no-break space) off both ends, in one pass whatever the line (a regex here was quadratic in a run of spaces). */
function trimSpaces(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) === 32) a++;
  while (b > a && s.charCodeAt(b - 1) === 32) b--;
  return s.slice(a, b);
}

function parseLine(raw: string): Line | null | undefined {
  let indent = 0;
  while (raw.charCodeAt(indent) === 32) indent++;
  const rest = trimSpaces(raw.slice(indent));
  if (rest === "" || rest[0] === "#") return null;
  if (rest === "-" || rest.startsWith("- ")) {
    if (rest === "-") return { indent };
    const value = scalar(trimSpaces(rest.slice(2)));
    return value === undefined ? undefined : { indent, value };
  }
  const colon = rest.indexOf(": ");
  const key = colon >= 0 ? rest.slice(0, colon) : rest.endsWith(":") ? rest.slice(0, -1) : undefined;
  if (key === undefined || !KEY.test(key) || key.endsWith(" ") || key.endsWith(":") || key === "__proto__") return undefined;
  if (colon < 0) return { indent, key };
  const value = scalar(trimSpaces(rest.slice(colon + 2)));
  return value === undefined ? undefined : { indent, key, value };
}

class Outside extends Error {}
const MAX_DEPTH = 32;

export function simpleYaml(text: string): unknown {
  if (OUTSIDE.test(text)) return undefined;
  const lines: Line[] = [];
  let first = true;
  for (const raw of text.split("\n")) {
    if (first && /^---(?: *| +#.*)$/.test(raw)) {
      first = false;
      continue;
    }
    const line = parseLine(raw);
    if (line === undefined) return undefined;
    if (line === null) continue;
    first = false;
    lines.push(line);
  }
  if (lines.length === 0 || lines[0]?.indent !== 0 || lines[0].key === undefined) return undefined;
  let at = 0;
  let depth = 0;
  const map = (indent: number): Value => {
    const out: { [key: string]: Value } = {};
    while (at < lines.length) {
      const line = lines[at] as Line;
      if (line.indent < indent) break;
      if (line.indent > indent || line.key === undefined || Object.hasOwn(out, line.key)) throw new Outside();
      at++;
      out[line.key] = line.value ?? nested(indent);
    }
    return out;
  };
  const seq = (indent: number): Value => {
    const out: Value[] = [];
    while (at < lines.length && (lines[at] as Line).indent === indent && (lines[at] as Line).key === undefined) {
      const item = lines[at++] as Line;
      out.push(item.value ?? nested(indent, false));
    }
    return out;
  };
  // What follows `key:` or `-` with nothing after it: a deeper mapping, a sequence (deeper, or at a
  // key's own column), or nothing ("").
  const nested = (indent: number, afterKey = true): Value => {
    const next = lines[at];
    if (!next) return "";
    // Deeper than any META: the library's own limits decide what such a document is.
    if (++depth > MAX_DEPTH) throw new Outside();
    try {
      if (next.key === undefined && (next.indent > indent || (afterKey && next.indent === indent))) return seq(next.indent);
      if (next.key !== undefined && next.indent > indent) return map(next.indent);
      return "";
    } finally {
      depth--;
    }
  };
  try {
    const doc = map(0);
    return at === lines.length ? doc : undefined;
  } catch (e) {
    if (e instanceof Outside) return undefined;
    throw e;
  }
}
