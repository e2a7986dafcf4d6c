/**
 * `advisories match --db <file> [--mode <mode>]` when the feed's match data is cached: the whole
 * run without commander, the command table or the feed's schema library, which cost more than the
 * matching itself in a run of tens of thousands of lines. cli/cpansec.ts tries it first; undefined
 * says "not mine", before stdin is read, and the command runs as usual: with another option, a
 * URL, a feed that cannot be read (the command says why) or is not cached yet (it caches it).
 */
import type { MatchMode } from "../shared/domain/advisories/ranges";
import { FETCH_LIMITS } from "../shared/domain/fetch-limits";
import { reportFailure } from "./errors";
import { type FeedMatch, cachedFeedMatch, feedMatchResolver } from "./feed-source";
import { matchLines } from "./match-lines";
import { readFileUnder } from "./read-file-under";
import { readStdinText } from "./read-stdin";

const MODES: readonly string[] = ["strict", "cpan-audit"] satisfies MatchMode[];

/**
 * `advisories match`'s options when they are a feed file (`--db`) and at most `--mode`, read as
 * commander reads them (`--db x` or `--db=x`, the last one counts); undefined for anything else.
 */
export function fastMatchOptions(args: readonly string[]): { db: string; mode: MatchMode } | undefined {
  let db: string | undefined;
  let mode = "strict";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    // A value commander might read as an option is commander's to read.
    if (!value || value.startsWith("-")) return undefined;
    if (flag === "--db") db = value;
    else if (flag === "--mode" && MODES.includes(value)) mode = value;
    else return undefined;
  }
  return db && !/^https?:\/\//.test(db) ? { db, mode: mode as MatchMode } : undefined;
}

/** The exit status of `advisories match` run here, or undefined when the command should run it (nothing read from stdin then). */
export async function matchFast(args: readonly string[]): Promise<number | undefined> {
  const o = fastMatchOptions(args);
  if (!o) return undefined;
  let data: FeedMatch | undefined;
  try {
    data = cachedFeedMatch(await readFileUnder(o.db, FETCH_LIMITS.advisoryFeed), o.mode);
  } catch {
    return undefined;
  }
  if (!data) return undefined;
  const match = data;
  try {
    const { matched, bad } = await matchLines(
      await readStdinText(),
      match.table,
      () => feedMatchResolver(match),
      (chunk) => process.stdout.write(chunk),
      (message) => process.stderr.write(message),
    );
    return bad ? 2 : matched ? 1 : 0;
  } catch (e) {
    return reportFailure(e, process.env.CPANSEC_DEBUG === "1");
  }
}
