// Shared by the OSV equivalence tests: each real feed exported, and the (distribution, version)
// pairs to ask about: every version any loaded feed lists for the distribution, and every version
// its ranges name (the bounds are where a wrong event would show).
import { readFileSync } from "node:fs";
import { type Feed, parseFeed } from "../../../shared/domain/advisories/feed";
import { type CompiledFeed, compileFeed } from "../../../shared/domain/advisories/match";
import { parseLaxVersion } from "../../../shared/domain/advisories/ranges";
import { compareVersions, type PerlVersion } from "../../../shared/domain/cpan/version";
import { exportOsv } from "../../../shared/domain/publish/export-osv";
import type { OsvRecord } from "../../../shared/domain/publish/osv";
import { realFeeds } from "../../helpers/fixtures";

export interface Exported {
  readonly name: string;
  readonly feed: Feed;
  readonly compiled: CompiledFeed;
  readonly records: readonly OsvRecord[];
  /** Records by affected distribution. */
  readonly byDist: ReadonlyMap<string, readonly OsvRecord[]>;
}

const parsed = new Map<string, PerlVersion | undefined>();
export const perlVersion = (s: string) => (parsed.has(s) ? parsed.get(s) : parsed.set(s, parseLaxVersion(s)).get(s));
export const perlCompare = (a: string, b: string) => compareVersions(perlVersion(a)!, perlVersion(b)!);

let cache: { feeds: Exported[]; source: string } | undefined;

export async function exportedFeeds(): Promise<{ feeds: Exported[]; source: string }> {
  if (cache) return cache;
  const real = realFeeds();
  const feeds: Exported[] = [];
  for (const f of real) {
    const feed = parseFeed(readFileSync(f.path));
    const { records } = await exportOsv(feed, async () => undefined);
    const byDist = new Map<string, OsvRecord[]>();
    for (const r of records) for (const a of r.affected) (byDist.get(a.package.name) ?? byDist.set(a.package.name, []).get(a.package.name)!).push(r);
    feeds.push({ name: f.name, feed, compiled: compileFeed(feed, "strict"), records, byDist });
  }
  const source =
    real.length > 1
      ? `both feeds (${real.map((f) => f.name).join(", ")}; ../shared present)`
      : `the 2023 feed only (test/fixtures; ../shared absent, so the 2026 feed is not checked)`;
  cache = { feeds, source };
  return cache;
}

/** For one exported feed: the pairs it lists itself, and the others (other feed's versions, range bounds). */
export function pairs(e: Exported, all: readonly Exported[]): { listed: [string, string][]; extra: [string, string][]; unparsable: number } {
  const listed: [string, string][] = [];
  const extra: [string, string][] = [];
  let unparsable = 0;
  for (const [dist, entry] of Object.entries(e.feed.dists)) {
    const own = new Set(entry.versions);
    const others = new Set([
      ...all.flatMap((o) => o.feed.dists[dist]?.versions ?? []),
      ...entry.advisories.flatMap((r) =>
        [...r.affected, ...r.fixed].flatMap((el) => el.split(",").map((c) => c.trim().replace(/^(<=|<|>=|>|==|!=|=)\s*/, ""))),
      ),
    ]);
    for (const v of own) {
      if (perlVersion(v)) listed.push([dist, v]);
      else unparsable++;
    }
    for (const v of others) {
      if (own.has(v)) continue;
      if (perlVersion(v)) extra.push([dist, v]);
      else unparsable++;
    }
  }
  return { listed, extra, unparsable };
}
