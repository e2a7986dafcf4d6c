/**
 * The CSAF export, laid out as a CSAF provider serves its directory (CSAF 2.0 section 7.1,
 * requirements 7, 11-13 and 18): `provider-metadata.json`, `<YYYY>/<file>.json` (the year of
 * initial_release_date) each with `.sha256` and `.sha512`, `index.txt` and `changes.csv`.
 *
 * Revisions come from content, not the clock: a document whose content (all but its tracking) is
 * what the previous export in the same directory holds keeps that tracking unchanged; one that
 * differs gets the next revision number, dated with the feed's time. A document whose advisory
 * has left the feed stays as it was (CSAF has no withdrawn state; its last revision stands).
 */
import { createHash } from "node:crypto";
import type { Feed } from "../advisories/feed";
import { advisories, reportedTime } from "./advisories";
import { type CsafDocument, type CsafPublisher, type CsafTracking, csafDocument, csafFileName, csafPath } from "./csaf";
import { feedTime } from "./feed-time";
import { canonicalJson, utf8 } from "./json";
import { type PublishedFile, type ReadPrevious, PreviousExportError, checkId, readPreviousJson } from "./published";

export interface CsafExportOptions {
  readonly publisher: CsafPublisher;
  /** Where the directory is served, e.g. https://security.example.org/.well-known/csaf */
  readonly baseUrl: string;
  readonly engine?: { readonly name: string; readonly version?: string };
  /** What the feed stands for, when the caller knows it better than the feed says (default: feedTime). */
  readonly time?: string;
  /**
   * Advisories whose previous document stands as it is (unchanged.ts: the same rows and versions
   * as in the feed the previous export was made from): its bytes are kept, not read as JSON and
   * built again. One the previous export or its changes.csv lacks is built as any other.
   */
  readonly keep?: (id: string) => boolean;
}

export interface CsafExport {
  readonly files: readonly PublishedFile[];
  /** How many documents the directory holds. */
  readonly documents: number;
  readonly problems: readonly string[];
  /** How many documents were kept as the previous export's bytes (`keep`), not built again. */
  readonly kept: number;
}

/** A document of the export: built (or read back) as JSON, or kept as the previous export's bytes. */
type Entry = { readonly path: string; readonly released: string } & ({ readonly doc: CsafDocument } | { readonly bytes: Uint8Array });

const content = ({ document: { tracking: _, ...document }, ...rest }: CsafDocument) => canonicalJson({ ...rest, document });

function checkTracking(t: unknown, path: string): CsafTracking {
  const tr = t as CsafTracking | undefined;
  const history = tr?.revision_history;
  if (
    !tr ||
    !Array.isArray(history) ||
    !history.length ||
    history.some((h) => !/^[1-9][0-9]*$/.test(String(h?.number))) ||
    typeof tr.initial_release_date !== "string" ||
    typeof tr.current_release_date !== "string"
  )
    throw new PreviousExportError(`the previous export's ${path} has no tracking this exporter wrote (integer revisions, release dates)`);
  return tr;
}

