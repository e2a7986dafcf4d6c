/**
 * `advisories match` over its input: one JSON line per `Name<TAB>version` line. Tens of thousands
 * of lines go through here in a process that ends right after, in code V8 has not optimised yet:
 * the common line (a distribution, one tab, nothing to trim) takes a short path, each version text
 * is parsed once, each distribution's and answer's JSON is built once, and the output goes out in
 * slices of about 1 MiB (a write per line was most of the time).
 */
import { type CompiledFeed, type MatchFeed, advisoryIds } from "../shared/domain/advisories/match";
import type { NameResolution } from "../shared/domain/advisories/names";
import { parseLaxVersion } from "../shared/domain/advisories/ranges";
import type { PerlVersion } from "../shared/domain/cpan/version";

export interface MatchOutcome {
  matched: boolean;
  bad: number;
}

/** No trimming needed: printable ASCII other than space at both ends (String#trim removes only whitespace). */
const plainEnds = (s: string) => {
  const a = s.charCodeAt(0);
  const z = s.charCodeAt(s.length - 1);
  return a > 32 && a < 127 && z > 32 && z < 127;
};

/** The line's two fields as the general rule reads them (split on tabs, each trimmed); undefined when it has no other. */
function fields(line: string): [string, string, string[]] {
  const tab = line.indexOf("\t");
  if (tab > 0 && line.indexOf("\t", tab + 1) < 0) {
    const name = line.slice(0, tab);
    const version = line.slice(tab + 1);
    if (version && plainEnds(name) && plainEnds(version)) return [name, version, []];
  }
  const [name = "", version = "", ...rest] = line.split("\t").map((s) => s.trim());
  return [name, version, rest];
}

/** Output gathered in a buffer of about 1 MiB, written when full: no string per line to keep, nor one big one to encode. */
class Output {
  private buf = Buffer.allocUnsafe(1 << 20);
  private pos = 0;
  constructor(private readonly write: (chunk: Uint8Array) => void) {}

  add(s: string): void {
    // At most 3 bytes per UTF-16 unit.
    if (this.pos + 3 * s.length > this.buf.length) this.flush();
    if (3 * s.length > this.buf.length) this.write(Buffer.from(s));
    else this.pos += this.buf.write(s, this.pos);
  }

  flush(): void {
    if (!this.pos) return;
    // The stream keeps the chunk until it is written: the next slice goes to a new buffer.
    this.write(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.pos = 0;
  }
}

const NO_IDS: readonly string[] = [];

/** `f(key)`, computed once per key. */
function memo<K, V>(f: (key: K) => V): (key: K) => V {
  const m = new Map<K, V>();
  return (key) => {
    if (m.has(key)) return m.get(key) as V;
    const v = f(key);
    m.set(key, v);
    return v;
  };
}

export function matchLines(
  text: string,
  feed: CompiledFeed<MatchFeed>,
  resolve: (name: string) => NameResolution,
  write: (chunk: Uint8Array) => void,
  warn: (message: string) => void,
): MatchOutcome {
  let matched = false;
  let bad = 0;
  const out = new Output(write);
  const parsed = memo<string, PerlVersion | undefined>(parseLaxVersion);
  // The common line, spelled out in three parts: the same bytes as JSON.stringify of the object.
  const head = memo((dist: string) => `{"dist":${JSON.stringify(dist)},"version":`);
  // Keyed by the array: advisoryIds answers a cell with the same one each time.
  const tail = memo((ids: readonly string[]) => `,"advisories":${JSON.stringify(ids)}}\n`);
  // Line by line as text.split("\n") would cut it, without keeping every line.
  for (let i = 0, start = 0; start <= text.length; i++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (!line.trim()) continue;
    const [name, version, rest] = fields(line);
    if (!name || !version || rest.length) {
      warn(`line ${i + 1}: expected "Dist<TAB>version", got ${JSON.stringify(line)}\n`);
      bad++;
      continue;
    }
    const r = resolve(name);
    if (r.as === "unknown") {
      warn(`line ${i + 1}: ${r.why}\n`);
      bad++;
      out.add(`${JSON.stringify({ dist: null, input: name, version, advisories: null, unknown: r.why })}\n`);
      continue;
    }
    // The version as written: it is echoed and compared, never reformatted; unparseable, it matches nothing.
    const v = parsed(version);
    const ids = !v
      ? NO_IDS
      : r.distributions.length === 1
        ? advisoryIds(feed, r.distributions[0] as string, v)
        : [...new Set(r.distributions.flatMap((d) => advisoryIds(feed, d, v)))].sort();
    if (ids.length) matched = true;
    if (r.as === "distribution") {
      out.add(head(r.distributions[0]));
      out.add(JSON.stringify(version));
      out.add(tail(ids));
    } else {
      const how = r.as === "module" ? { input: name, as: "module", via: r.via, ...(r.disagreement ? { disagreement: r.disagreement } : {}) } : {};
      out.add(`${JSON.stringify({ dist: r.distributions[0], version, advisories: ids, ...how })}\n`);
    }
  }
  out.flush();
  return { matched, bad };
}
