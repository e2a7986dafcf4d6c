import { type PackagesIndex, parsePackagesIndex } from "../shared/domain/cpan/packages";
import { FETCH_LIMITS } from "../shared/domain/fetch-limits";
import { packagesText } from "../shared/domain/cpan/packages-text";
import { readFileUnder } from "./read-file-under";

/**
 * `--packages FILE`: 02packages.details.txt or its .gz. Skipped lines are said on stderr (the index
 * is still used); a file that cannot be read or has no header is a usage-level error (exit 2).
 */
export async function loadPackagesOrExit(file: string): Promise<PackagesIndex | undefined> {
  return (await loadPackagesTextOrExit(file))?.index;
}

/** loadPackagesOrExit with the text the index was parsed from (a scan's threads parse their own). */
export async function loadPackagesTextOrExit(file: string): Promise<{ index: PackagesIndex; text: string } | undefined> {
  try {
    const text = packagesText(await readFileUnder(file, FETCH_LIMITS.packagesIndexText));
    const index = parsePackagesIndex(text);
    if (index.skipped || index.problems.length) {
      process.stderr.write(`cpansec: ${file}: ${index.skipped} line(s) skipped${index.problems.length ? `: ${index.problems.slice(0, 3).join("; ")}` : ""}\n`);
    }
    return { index, text };
  } catch (e) {
    process.stderr.write(`cpansec: cannot use the 02packages file ${file}: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return undefined;
  }
}
