import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { type DependencyScope, type ReleaseMatch, matchRelease } from "../shared/domain/advisories/findings";
import { findingLine, prerequisiteLine } from "../shared/domain/advisories/render";
import type { CompiledFeed } from "../shared/domain/advisories/match";
import type { PackagesIndex } from "../shared/domain/cpan/packages";
import { detectBundled } from "../shared/domain/sbom/bundled";
import { moduleResolver } from "../shared/domain/sbom/resolve";
import { releasePurl } from "../shared/domain/sbom/input";
import pkg from "../package.json" with { type: "json" };
import { authorPath } from "../shared/domain/cpan/distname";
import { buildEntry } from "../shared/domain/tlog/entry";
import { b64, leafHash } from "../shared/domain/tlog/hash";
import type { Release } from "../shared/domain/cpan/release";
import type { ReadResult } from "./scan-read";
import { advisoriesDocument, documentText } from "../shared/domain/pipeline/documents";

/** What scanning one archive prints: the `--json` line and the readable text. */
export interface ScanOutput {
  readonly json: string;
  readonly text: string;
  readonly failed: boolean;
  /** Findings on the release itself or its bundled code (dependency and interpreter findings are advice). */
  readonly vulnerable: boolean;
}

export interface ScanOptions {
  /** The feed compiled in the chosen mode, and in the other one (to say which modes agree). */
  readonly advisories?: { readonly chosen: CompiledFeed; readonly other: CompiledFeed };
  /** Directory for per-release results (`[<AUTHOR>/]<file name>/{sbom.cdx.json,sbom.spdx.json,advisories.json}`). */
  readonly out?: string;
  /** Output folders written in this run, with the sha256 of the archive each holds. */
  readonly claimed?: Map<string, string>;
  /** PAUSE id for archives whose path does not name one. */
  readonly author?: string;
  /** Upload time, for archives that carry none (default: the file's modification time). */
  readonly uploaded?: { readonly date: Date; readonly epoch: string };
  /** 02packages, for resolving prerequisites to distributions. */
  readonly packages?: PackagesIndex;
  /** Which prerequisites dependency findings consider (default: requires of runtime, configure, build, test). */
  readonly scope?: DependencyScope;
}

/** `--upload-time`: an ISO 8601 time or a Unix epoch (as RECENT writes it). */
export function parseUploadTime(v: string): { date: Date; epoch: string } {
  if (/^[0-9]+(\.[0-9]+)?$/.test(v)) return { date: new Date(Number(v) * 1000), epoch: v };
  const d = new Date(v);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d\d-\d\d/.test(v)) throw new Error(`not an ISO 8601 time or a Unix epoch: ${JSON.stringify(v)}`);
  return { date: d, epoch: String(Math.floor(d.getTime() / 1000)) };
}

/**
 * Where a release's results go under --out: keyed by the file, never by name and version (a trial
 * and its release, or a .zip beside a .tar.gz, share those): `<AUTHOR>/<file name>` as in the
 * pipeline's results layout, or the bare file name when no PAUSE id is known.
 */
export function releaseDir(r: Release, file: string, author = r.path.author): string {
  const rel = author ? `${author}/${r.path.author === author ? r.path.filename : basename(file)}` : basename(file);
  return rel
    .split("/")
    .map((seg) => seg.replace(/[^A-Za-z0-9._+-]/g, "_").replace(/^\.+/, "_") || "_")
    .join("/");
}

/**
 * The transparency-log entry the pipeline would append for this upload: needs the PAUSE id (from
 * an authors/id/ path); the upload time of a local file is its modification time.
 */
/** The upload's CPAN path: as found, or built from --author and the file's name. */
function cpanPath(r: Release, author: string): string {
  return authorPath(author, r.path.author === author ? r.path.filename : basename(r.path.pathname));
}

function logFields(r: Release, uploadedEpoch: string, author = r.path.author): Record<string, string> {
  if (!author) return {};
  const entry = buildEntry({ path: cpanPath(r, author), sha256: r.archive.sha256, size: r.archive.size, uploaded: uploadedEpoch });
  return { logEntry: entry, leafHash: b64(leafHash(new TextEncoder().encode(entry))) };
}

/** One `--json` line: the stable, documented shape of a scanned archive (docs/cli.md). */
export function scanRecord(file: string, r: Release, uploadedEpoch: string, author = r.path.author): Record<string, unknown> {
  return {
    file,
    distribution: r.distribution ?? null,
    version: r.version ?? null,
    ...(author ? { author } : {}),
    purl: releasePurl(r, author, author ? cpanPath(r, author) : undefined),
    developer: r.developer,
    source: r.source,
    ...(r.metaSource ? { metaSource: r.metaSource } : {}),
    ...(r.metaIdentity && !r.metaIdentity.agrees ? { metaIdentity: r.metaIdentity } : {}),
    license: r.meta?.license ?? [],
    prereqs: r.meta?.prereqs ?? {},
    files: r.entries.filter((e) => e.type === "file").length,
    sha256: r.archive.sha256,
    size: r.archive.size,
    ...logFields(r, uploadedEpoch, author),
    ...(r.problems.length ? { problems: r.problems } : {}),
    ...(r.error ? { error: r.error.message } : {}),
  };
}