export async function exportCsaf(feed: Feed, readPrevious: ReadPrevious, o: CsafExportOptions): Promise<CsafExport> {
  const time = o.time ?? feedTime(feed);
  const previousPaths = await readIndex(readPrevious);
  const byFile = new Map(previousPaths.map((p) => [p.slice(p.indexOf("/") + 1), p]));
  const releasedAt = o.keep ? await readChanges(readPrevious) : new Map<string, string>();
  const docs = new Map<string, Entry>();
  const problems: string[] = [];
  let kept = 0;
  for (const a of advisories(feed)) {
    const bad = checkId(a.id);
    if (bad) {
      problems.push(bad);
      continue;
    }
    const prevPath = byFile.get(csafFileName(a.id));
    if (prevPath && o.keep?.(a.id)) {
      const bytes = await readPrevious(prevPath);
      const released = releasedAt.get(prevPath);
      if (bytes && released) {
        docs.set(csafFileName(a.id), { path: prevPath, released, bytes });
        kept++;
        continue;
      }
    }
    const prev = prevPath ? await readPreviousJson<CsafDocument>(readPrevious, prevPath) : undefined;
    const prevTracking = prev ? checkTracking(prev.document?.tracking, prevPath!) : undefined;
    const initial = prevTracking?.initial_release_date ?? reportedTime(a) ?? time;
    const first: CsafTracking = {
      id: a.id,
      status: "final",
      version: "1",
      initial_release_date: initial,
      current_release_date: initial,
      revision_history: [{ number: "1", date: initial, summary: "Initial version." }],
      ...(o.engine ? { generator: { engine: o.engine } } : {}),
    };
    let doc = csafDocument(a, first, o.publisher, o.baseUrl);
    if (prev && prevTracking) {
      if (content(prev) === content(doc)) doc = prev;
      else {
        if (time < prevTracking.current_release_date)
          throw new PreviousExportError(`${prevPath} was released ${prevTracking.current_release_date}, after this feed (${time}): export the newer feed`);
        const number = String(Math.max(...prevTracking.revision_history.map((h) => Number(h.number))) + 1);
        const summary = `The advisory changed in the CPANSA feed${feed.version.commit ? ` (commit ${feed.version.commit})` : ""}.`;
        const tracking: CsafTracking = {
          ...first,
          version: number,
          current_release_date: time,
          revision_history: [...prevTracking.revision_history, { number, date: time, summary }],
        };
        doc = csafDocument(a, tracking, o.publisher, o.baseUrl);
      }
    }
    docs.set(csafFileName(a.id), { path: csafPath(a.id, initial), released: released(doc), doc });
  }
  // Documents of advisories no longer in the feed are carried over as they were.
  for (const [file, path] of byFile) {
    if (docs.has(file)) continue;
    const doc = await readPreviousJson<CsafDocument>(readPrevious, path);
    if (!doc) throw new PreviousExportError(`the previous index.txt lists ${path}, but it is missing`);
    docs.set(file, { path, released: checkTracking(doc.document?.tracking, path).current_release_date, doc });
  }
  const list = [...docs.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  const files: PublishedFile[] = list.flatMap((e) => {
    const { path } = e;
    const bytes = "bytes" in e ? e.bytes : utf8(canonicalJson(e.doc));
    const name = path.slice(path.indexOf("/") + 1);
    const hash = (alg: string) => utf8(`${createHash(alg).update(bytes).digest("hex")}  ${name}\n`);
    return [
      { path, bytes },
      { path: `${path}.sha256`, bytes: hash("sha256") },
      { path: `${path}.sha512`, bytes: hash("sha512") },
    ];
  });
  const changes = [...list].sort((a, b) => (a.released === b.released ? (a.path < b.path ? -1 : 1) : a.released < b.released ? 1 : -1));
  const base = o.baseUrl.replace(/\/+$/, "");
  const lastUpdated = changes[0] ? changes[0].released : time;
  files.push(
    { path: "index.txt", bytes: utf8(list.map((d) => `${d.path}\n`).join("")) },
    { path: "changes.csv", bytes: utf8(changes.map((d) => `"${d.path}","${d.released}"\n`).join("")) },
    {
      path: "provider-metadata.json",
      bytes: utf8(
        canonicalJson({
          canonical_url: `${base}/provider-metadata.json`,
          distributions: [{ directory_url: `${base}/` }],
          last_updated: lastUpdated,
          list_on_CSAF_aggregators: true,
          metadata_version: "2.0",
          mirror_on_CSAF_aggregators: true,
          publisher: o.publisher,
          role: "csaf_provider",
        }),
      ),
    },
  );
  return { files, documents: list.length, problems, kept };
}

const released = (d: CsafDocument) => d.document.tracking.current_release_date;

/** The previous changes.csv: when each document was last released (lines not as written here are left out). */
async function readChanges(readPrevious: ReadPrevious): Promise<Map<string, string>> {
  const bytes = await readPrevious("changes.csv");
  const at = new Map<string, string>();
  for (const line of bytes ? new TextDecoder().decode(bytes).split("\n") : []) {
    const m = /^"([0-9]{4}\/[+\-a-z0-9_]+\.json)","([^"]+)"$/.exec(line);
    if (m) at.set(m[1]!, m[2]!);
  }
  return at;
}

async function readIndex(readPrevious: ReadPrevious): Promise<string[]> {
  const bytes = await readPrevious("index.txt");
  if (!bytes) return [];
  return new TextDecoder()
    .decode(bytes)
    .split("\n")
    .filter(Boolean)
    .map((line, i) => {
      if (!/^[0-9]{4}\/[+\-a-z0-9_]+\.json$/.test(line))
        throw new PreviousExportError(`the previous index.txt line ${i + 1} is not "<YYYY>/<file>.json": ${JSON.stringify(line)}`);
      return line;
    });
}
