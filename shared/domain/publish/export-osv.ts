/**
 * The OSV export, laid out as osv.dev serves an ecosystem (gs://osv-vulnerabilities/<ECOSYSTEM>/):
 * `CPAN/<ID>.json`, `CPAN/all.zip`, `CPAN/modified_id.csv` (`<modified>,<ID>`, newest first), and
 * `ecosystems.txt`. osv-scanner's offline database reads the same `<ecosystem>/all.zip`.
 *
 * `modified` comes from the data, never the clock: a record whose content is what the previous
 * export in the same directory holds keeps that export's `modified`; a new or changed one gets the
 * feed's time. An advisory that has left the feed keeps its record, now `withdrawn` (OSV ids are
 * never deleted).
 */
import type { Feed } from "../advisories/feed";
import { advisories } from "./advisories";
import { feedTime } from "./feed-time";
import { canonicalJson, utf8 } from "./json";
import { OSV_ECOSYSTEM, type OsvRecord, osvRecord } from "./osv";
import { type PublishedFile, type ReadPrevious, PreviousExportError, checkId, readPreviousJson } from "./published";
import { zipFiles } from "./zip";

export interface OsvExport {
  readonly files: readonly PublishedFile[];
  readonly records: readonly OsvRecord[];
  /** Advisories left out, and why (an id that cannot be a file name). */
  readonly problems: readonly string[];
  /** How many records were kept as they were (`keep`), not built again. */
  readonly kept: number;
}

const withoutModified = ({ modified: _, ...rest }: OsvRecord) => canonicalJson(rest);

export const osvPath = (id: string) => `${OSV_ECOSYSTEM}/${id}.json`;

export interface OsvExportOptions {
  /** What the feed stands for, when the caller knows it better than the feed says (default: feedTime). */
  readonly time?: string;
  /**
   * Advisories whose previous record stands as it is (unchanged.ts: the same rows and versions as
   * in the feed the previous export was made from): it is kept, not built again and compared.
   */
  readonly keep?: (id: string) => boolean;
}

export async function exportOsv(feed: Feed, readPrevious: ReadPrevious, o: OsvExportOptions = {}): Promise<OsvExport> {
  const time = o.time ?? feedTime(feed);
  const problems: string[] = [];
  const records: OsvRecord[] = [];
  const current = new Set<string>();
  let kept = 0;
  for (const a of advisories(feed)) {
    const bad = checkId(a.id);
    if (bad) {
      problems.push(bad);
      continue;
    }
    current.add(a.id);
    const previous = await readPreviousJson<OsvRecord>(readPrevious, osvPath(a.id));
    if (previous && !previous.withdrawn && o.keep?.(a.id)) {
      records.push(previous);
      kept++;
      continue;
    }
    const fresh = osvRecord(a, time);
    const same = previous && !previous.withdrawn && withoutModified(previous) === withoutModified(fresh);
    records.push(same ? { ...fresh, modified: previous.modified } : fresh);
  }
  for (const id of await previousIds(readPrevious)) {
    if (current.has(id)) continue;
    const previous = await readPreviousJson<OsvRecord>(readPrevious, osvPath(id));
    if (!previous) throw new PreviousExportError(`${OSV_ECOSYSTEM}/modified_id.csv lists ${id}, but ${osvPath(id)} is missing`);
    records.push(previous.withdrawn ? previous : { ...previous, withdrawn: time, modified: time });
  }
  records.sort((a, b) => (a.id < b.id ? -1 : 1));
  const entries = records.map((r) => ({ name: `${r.id}.json`, bytes: utf8(canonicalJson(r)), mtime: r.modified }));
  const index = [...records].sort((a, b) => (a.modified === b.modified ? (a.id < b.id ? -1 : 1) : a.modified < b.modified ? 1 : -1));
  const files: PublishedFile[] = [
    ...entries.map((e) => ({ path: `${OSV_ECOSYSTEM}/${e.name}`, bytes: e.bytes })),
    { path: `${OSV_ECOSYSTEM}/all.zip`, bytes: zipFiles(entries, await readPrevious(`${OSV_ECOSYSTEM}/all.zip`)) },
    { path: `${OSV_ECOSYSTEM}/modified_id.csv`, bytes: utf8(index.map((r) => `${r.modified},${r.id}\n`).join("")) },
    { path: "ecosystems.txt", bytes: utf8(`${OSV_ECOSYSTEM}\n`) },
  ];
  return { files, records, problems, kept };
}

async function previousIds(readPrevious: ReadPrevious): Promise<string[]> {
  const bytes = await readPrevious(`${OSV_ECOSYSTEM}/modified_id.csv`);
  if (!bytes) return [];
  return new TextDecoder()
    .decode(bytes)
    .split("\n")
    .filter(Boolean)
    .map((line, i) => {
      const id = line.slice(line.indexOf(",") + 1);
      if (!line.includes(",") || checkId(id))
        throw new PreviousExportError(`${OSV_ECOSYSTEM}/modified_id.csv line ${i + 1} is not "<modified>,<id>": ${JSON.stringify(line)}`);
      return id;
    });
}
