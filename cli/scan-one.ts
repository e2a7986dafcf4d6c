import { readFileSync } from "node:fs";
import { type Release, describeRelease } from "../shared/domain/cpan/release";

/** What scanning one archive prints: the `--json` record and the readable text. */
export interface ScanOutput {
  readonly record: Record<string, unknown>;
  readonly text: string;
  readonly failed: boolean;
}

/** One `--json` line: the stable, documented shape of a scanned archive (docs/cli.md). */
export function scanRecord(file: string, r: Release): Record<string, unknown> {
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
  return { record: scanRecord(file, r), text: human(file, r), failed: !!r.error };
}
