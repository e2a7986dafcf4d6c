/**
 * What the pipeline publishes of a feed, next to the log: the OSV export under `osv/`, the CSAF
 * provider directory under `csaf/`, and `index.json` last, the published index: the feed it was
 * made from, the generator, where each part is, and the sha256 of every file (which lets a
 * re-publication skip the files whose bytes are the same without reading them back).
 */
import { createHash } from "node:crypto";
import type { Feed, FeedVersion } from "../advisories/feed";
import type { CsafPublisher } from "./csaf";
import { exportCsaf } from "./export-csaf";
import { exportOsv, osvPath } from "./export-osv";
import { FeedTimeError, feedTime } from "./feed-time";
import { canonicalJson, utf8 } from "./json";
import { type PublishedFile, type ReadPrevious, PreviousExportError, checkId, readPreviousJson } from "./published";
import { unchangedAdvisories } from "./unchanged";

export const INDEX_FILE = "index.json";
export const OSV_DIR = "osv/";
export const CSAF_DIR = "csaf/";
/** Where an advisory's OSV record is, relative to the publication's root. */
export const publishedOsvPath = (id: string) => (checkId(id) ? undefined : `${OSV_DIR}${osvPath(id)}`);

/** The CSAF publisher the pipeline names (the CLI's defaults too). */
export const CSAF_PUBLISHER: CsafPublisher = { category: "coordinator", name: "CPAN Security Group", namespace: "https://security.metacpan.org" };

export interface PublicationOptions {
  readonly publisher: CsafPublisher;
  /** The URL the publication's root is served at (the CSAF documents and provider metadata name it). */
  readonly baseUrl: string;
  readonly generator: { readonly name: string; readonly version: string };
  /** The time to give the feed when its meta.date cannot be read (the pipeline: when it took the snapshot). */
  readonly fallbackTime: string;
}

export interface PublicationIndex {
  readonly v: 1;
  readonly feed: FeedVersion;
  readonly time: string;
  readonly generator: PublicationOptions["generator"];
  readonly baseUrl: string;
  readonly osv: { readonly records: number; readonly all: string; readonly modified: string };
  readonly csaf: { readonly documents: number; readonly providerMetadata: string };
  /** Advisories not published, and why. */
  readonly problems: readonly string[];
  readonly files: Readonly<Record<string, string>>;
}

export interface Publication {
  /** Every file but the index, by path under the root. */
  readonly files: readonly PublishedFile[];
  readonly index: PublicationIndex;
  /** The OSV records and CSAF documents kept from the previous publication, not built again. */
  readonly kept: { readonly osv: number; readonly csaf: number };
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function timeOf(feed: Feed, fallback: string): string {
  try {
    return feedTime(feed);
  } catch (e) {
    if (e instanceof FeedTimeError) return fallback;
    throw e;
  }
}

/** The publication in place (its index.json) and the feed it says it was made from. */
export interface PreviousPublication {
  readonly index: PublicationIndex;
  readonly feed: Feed;
}

/**
 * Which advisories a publication over `since` may keep as they are: none unless `since` was made
 * from that feed by this generator, at this URL, for this publisher (the files name all three).
 */
async function keeper(feed: Feed, since: PreviousPublication | undefined, readPrevious: ReadPrevious, o: PublicationOptions) {
  if (!since || !samePublication(since.index, since.feed, o)) return undefined;
  const meta = await readPreviousJson<{ publisher?: unknown }>(readPrevious, `${CSAF_DIR}provider-metadata.json`);
  return canonicalJson(meta?.publisher ?? null) === canonicalJson(o.publisher) ? unchangedAdvisories(since.feed, feed) : undefined;
}

/**
 * The publication of `feed` over the previous one. With `since` (the previous publication's feed),
 * the advisories the two feeds hold alike keep their files, unbuilt: the bytes are the ones a
 * whole export over the previous one gives (test/unit/publish/incremental.test.ts).
 */
export async function buildPublication(feed: Feed, readPrevious: ReadPrevious, o: PublicationOptions, since?: PreviousPublication): Promise<Publication> {
  const time = timeOf(feed, o.fallbackTime);
  const under = (dir: string) => (path: string) => readPrevious(`${dir}${path}`);
  const keep = await keeper(feed, since, readPrevious, o);
  const osv = await exportOsv(feed, under(OSV_DIR), { time, ...(keep ? { keep } : {}) });
  const base = o.baseUrl.replace(/\/+$/, "");
  const csaf = await exportCsaf(feed, under(CSAF_DIR), {
    publisher: o.publisher,
    baseUrl: `${base}/${CSAF_DIR}`,
    engine: o.generator,
    time,
    ...(keep ? { keep } : {}),
  });
  const files = [
    ...osv.files.map((f) => ({ path: `${OSV_DIR}${f.path}`, bytes: f.bytes })),
    ...csaf.files.map((f) => ({ path: `${CSAF_DIR}${f.path}`, bytes: f.bytes })),
  ];
  const index: PublicationIndex = {
    v: 1,
    feed: feed.version,
    time,
    generator: o.generator,
    baseUrl: base,
    osv: { records: osv.records.length, all: `${OSV_DIR}CPAN/all.zip`, modified: `${OSV_DIR}CPAN/modified_id.csv` },
    csaf: { documents: csaf.documents, providerMetadata: `${CSAF_DIR}provider-metadata.json` },
    problems: [...new Set([...osv.problems, ...csaf.problems])],
    files: Object.fromEntries(files.map((f) => [f.path, sha256(f.bytes)])),
  };
  return { files, index, kept: { osv: osv.kept, csaf: csaf.kept } };
}

export const indexBytes = (i: PublicationIndex) => utf8(canonicalJson(i));

/** A stored index.json; an unreadable one is an error (it would hide which files are stale). */
export function parsePublicationIndex(bytes: Uint8Array): PublicationIndex {
  try {
    const v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as PublicationIndex;
    const files = v?.files;
    if (
      v?.v !== 1 ||
      typeof v.feed?.sha256 !== "string" ||
      !files ||
      typeof files !== "object" ||
      Object.values(files).some((h) => !/^[0-9a-f]{64}$/.test(String(h)))
    )
      throw new Error("not a version 1 index with a sha256 per file");
    return v;
  } catch (e) {
    throw new PreviousExportError(`the published ${INDEX_FILE} is not readable (${(e as Error).message}); move it away to publish afresh`, { cause: e });
  }
}

/** Whether publishing `feed` now would give what `previous` says is published (same feed, generator and URL). */
export const samePublication = (previous: PublicationIndex | undefined, feed: Feed, o: Pick<PublicationOptions, "generator" | "baseUrl">) =>
  !!previous &&
  canonicalJson(previous.feed) === canonicalJson(feed.version) &&
  JSON.stringify(previous.generator) === JSON.stringify(o.generator) &&
  previous.baseUrl === o.baseUrl.replace(/\/+$/, "");
