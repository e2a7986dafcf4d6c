/**
 * The time a feed snapshot stands for, from the feed itself (never the clock, so an export is
 * reproducible): `meta.date` as util/generate writes it (`Sun Aug 16 14:31:00 2026`, UTC), an
 * RFC 3339 time, or, for snapshots without `meta` (the 2023 one), the latest `reported` date in it.
 */
import type { Feed } from "../advisories/feed";

export class FeedTimeError extends Error {
  override readonly name = "FeedTimeError";
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function feedTime(feed: Feed): string {
  const date = feed.version.date?.trim();
  if (date) {
    const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(date);
    const month = m ? MONTHS.indexOf(m[1] as string) : -1;
    const t =
      m && month >= 0
        ? Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]))
        : /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(date)
          ? Date.parse(date)
          : NaN;
    if (Number.isNaN(t))
      throw new FeedTimeError(`the feed's meta.date ${JSON.stringify(date)} is not a time this exporter reads (e.g. "Sun Aug 16 14:31:00 2026")`);
    return new Date(t).toISOString().replace(/\.000Z$/, "Z");
  }
  const days = Object.values(feed.dists)
    .flatMap((d) => d.advisories.flatMap((r) => (r.reported && /^\d{4}-\d{2}-\d{2}$/.test(r.reported) ? [r.reported] : [])))
    .sort();
  const last = days[days.length - 1];
  if (!last) throw new FeedTimeError("the feed has no meta.date and no reported dates: there is no time to give its records");
  return `${last}T00:00:00Z`;
}
