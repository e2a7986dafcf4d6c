/**
 * modules/02packages.details.txt: which distribution (the latest indexed archive) provides each
 * module. Header lines `Key: value`, a blank line, then `Module::Name  version  A/AU/AUTHOR/Dist-1.0.tar.gz`.
 */
import { parseCpanPath } from "./distname";

export class PackagesIndexError extends Error {
  override readonly name = "PackagesIndexError";
}

export interface IndexedModule {
  readonly version: string | null;
  /** Path below authors/id/, e.g. E/ET/ETHER/Try-Tiny-0.31.tar.gz */
  readonly path: string;
  readonly distribution?: string;
  readonly author?: string;
}

export interface PackagesIndex {
  readonly header: Readonly<Record<string, string>>;
  readonly modules: ReadonlyMap<string, IndexedModule>;
}

export function parsePackagesIndex(text: string): PackagesIndex {
  const blank = text.search(/\r?\n\r?\n/);
  if (blank < 0) throw new PackagesIndexError("02packages: no blank line after the header");
  const header: Record<string, string> = {};
  for (const line of text.slice(0, blank).split(/\r?\n/)) {
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!m) throw new PackagesIndexError(`02packages: bad header line ${JSON.stringify(line.slice(0, 80))}`);
    header[m[1] as string] = m[2] as string;
  }
  const modules = new Map<string, IndexedModule>();
  const body = text.slice(blank).split(/\r?\n/);
  body.forEach((line, i) => {
    if (!line.trim()) return;
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3) throw new PackagesIndexError(`02packages: line ${i} is not "module version path": ${JSON.stringify(line.slice(0, 120))}`);
    const [module, version, path] = parts as [string, string, string];
    const info = parseCpanPath(`authors/id/${path}`);
    modules.set(module, {
      version: version === "undef" ? null : version,
      path,
      ...(info.dist ? { distribution: info.dist } : {}),
      ...(info.author ? { author: info.author } : {}),
    });
  });
  const count = header["Line-Count"];
  if (count !== undefined && Number(count) !== modules.size) throw new PackagesIndexError(`02packages: header says ${count} lines, found ${modules.size}`);
  return { header, modules };
}
