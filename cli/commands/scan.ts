import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { type Release, describeRelease } from "../../shared/domain/cpan/release";

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
  const lines = [
    `${file}: ${id}`,
    `  identity from ${r.source}; ${r.entries.filter((e) => e.type === "file").length} files; licence ${r.meta?.license.join(", ") ?? "not declared"}; ${runtime} runtime requirements`,
    `  sha256 ${r.archive.sha256}`,
    ...r.problems.map((p) => `  note: ${p}`),
  ];
  return lines.join("\n");
}

export function registerScan(program: Command): void {
  program
    .command("scan")
    .description("describe CPAN archives offline: identity, META, file manifest")
    .argument("<archive...>", "distribution archives (.tar.gz, .tgz, .tar.bz2, .tar.xz, .zip)")
    .option("--json", "one JSON object per archive per line")
    .addHelpText("after", "\nExit status: 0 when every archive was read, 1 when any could not be read, 2 on usage errors.")
    .action(async (archives: string[], opts: { json?: boolean }) => {
      let failed = 0;
      for (const file of archives) {
        let bytes: Uint8Array;
        try {
          bytes = await readFile(file);
        } catch (e) {
          failed++;
          const message = `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
          process.stdout.write(opts.json ? `${JSON.stringify({ file, error: message })}\n` : `${file}: ERROR ${message}\n`);
          continue;
        }
        const r = await describeRelease(file, bytes);
        if (r.error) failed++;
        process.stdout.write(`${opts.json ? JSON.stringify(scanRecord(file, r)) : human(file, r)}\n`);
      }
      process.exitCode = failed ? 1 : 0;
    });
}
