/**
 * The overlay's modules/02packages.details.txt.gz, in PAUSE's layout: the header lines, a blank
 * line, then one `Package  version  A/AU/AUTHOR/file` line per package, sorted as PAUSE sorts
 * (case-insensitively). ../cpan/packages.ts reads it back; cpanm matches `^Package\s+version\s+path`.
 * Gzip without a name or time, so the same rows give the same bytes.
 */
import { gzipSync } from "node:zlib";
import { byCodePoint } from "../order";

export interface PackageRow {
  readonly name: string;
  /** As the package's $VERSION says (PAUSE's rule), or undef. */
  readonly version: string | null;
  /** Below authors/id/: C/CP/CPANSEC/File-Find-Rule-0.34-PATCHED-CVE-2011-10007-r1.tar.gz */
  readonly path: string;
}

const MODULE = /^[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z0-9_]+)*$/;
const VERSION = /^v?[0-9][0-9._]*$/;

export function format02packages(rows: readonly PackageRow[], url: string, now: Date): Uint8Array {
  for (const r of rows) {
    // cpanm reads the version as [\w.]+ and the path as \S+: anything else would misparse the line.
    if (!MODULE.test(r.name)) throw new Error(`02packages: ${JSON.stringify(r.name)} is not a package name`);
    if (r.version !== null && !VERSION.test(r.version)) throw new Error(`02packages: ${r.name} version ${JSON.stringify(r.version)} is not a version`);
    if (/\s/.test(r.path) || !r.path) throw new Error(`02packages: ${r.name} path ${JSON.stringify(r.path)}`);
  }
  const sorted = [...rows].sort((a, b) => byCodePoint(a.name.toLowerCase(), b.name.toLowerCase()) || byCodePoint(a.name, b.name));
  const header = [
    "File:         02packages.details.txt",
    `URL:          ${url}`,
    "Description:  Package names found in directory $CPAN/authors/id/",
    "Columns:      package name, version, path",
    "Intended-For: Automated fetch routines, namespace documentation.",
    "Written-By:   cpansec-pipeline (a patched CPAN overlay, docs/patches.md)",
    `Line-Count:   ${sorted.length}`,
    `Last-Updated: ${now.toUTCString()}`,
  ];
  const body = sorted.map((r) => `${r.name.padEnd(30)} ${(r.version ?? "undef").padStart(8)}  ${r.path}`);
  return gzipSync(`${[...header, "", ...body].join("\n")}\n`, { level: 9 });
}
