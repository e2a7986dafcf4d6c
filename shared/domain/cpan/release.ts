/**
 * What an upload is: identity (from the CPAN path, ./identity.ts), metadata and file manifest.
 * Never throws for bad input: an unreadable archive gives `error`, smaller problems `problems`.
 */
import type { ArchiveContents, ArchiveFormat, ManifestEntry } from "./archive";
import { type DistInfo, parseCpanPath } from "./distname";
import { type Identity, type IdentitySource, releaseIdentity } from "./identity";
import { type CpanMeta, MetaSyntaxError, type MetaSource, parseMeta } from "./meta";
import { type ArchiveRead, META_FILE, type ReadOptions, readUpload } from "./release-read";

export type { IdentitySource };

export interface Release {
  readonly path: DistInfo;
  readonly distribution?: string;
  readonly version?: string;
  readonly developer: boolean;
  readonly source: IdentitySource;
  readonly metaIdentity?: Identity["metaIdentity"];
  /** Which META file `meta` was read from. */
  readonly metaSource?: MetaSource;
  readonly archive: { readonly sha256: string; readonly sha512: string; readonly size: number; readonly format?: ArchiveFormat };
  readonly meta?: CpanMeta;
  readonly entries: readonly ManifestEntry[];
  /** Bytes of the files kept for later steps (META, and whatever `keep` asked for). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly problems: readonly string[];
  /** Set when the archive could not be read at all. */
  readonly error?: { readonly code: string; readonly message: string };
}

export type DescribeOptions = ReadOptions;

/**
 * The META file an installer would read: at the archive's root, or in its single top directory
 * (cpanm and CPAN.pm enter the top directory only when it is the only thing there). With several
 * top directories no directory's META is the distribution's: sorting them would let an extra
 * `AAA/META.json` speak for the upload.
 */
function metaPath(contents: ArchiveContents, source: MetaSource, problems: string[]): string | undefined {
  if (contents.files.has(source)) return source;
  const tops = new Set(contents.entries.map((e) => e.path.split("/")[0] as string));
  const [top] = tops;
  if (tops.size === 1 && top !== source && contents.files.has(`${top}/${source}`)) return `${top}/${source}`;
  if (tops.size > 1 && [...contents.files.keys()].some((p) => p.endsWith(`/${source}`))) {
    problems.push(`the archive has ${tops.size} top-level entries and no ${source} at its root: no directory's ${source} is the distribution's, none used`);
  }
  return undefined;
}

function readMeta(contents: ArchiveContents, problems: string[]): { meta: CpanMeta; source: MetaSource } | undefined {
  for (const source of ["META.json", "META.yml"] as const) {
    const path = metaPath(contents, source, problems);
    if (!path) continue;
    try {
      const own: string[] = [];
      const meta = parseMeta(source, contents.files.get(path) as Uint8Array, own);
      problems.push(...own.map((p) => `${source}: ${p}`));
      return { meta, source };
    } catch (e) {
      if (!(e instanceof MetaSyntaxError || e instanceof TypeError)) throw e;
      problems.push(`${source} unusable: ${e.message}`);
    }
  }
  return undefined;
}

export async function describeRelease(path: string, bytes: Uint8Array, options: DescribeOptions = {}): Promise<Release> {
  return describeRead(path, await readUpload(bytes, options));
}

/** The second half, on what ./release-read.ts read: identity, META, problems. */
function describeRead(path: string, read: ArchiveRead): Release {
  const info = parseCpanPath(path);
  const problems: string[] = [];
  const fromName = { ...releaseIdentity(info, undefined, problems), developer: info.developer };
  if (!info.extension) problems.push(`${info.filename} does not have a CPAN archive extension`);
  if ("error" in read) return clean({ path: info, ...fromName, archive: read.archive, entries: [], files: new Map(), problems, error: read.error });
  const { contents } = read;
  // Every reader warning is a problem of the release (a duplicate META among them: which copy an
  // extractor keeps is worth knowing even when the META read fine).
  problems.push(...contents.warnings);
  const meta = readMeta(contents, problems);
  if (!meta && ![...contents.files.keys()].some((p) => META_FILE.test(p))) problems.push("no META.json or META.yml: identity from the file name");
  const { metaIdentity, ...identity } = releaseIdentity(info, meta, problems);
  return clean({
    path: info,
    archive: { ...read.archive, format: contents.format },
    entries: contents.entries,
    files: contents.files,
    problems,
    ...identity,
    metaIdentity,
    developer: info.developer || (meta !== undefined && meta.meta.releaseStatus !== "stable"),
    meta: meta?.meta,
    metaSource: meta?.source,
  });
}

const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
