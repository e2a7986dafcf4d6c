import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Finding, releaseFindings } from "../shared/domain/advisories/findings";
import type { CompiledFeed } from "../shared/domain/advisories/match";
import { authorPath } from "../shared/domain/cpan/distname";
import { buildEntry } from "../shared/domain/tlog/entry";
import { b64, leafHash } from "../shared/domain/tlog/hash";
import { type Release, describeRelease } from "../shared/domain/cpan/release";

/** What scanning one archive prints: the `--json` record and the readable text. */
export interface ScanOutput {
  readonly record: Record<string, unknown>;
  readonly text: string;
  readonly failed: boolean;
  /** Findings on the release itself or its bundled code (dependency findings are advice). */
  readonly vulnerable: boolean;
}

export interface ScanOptions {
  /** The feed compiled in the chosen mode, and in the other one (to say which modes agree). */
  readonly advisories?: { readonly chosen: CompiledFeed; readonly other: CompiledFeed };
  /** Directory for per-release results (`<Dist>-<version>/advisories.json`). */
  readonly out?: string;
}

/** Where a release's results go under --out: `<Dist>-<version>`, made safe as one path segment. */
export function releaseDir(r: Release, file: string): string {
  const name = r.distribution && r.version ? `${r.distribution}-${r.version}` : (r.path.distvname ?? file.split("/").pop() ?? "release");
  return name.replace(/[^A-Za-z0-9._+-]/g, "_").replace(/^\.+/, "_");
}

/**
 * The transparency-log entry the pipeline would append for this upload: needs the PAUSE id (from
 * an authors/id/ path); the upload time of a local file is its modification time.
 */
function logFields(r: Release, uploadedEpoch: string): Record<string, string> {
  if (!r.path.author) return {};
  const entry = buildEntry({ path: authorPath(r.path.author, r.path.filename), sha256: r.archive.sha256, size: r.archive.size, uploaded: uploadedEpoch });
  return { logEntry: entry, leafHash: b64(leafHash(new TextEncoder().encode(entry))) };
}

/** One `--json` line: the stable, documented shape of a scanned archive (docs/cli.md). */
export function scanRecord(file: string, r: Release, uploadedEpoch: string): Record<string, unknown> {
  return {
    file,
    distribution: r.distribution ?? null,
    version: r.version ?? null,
    ...(r.path.author ? { author: r.path.author } : {}),
    developer: r.developer,
    source: r.source,
    license: r.meta?.license ?? [],
    prereqs: r.meta?.prereqs ?? {},
    files: r.entries.filter((e) => e.type === "file").length,
    sha256: r.archive.sha256,
    size: r.archive.size,
    ...logFields(r, uploadedEpoch),
    ...(r.problems.length ? { problems: r.problems } : {}),
    ...(r.error ? { error: r.error.message } : {}),
  };
}

function human(file: string, r: Release, findings?: Finding[]): string {
  const id = `${r.distribution ?? "?"} ${r.version ?? "?"}${r.path.author ? ` by ${r.path.author}` : ""}${r.developer ? " (developer release)" : ""}`;
  if (r.error) return `${file}: ${id}: ERROR ${r.error.message}`;
  const runtime = Object.keys(r.meta?.prereqs.runtime?.requires ?? {}).length;
  return [
    `${file}: ${id}`,
    `  identity from ${r.source}; ${r.entries.filter((e) => e.type === "file").length} files; licence ${r.meta?.license.join(", ") ?? "not declared"}; ${runtime} runtime requirements`,
    `  sha256 ${r.archive.sha256}`,
    ...r.problems.map((p) => `  note: ${p}`),
    ...(findings ?? []).map((f) => `  ${f.kind === "dependency" ? "dependency" : "ADVISORY"} ${f.advisory} [${f.severity ?? "severity unknown"}]${f.dependency ? ` via ${f.dependency.module} "${f.dependency.range}" (${f.dependency.phase} ${f.dependency.relationship}): ${f.dependency.advice}` : f.component ? ` in bundled ${f.component}` : ""}${f.cves.length ? ` ${f.cves.join(", ")}` : ""}`),
  ].join("\n");
}

export async function scanOne(file: string, options: ScanOptions = {}): Promise<ScanOutput> {
  let bytes: Uint8Array;
  try {
    // Local files are small and many: a synchronous read beats an async open/stat/read/close.
    bytes = readFileSync(file);
  } catch (e) {
    const error = `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    return { record: { file, error }, text: `${file}: ERROR ${error}`, failed: true, vulnerable: false };
  }
  const r = await describeRelease(file, bytes);
  const uploaded = String(Math.floor(statSync(file).mtimeMs / 1000));
  const record = scanRecord(file, r, uploaded);
  let findings: Finding[] | undefined;
  if (options.advisories && r.distribution && r.version) {
    const { chosen, other } = options.advisories;
    findings = releaseFindings(chosen, other, { distribution: r.distribution, version: r.version, ...(r.meta ? { prereqs: r.meta.prereqs } : {}) });
    record.findings = findings;
    if (options.out) {
      const dir = join(options.out, releaseDir(r, file));
      mkdirSync(dir, { recursive: true });
      const doc = { release: { distribution: r.distribution, version: r.version, ...(r.path.author ? { author: r.path.author } : {}), sha256: r.archive.sha256 }, feed: chosen.feed.version, mode: chosen.mode, findings };
      writeFileSync(join(dir, "advisories.json"), `${JSON.stringify(doc, null, 2)}\n`);
      record.advisories = join(dir, "advisories.json");
    }
  } else if (options.advisories) {
    record.findings = [];
  }
  const vulnerable = !!findings?.some((f) => f.kind !== "dependency");
  return { record, text: human(file, r, findings), failed: !!r.error, vulnerable };
}
