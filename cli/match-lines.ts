/**
 * `advisories match` over its input: one JSON line per `Name<TAB>version` line. Tens of thousands
 * of lines go through here in a process that ends right after, in code V8 has not optimised yet:
 * the common line (a distribution of the feed, one tab, nothing to trim) takes a short path with
 * few calls, each version text is read once (to its order key), each distribution's and answer's
 * JSON is built once, and the output goes out in slices of about 1 MiB (a string gathered instead
 * took ~4% more instructions).
 */
import type { MatchTable } from "../shared/domain/advisories/match-table";
import { answerIndex, cellOf } from "../shared/domain/advisories/match-table";
import type { NameResolution } from "../shared/domain/advisories/names";
import { laxOrderKey } from "../shared/domain/cpan/version";

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

/**
 * `resolver` is asked for the first line whose name is not a distribution of the feed: what it
 * needs (module2dist, most of a cached feed; 02packages) is read only then.
 */
export async function matchLines(
  text: string,
  table: MatchTable,
  resolver: () => Promise<(name: string) => NameResolution>,
  write: (chunk: Uint8Array) => void,
  warn: (message: string) => void,
): Promise<MatchOutcome> {
  let resolve: ((name: string) => NameResolution) | undefined;
  let matched = false;
  let bad = 0;
  const out = new Output(write);
  // Version text -> its order key, or null: unparseable, it matches nothing.
  const keys = new Map<string, string | null>();
  const keyOf = (version: string) => {
    let k = keys.get(version);
    if (k === undefined) keys.set(version, (k = laxOrderKey(version) ?? null));
    return k;
  };
  // The common line, spelled out in three parts: the same bytes as JSON.stringify of the object.
  const heads = new Map<string, string>();
  const tails: string[] = [];
  const idsOf = (dist: string, key: string) => table.answers[answerIndex(table, dist, key)] as readonly string[];
  // Line by line as text.split("\n") would cut it, without keeping every line.
  for (let i = 0, start = 0; start <= text.length; i++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    const tab = line.indexOf("\t");
    if (tab > 0 && line.indexOf("\t", tab + 1) < 0) {
      const name = line.slice(0, tab);
      const version = line.slice(tab + 1);
      const d = table.dists.get(name);
      if (d && version && plainEnds(name) && plainEnds(version)) {
        // A distribution of the feed (nameResolver's first answer), as written.
        const k = keyOf(version);
        const a = k === null ? 0 : (d.cells[cellOf(d.keys, k)] as number);
        if ((table.answers[a] as readonly string[]).length) matched = true;
        let head = heads.get(name);
        if (head === undefined) heads.set(name, (head = `{"dist":${JSON.stringify(name)},"version":`));
        out.add(head + JSON.stringify(version) + (tails[a] ??= `,"advisories":${JSON.stringify(table.answers[a])}}\n`));
        continue;
      }
    }
    if (!line.trim()) continue;
    const [name, version, rest] = fields(line);
    if (!name || !version || rest.length) {
      warn(`line ${i + 1}: expected "Dist<TAB>version", got ${JSON.stringify(line)}\n`);
      bad++;
      continue;
    }
    resolve ??= await resolver();
    const r = resolve(name);
    if (r.as === "unknown") {
      warn(`line ${i + 1}: ${r.why}\n`);
      bad++;
      out.add(`${JSON.stringify({ dist: null, input: name, version, advisories: null, unknown: r.why })}\n`);
      continue;
    }
    // The version as written: it is echoed and compared, never reformatted.
    const k = keyOf(version);
    const ids =
      k === null
        ? NO_IDS
        : r.distributions.length === 1
          ? idsOf(r.distributions[0] as string, k)
          : [...new Set(r.distributions.flatMap((d) => idsOf(d, k)))].sort();
    if (ids.length) matched = true;
    const how = r.as === "module" ? { input: name, as: "module", via: r.via, ...(r.disagreement ? { disagreement: r.disagreement } : {}) } : {};
    out.add(`${JSON.stringify({ dist: r.distributions[0], version, advisories: ids, ...how })}\n`);
  }
  out.flush();
  return { matched, bad };
}