function human(file: string, r: Release, matched?: ReleaseMatch): string {
  const id = `${r.distribution ?? "?"} ${r.version ?? "?"}${r.path.author ? ` by ${r.path.author}` : ""}${r.developer ? " (developer release)" : ""}`;
  if (r.error) return `${file}: ${id}: ERROR ${r.error.message}`;
  const runtime = Object.keys(r.meta?.prereqs.runtime?.requires ?? {}).length;
  return [
    `${file}: ${id}`,
    `  identity from ${r.source}${r.metaSource ? `, metadata from ${r.metaSource}` : ""}; ${r.entries.filter((e) => e.type === "file").length} files; licence ${r.meta?.license.join(", ") ?? "not declared"}; ${runtime} runtime requirements`,
    `  sha256 ${r.archive.sha256}`,
    ...r.problems.map((p) => `  note: ${p}`),
    ...(matched ? [...matched.findings.map((f) => `  ${findingLine(f)}`), `  ${prerequisiteLine(matched.scope, matched.prerequisites)}`] : []),
  ].join("\n");
}

/**
 * A scanned archive worked out but not yet written: what it prints, and under --out the folder and
 * the files to write there. Plain data, so a scan thread (./scan-pool.ts) can make it and post it
 * back; only commitScan, on the main thread and in argument order, claims folders and writes.
 */
export interface RenderedScan extends ScanOutput {
  /** Under --out: the folder, the files to write there, and what is printed instead when the folder is refused. */
  readonly out?: {
    readonly dir: string;
    readonly sha256: string;
    readonly files: readonly { readonly name: string; readonly text: string }[];
    readonly refused: ScanOutput;
  };
}

/** Everything a scan of one read archive says and would write, with nothing written. */
export async function renderScan(read: ReadResult, options: Omit<ScanOptions, "claimed">): Promise<RenderedScan> {
  const { file } = read;
  if ("readError" in read)
    return { json: JSON.stringify({ file, error: read.readError }), text: `${file}: ERROR ${read.readError}`, failed: true, vulnerable: false };
  const r = read.release;
  const uploaded = options.uploaded ?? {
    date: new Date(Math.floor((read.mtimeMs ?? 0) / 1000) * 1000),
    epoch: String(Math.floor((read.mtimeMs ?? 0) / 1000)),
  };
  const author = options.author ?? r.path.author;
  const record = scanRecord(file, r, uploaded.epoch, author);
  const extra: Record<string, unknown> = {};
  const dir = options.out ? join(options.out, releaseDir(r, file, author)) : undefined;
  const files: { name: string; text: string }[] = [];
  if (dir) {
    // Loaded only for --out: the CycloneDX library is a good part of a plain scan's start-up.
    const { generateSboms } = await import("../shared/domain/sbom");
    const sboms = generateSboms({
      release: r,
      ...(author ? { author, cpanPath: cpanPath(r, author) } : {}),
      uploaded: uploaded.date,
      tool: { name: pkg.name, version: pkg.version },
      resolve: moduleResolver(options.packages, options.advisories?.chosen.feed.module2dist),
      bundled: detectBundled(r.files),
    });
    files.push({ name: "sbom.cdx.json", text: sboms.cyclonedx }, { name: "sbom.spdx.json", text: sboms.spdx });
    extra.sbom = { cyclonedx: join(dir, "sbom.cdx.json"), spdx: join(dir, "sbom.spdx.json") };
  }
  let matched: ReleaseMatch | undefined;
  if (options.advisories && r.distribution && r.version) {
    const { chosen, other } = options.advisories;
    const resolve = moduleResolver(options.packages, chosen.feed.module2dist);
    matched = matchRelease(
      chosen,
      other,
      { distribution: r.distribution, version: r.version, ...(r.meta ? { prereqs: r.meta.prereqs } : {}) },
      { resolve, ...(options.scope ? { scope: options.scope } : {}) },
    );
    const { findings, scope, prerequisites } = matched;
    Object.assign(extra, { findings, scope, resolution: prerequisites });
    if (dir) {
      const about = {
        distribution: r.distribution,
        version: r.version,
        ...(author ? { author } : {}),
        purl: releasePurl(r, author, author ? cpanPath(r, author) : undefined),
        sha256: r.archive.sha256,
      };
      files.push({ name: "advisories.json", text: documentText(advisoriesDocument(about, { feed: chosen.feed.version, mode: chosen.mode, match: matched })) });
      extra.advisories = join(dir, "advisories.json");
    }
  } else if (options.advisories) {
    extra.findings = [];
  }
  const vulnerable = !!matched?.findings.some((f) => f.kind === "self" || f.kind === "bundled");
  const rendered = { json: JSON.stringify({ ...record, ...extra }), text: human(file, r, matched), failed: !!r.error, vulnerable };
  if (!dir) return rendered;
  const error = `--out: ${dir} already holds the results of a different archive with the same name in this run; not overwritten`;
  const refused = { json: JSON.stringify({ ...record, error }), text: `${file}: ERROR ${error}`, failed: true, vulnerable: false };
  return { ...rendered, out: { dir, sha256: r.archive.sha256, files, refused } };
}

/**
 * A rendered scan made final, in argument order: under --out its folder is claimed (a folder this
 * run already filled from a different archive is refused, not overwritten) and its files written.
 */
export function commitScan(s: RenderedScan, options: Pick<ScanOptions, "claimed">): ScanOutput {
  const { out, ...output } = s;
  if (!out) return output;
  const holder = options.claimed?.get(out.dir);
  if (holder !== undefined && holder !== out.sha256) return out.refused;
  options.claimed?.set(out.dir, out.sha256);
  mkdirSync(out.dir, { recursive: true });
  for (const f of out.files) writeFileSync(join(out.dir, f.name), f.text);
  return output;
}
