/**
 * `advisories match` over its input: one JSON line per `Name<TAB>version` line. Tens of thousands
 * of lines go through here in a process that ends right after, in code V8 has not optimised yet:
 * the common line (a distribution of the feed, one tab, nothing to trim) takes a short path with
 * few calls and no string of its own, each distinct version text and name is read once (to its
 * order key and JSON, to its feed entry and output head), each answer's JSON is built once, and
 * the output is gathered as a string and encoded in slices of about 1 MiB (a buffer written line
 * by line took ~8% more instructions).
 */
import type { DistCells, MatchTable } from "../shared/domain/advisories/match-table";
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

/** Output gathered in a string of about 1 MiB, encoded and written when full. */
class Output {
  private text = "";
  // The first slice is small: the flush runs before V8 optimises the loop, else its first run
  // (thousands of lines in) would throw the optimised code away.
  private limit = 1 << 12;
  constructor(private readonly write: (chunk: Uint8Array) => void) {}

  add(s: string): void {
    this.text += s;
    if (this.text.length >= this.limit) this.flush();
  }

  flush(): void {
    if (!this.text) return;
    this.write(Buffer.from(this.text));
    this.text = "";
    this.limit = 1 << 20;
  }
}

const NO_IDS: readonly string[] = [];

/** What a version text is read as, once per distinct text: its order key (null: unparseable, it matches nothing), its JSON. */
interface VersionText {
  readonly key: string | null;
  readonly json: string;
  readonly plain: boolean;
}

/** A name as the common line reads it, once per distinct name: the feed's distribution (undefined: the general rule reads it) and the start of its output. */
interface DistName {
  readonly cells: DistCells | undefined;
  readonly head: string;
}

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
  const versions = new Map<string, VersionText>();
  const versionText = (version: string) => {
    let v = versions.get(version);
    if (v === undefined) versions.set(version, (v = { key: laxOrderKey(version) ?? null, json: JSON.stringify(version), plain: plainEnds(version) }));
    return v;
  };
  const names = new Map<string, DistName>();
  const distName = (name: string) => {
    const d = table.dists.get(name);
    const n = { cells: d && plainEnds(name) ? d : undefined, head: `{"dist":${JSON.stringify(name)},"version":` };
    names.set(name, n);
    return n;
  };
  // The common line's output in three parts (the same bytes as JSON.stringify of the object): the tail per answer.
  const tails: string[] = [];
  const idsOf = (dist: string, key: string) => table.answers[answerIndex(table, dist, key)] as readonly string[];
  const none = text.length + 1;
  // The first tab at or after the line's start (none: there is none).
  let tab = text.indexOf("\t");
  if (tab < 0) tab = none;
  // Line by line as text.split("\n") would cut it, without keeping every line.
  for (let i = 0, start = 0; start <= text.length; i++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const lineStart = start;
    start = end + 1;
    let next = tab;
    if (tab < end) {
      next = text.indexOf("\t", tab + 1);
      if (next < 0) next = none;
      // One tab, with text on both sides.
      if (next > end && tab > lineStart && tab + 1 < end) {
        const name = text.slice(lineStart, tab);
        const d = names.get(name) ?? distName(name);
        const v = d.cells && versionText(text.slice(tab + 1, end));
        tab = next;
        if (v?.plain) {
          // A distribution of the feed (nameResolver's first answer), as written.
          const cells = d.cells as DistCells;
          const a = v.key === null ? 0 : (cells.cells[cellOf(cells.keys, v.key)] as number);
          if ((table.answers[a] as readonly string[]).length) matched = true;
          out.add(d.head + v.json + (tails[a] ??= `,"advisories":${JSON.stringify(table.answers[a])}}\n`));
          continue;
        }
      } else if (next < end) next = text.indexOf("\t", end + 1);
      if (next < 0) next = none;
    }
    tab = next;
    const line = text.slice(lineStart, end);
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
    const k = versionText(version).key;
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
