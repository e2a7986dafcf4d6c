/**
 * What `cpansec audit` reads, turned into an Inventory: the one input given (snapshot, cpanfile,
 * installed trees, SBOM), the feed, 02packages and the exclusions. Every file is read under a
 * size limit; anything that cannot be read or parsed is a UserError with exit 3 (unreadable
 * input), said in one line.
 */
import { spawnSync } from "node:child_process";
import { FETCH_LIMITS } from "../shared/domain/fetch-limits";
import { type Dirent, readdirSync, realpathSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { packagesText } from "../shared/domain/cpan/packages-text";
import type { Feed } from "../shared/domain/advisories/feed";
import { type PackagesIndex, parsePackagesIndex } from "../shared/domain/cpan/packages";
import { parseCpanfile } from "../shared/domain/audit/cpanfile";
import { type Tree, type TreeFile, installedInventory } from "../shared/domain/audit/installed";
import type { Inventory } from "../shared/domain/audit/inventory";
import { parseSbomInventory } from "../shared/domain/audit/sbom-input";
import { parseSnapshot } from "../shared/domain/audit/snapshot";
import type { Resolution } from "../shared/domain/sbom/resolve";
import { EXIT, UserError, isNetworkError } from "./errors";
import { loadFeed, readSourceBytes } from "./feed-source";
import { readFileUnder } from "./read-file-under";

export const INPUT_LIMIT = FETCH_LIMITS.auditInput;
const MODULE_LIMIT = FETCH_LIMITS.auditModule;
const TREE_FILES_LIMIT = 500_000;

/** Runs `read`, turning any failure into exit 3 with the input named (network failures keep exit 4). */
export async function unreadable<T>(what: string, read: () => Promise<T> | T): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (isNetworkError(e)) throw e;
    const message = (e as Error).message;
    // the readers' own errors (SnapshotError, CpanfileError...) already name the file and line
    throw new UserError(message.startsWith(what) ? message : `cannot read ${what}: ${message}`, EXIT.unreadableArchive, { cause: e });
  }
}

export const readText = async (file: string) => new TextDecoder().decode(await readFileUnder(file, INPUT_LIMIT));

/** The feed, with the CVE records under `cveDir` merged in when given (an unreadable DIR: usage, exit 2). */
export async function loadAuditFeed(source: string, cveDir?: string, warn: (s: string) => void = () => {}): Promise<Feed> {
  const feed = await unreadable(`the advisory feed ${source}`, () => loadFeed(source));
  if (!cveDir) return feed;
  const { CveDirError, withCveDir } = await import("./cve-source");
  return withCveDir(feed, cveDir, warn).catch((e: unknown) => {
    throw e instanceof CveDirError ? new UserError(e.message, EXIT.usage) : e;
  });
}

/** 02packages from `--packages FILE` or `--mirror DIR|URL` (its modules/02packages.details.txt.gz). */
export async function loadPackages(o: { packages?: string; mirror?: string }, warn: (s: string) => void): Promise<PackagesIndex | undefined> {
  const source = o.packages ?? (o.mirror ? `${o.mirror.replace(/\/+$/, "")}/modules/02packages.details.txt.gz` : undefined);
  if (!source) return undefined;
  return unreadable(`02packages ${source}`, async () => {
    const raw = await readSourceBytes(source, INPUT_LIMIT);
    if (!raw) throw new Error("not found");
    const index = parsePackagesIndex(packagesText(raw));
    if (index.skipped) warn(`${source}: ${index.skipped} line(s) skipped${index.problems.length ? `: ${index.problems.slice(0, 3).join("; ")}` : ""}`);
    return index;
  });
}

/** The @INC of the perl on PATH, in its order. */
export function perlInc(): string[] {
  const r = spawnSync("perl", ["-e", 'print join "\\n", @INC'], { encoding: "utf8" });
  if (r.error || r.status !== 0)
    throw new UserError(
      `--installed without a directory reads the @INC of perl, but perl could not be run: ${r.error?.message ?? r.stderr.trim()}`,
      EXIT.unreadableArchive,
    );
  return r.stdout.split("\n").filter((d) => d && d !== ".");
}

/** The files of a tree the installed reader needs: .pm files, .packlist, and .meta/<dist>/ JSON. Symlinks are not followed. */
export function readTree(dir: string, notes: string[]): Tree {
  const root = realpathSync(dir);
  if (!statSync(root).isDirectory()) throw new Error(`${dir} is not a directory`);
  const files: TreeFile[] = [];
  const walk = (rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch (e) {
      notes.push(`${join(root, rel)}: not readable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); skipped`);
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (
        e.isFile() &&
        (e.name.endsWith(".pm") || e.name === ".packlist" || (/(?:^|\/)\.meta\/[^/]+$/.test(rel) && (e.name === "install.json" || e.name === "MYMETA.json")))
      ) {
        if (files.length >= TREE_FILES_LIMIT) throw new Error(`${dir}: more than ${TREE_FILES_LIMIT} module files`);
        const path = join(root, r);
        try {
          if (statSync(path).size > MODULE_LIMIT) {
            notes.push(`${path}: over ${MODULE_LIMIT} bytes; not read`);
            continue;
          }
          files.push({ path, rel: r, text: readFileSync(path, "latin1") });
        } catch (e) {
          notes.push(`${path}: not readable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); skipped`);
        }
      }
    }
  };
  walk("");
  return { dir: root, files };
}

export interface InputChoice {
  snapshot?: string;
  cpanfile?: string;
  installed?: string[] | true;
  sbom?: string;
}

export async function readInventory(c: InputChoice, feed: Feed, resolve: (m: string) => Resolution): Promise<Inventory> {
  if (c.snapshot) {
    const file = c.snapshot;
    return unreadable(file, async () => parseSnapshot(await readText(file), file));
  }
  if (c.cpanfile) {
    const file = c.cpanfile;
    return unreadable(file, async () => {
      const r = parseCpanfile(await readText(file), file);
      return { kind: "cpanfile", files: [file], distributions: [], cpanfile: { prereqs: r.prereqs, lines: r.lines }, notes: r.notes };
    });
  }
  if (c.sbom) {
    const file = c.sbom;
    return unreadable(file, async () => parseSbomInventory(await readText(file), file, resolve));
  }
  const dirs = c.installed === true || !c.installed?.length ? perlInc() : c.installed;
  const notes: string[] = [];
  const trees: Tree[] = [];
  for (const d of dirs) {
    // @INC may name directories that do not exist (site dirs nobody installed into): perl skips them too
    if (c.installed === true && !isDir(d)) continue;
    trees.push(await unreadable(d, () => readTree(d, notes)));
  }
  const inv = installedInventory(trees, { resolve, mainModule: (dist) => feed.dists[dist]?.mainModule });
  return { ...inv, notes: [...notes, ...inv.notes] };
}

function isDir(d: string): boolean {
  try {
    return statSync(d).isDirectory();
  } catch {
    return false;
  }
}
