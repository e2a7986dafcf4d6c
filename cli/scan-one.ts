import { readFileSync, statSync } from "node:fs";
import { authorPath } from "../shared/domain/cpan/distname";
import { buildEntry } from "../shared/domain/tlog/entry";
import { b64, leafHash } from "../shared/domain/tlog/hash";
import { type Release, describeRelease } from "../shared/domain/cpan/release";

/** What scanning one archive prints: the `--json` record and the readable text. */
export interface ScanOutput {
  readonly record: Record<string, unknown>;
  readonly text: string;
  readonly failed: boolean;
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

function human(file: string, r: Release): string {
  const id = `${r.distribution ?? "?"} ${r.version ?? "?"}${r.path.author ? ` by ${r.path.author}` : ""}${r.developer ? " (developer release)" : ""}`;
  if (r.error) return `${file}: ${id}: ERROR ${r.error.message}`;
  const runtime = Object.keys(r.meta?.prereqs.runtime?.requires ?? {}).length;
  return [
    `${file}: ${id}`,
    `  identity from ${r.source}; ${r.entries.filter((e) => e.type === "file").length} files; licence ${r.meta?.license.join(", ") ?? "not declared"}; ${runtime} runtime requirements`,
    `  sha256 ${r.archive.sha256}`,
    ...r.problems.map((p) => `  note: ${p}`),
  ].join("\n");
}

export async function scanOne(file: string): Promise<ScanOutput> {
  let bytes: Uint8Array;
  try {
    // Local files are small and many: a synchronous read beats an async open/stat/read/close.
    bytes = readFileSync(file);
  } catch (e) {
    const error = `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    return { record: { file, error }, text: `${file}: ERROR ${error}`, failed: true };
  }
  const r = await describeRelease(file, bytes);
  const uploaded = String(Math.floor(statSync(file).mtimeMs / 1000));
  return { record: scanRecord(file, r, uploaded), text: human(file, r), failed: !!r.error };
}
