/**
 * modules/02packages.details.txt: which distribution (the latest indexed archive) provides each
 * module. Header lines `Key: value`, a blank line, then `Module::Name  version  A/AU/AUTHOR/Dist-1.0.tar.gz`.
 * The file comes from a mirror, so it is hostile input: a line that is not of that form is skipped
 * and counted (one bad line must not cost the whole index), and only a file with no header/body
 * separation at all is rejected.
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
  /** Lines skipped (malformed, or a module listed twice), and the first few of them, described. */
  readonly skipped: number;
  readonly problems: readonly string[];
}

const MODULE = /^[A-Za-z_][A-Za-z0-9_]*(?:(?:::|')[A-Za-z0-9_]+)*$/;
const PATH = /^[A-Z]\/[A-Z]{2}\/[A-Z][-A-Z0-9]*\/[^\s]+$/;
const KEEP = 20;

export function parsePackagesIndex(text: string): PackagesIndex {
  const blank = text.search(/\r?\n\r?\n/);
  if (blank < 0) throw new PackagesIndexError("02packages: no blank line after the header");
  let skipped = 0;
  const problems: string[] = [];
  const skip = (why: string) => {
    skipped++;
    if (problems.length < KEEP) problems.push(why);
  };
  const header: Record<string, string> = {};
  text
    .slice(0, blank)
    .split(/\r?\n/)
    .forEach((line, i) => {
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m) header[m[1] as string] = m[2] as string;
      else skip(`header line ${i + 1} is not "Key: value": ${JSON.stringify(line.slice(0, 80))}`);
    });
  const modules = new Map<string, IndexedModule>();
  let lines = 0;
  const offset = text.slice(0, blank).split(/\r?\n/).length;
  text
    .slice(blank)
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim()) return;
      lines++;
      const where = `line ${offset + i}`;
      const parts = line.trim().split(/\s+/);
      if (parts.length !== 3) return skip(`${where} is not "module version path": ${JSON.stringify(line.slice(0, 120))}`);
      const [module, version, path] = parts as [string, string, string];
      if (!MODULE.test(module)) return skip(`${where}: ${JSON.stringify(module.slice(0, 80))} is not a module name`);
      if (!PATH.test(path) || path.split("/").includes("..")) return skip(`${where}: ${JSON.stringify(path.slice(0, 120))} is not an A/AU/AUTHOR/file path`);
      const info = parseCpanPath(`authors/id/${path}`);
      if (!info.dist) return skip(`${where}: ${JSON.stringify(path.slice(0, 120))} names no distribution archive`);
      if (modules.has(module)) return skip(`${where}: ${module} is listed twice (the first line is kept)`);
      modules.set(module, { version: version === "undef" ? null : version, path, distribution: info.dist, ...(info.author ? { author: info.author } : {}) });
    });
  const count = header["Line-Count"];
  if (count !== undefined && Number(count) !== lines) problems.push(`header says ${count} lines, found ${lines}`);
  return { header, modules, skipped, problems };
}
