/**
 * The overlay's RECENT files (File::Rsync::Mirror::Recent, protocol 1), so mirrors and watchers can
 * follow it as they follow CPAN: RECENT-1h.json ... RECENT-1Y.json and RECENT-Z.json, each holding
 * the events of its interval before `now`, newest first (Z holds all, from epoch 0). `minmax.min` is where a
 * file's coverage starts, so a reader whose cursor is older takes the next file
 * (../cpan/recent.ts reads them back).
 */
import { compareEpochs, epochOf } from "../cpan/recent";

export interface OverlayEvent {
  readonly epoch: string;
  readonly path: string;
  readonly type: "new" | "delete";
}

const INTERVALS: readonly [string, number | undefined][] = [
  ["1h", 3600],
  ["6h", 6 * 3600],
  ["1d", 86400],
  ["1W", 7 * 86400],
  ["1M", 30 * 86400],
  ["1Q", 90 * 86400],
  ["1Y", 365 * 86400],
  ["Z", undefined],
];

export function formatRecentFiles(events: readonly OverlayEvent[], now: Date, dirtymark: string): Map<string, Uint8Array> {
  const sorted = [...events].sort((a, b) => compareEpochs(b.epoch, a.epoch));
  const nowEpoch = epochOf(now);
  const files = new Map<string, Uint8Array>();
  for (const [interval, seconds] of INTERVALS) {
    const min = seconds === undefined ? undefined : epochOf(new Date(now.getTime() - seconds * 1000));
    const recent = min === undefined ? sorted : sorted.filter((e) => compareEpochs(e.epoch, min) > 0);
    const doc = {
      meta: {
        aggregator: INTERVALS.slice(1).map(([i]) => i),
        dirtymark,
        filenameroot: "RECENT",
        interval,
        minmax: { min: min ?? "0", max: sorted[0]?.epoch ?? nowEpoch, mtime: nowEpoch },
        protocol: 1,
        serializer_suffix: ".json",
      },
      recent: recent.map((e) => ({ epoch: e.epoch, path: e.path, type: e.type })),
    };
    files.set(`RECENT-${interval}.json`, new TextEncoder().encode(`${JSON.stringify(doc, null, 1)}\n`));
  }
  return files;
}
