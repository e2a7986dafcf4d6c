/**
 * What an upload is: identity (from META, else the file name), metadata and file manifest.
 * Never throws for bad input: an unreadable archive gives `error`, smaller problems `problems`.
 */
import { createHash } from "node:crypto";
import { type ArchiveContents, ArchiveError, type ArchiveFormat, type ArchiveLimits, type ManifestEntry, readArchive } from "./archive";
import { type DistInfo, parseCpanPath } from "./distname";
import { compareVersions } from "./version";
import { type CpanMeta, MetaSyntaxError, type MetaSource, parseMeta } from "./meta";
import { byCodePoint } from "../order";

export type IdentitySource = MetaSource | "filename";

export interface Release {
  readonly path: DistInfo;
  readonly distribution?: string;
  readonly version?: string;
  readonly developer: boolean;
  readonly source: IdentitySource;
  readonly archive: { readonly sha256: string; readonly sha512: string; readonly size: number; readonly format?: ArchiveFormat };
  readonly meta?: CpanMeta;
  readonly entries: readonly ManifestEntry[];
  /** Bytes of the files kept for later steps (META, and whatever `keep` asked for). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly problems: readonly string[];
  /** Set when the archive could not be read at all. */
  readonly error?: { readonly code: string; readonly message: string };
}

export interface DescribeOptions {
  readonly limits?: Partial<ArchiveLimits>;
  /** Extra files (by path inside the archive) whose bytes later steps need. */
  readonly keep?: (path: string) => boolean | number;
  readonly sha1?: boolean;
}

const META_FILE = /^(?:[^/]+\/)?META\.(json|yml)$/;

/** The META files of the archive's root (or its single top directory), shallowest first. */
function metaCandidates(files: ReadonlyMap<string, Uint8Array>, source: MetaSource): string[] {
  return [...files.keys()].filter((p) => p.endsWith(`/${source}`) || p === source).sort((a, b) => a.split("/").length - b.split("/").length || byCodePoint(a, b));
}

function readMeta(contents: ArchiveContents, problems: string[]): { meta: CpanMeta; source: MetaSource } | undefined {
  for (const source of ["META.json", "META.yml"] as const) {
    const candidates = metaCandidates(contents.files, source);
    const path = candidates[0];
    if (!path) continue;
    if (candidates.length > 1) problems.push(`${candidates.length} ${source} files; using ${path}`);
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
  for (const w of contents.warnings) if (/META\.(json|yml)/.test(w)) problems.push(w);
  return undefined;
}

const digest = (alg: string, bytes: Uint8Array) => createHash(alg).update(bytes).digest("hex");

export async function describeRelease(path: string, bytes: Uint8Array, options: DescribeOptions = {}): Promise<Release> {
  const info = parseCpanPath(path);
  const problems: string[] = [];
  const archive = { sha256: digest("sha256", bytes), sha512: digest("sha512", bytes), size: bytes.byteLength };
  const fromName = { distribution: info.dist, version: info.version, developer: info.developer, source: "filename" as const };
  if (!info.extension) problems.push(`${info.filename} does not have a CPAN archive extension`);
  let contents: ArchiveContents;
  try {
    contents = await readArchive(bytes, { limits: options.limits, sha1: options.sha1, keep: (p) => META_FILE.test(p) || (options.keep?.(p) ?? false) });
  } catch (e) {
    if (!(e instanceof ArchiveError)) throw e;
    return clean({ path: info, ...fromName, archive, entries: [], files: new Map(), problems, error: { code: e.code, message: e.message } });
  }
  problems.push(...contents.warnings.filter((w) => !/META\.(json|yml)/.test(w)));
  const read = readMeta(contents, problems);
  const base = { path: info, archive: { ...archive, format: contents.format }, entries: contents.entries, files: contents.files, problems };
  if (!read) {
    if (!contents.files.size) problems.push("no META.json or META.yml: identity from the file name");
    return clean({ ...base, ...fromName });
  }
  const { meta, source } = read;
  let distribution = meta.name;
  if (distribution?.includes("::")) {
    problems.push(`META name ${JSON.stringify(distribution)} is a module name; using ${distribution.replace(/::/g, "-")}`);
    distribution = distribution.replace(/::/g, "-");
  }
  if (distribution && info.dist && distribution !== info.dist) problems.push(`META name ${distribution} differs from the file name's ${info.dist}`);
  if (meta.version && info.version && !sameVersion(meta.version, info.version.replace(/-TRIAL\d*$/, ""))) {
    problems.push(`META version ${meta.version} differs from the file name's ${info.version}`);
  }
  return clean({
    ...base,
    distribution: distribution ?? info.dist,
    version: meta.version ?? info.version,
    developer: info.developer || meta.releaseStatus !== "stable",
    source,
    meta,
  });
}

function sameVersion(a: string, b: string): boolean {
  try {
    return compareVersions(a, b) === 0;
  } catch {
    return a === b;
  }
}

const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
