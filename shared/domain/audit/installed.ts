/**
 * An installed perl library tree (or several, in @INC order), read without running Perl:
 * - cpanm's `.meta/<Dist-Version>/install.json` (and the MYMETA.json beside it): the exact
 *   distribution, version (from the CPAN pathname, as Carton reads it) and the modules it provides;
 * - `.packlist` files (`auto/Foo/Bar/.packlist`, written by every ExtUtils::MakeMaker or
 *   Module::Build install): the distribution of Foo::Bar, with the files it installed;
 * - every other .pm: its packages and $VERSIONs (module-version.ts), the module resolved to a
 *   distribution (02packages, then the feed's module2dist), the distribution's version being its
 *   main module's.
 * As perl does, the first tree that has a module wins: a later copy is shadowed, not audited.
 */
import { splitDistname, parseCpanPath } from "../cpan/distname";
import { parseMeta } from "../cpan/meta";
import { declaredLicense } from "../sbom/licenses";
import type { Resolution } from "../sbom/resolve";
import type { AppDistribution, Inventory } from "./inventory";
import { moduleVersions } from "./module-version";

export interface TreeFile {
  /** Path as shown to the user. */
  readonly path: string;
  /** Path below its tree, with `/` separators. */
  readonly rel: string;
  readonly text: string;
}

export interface Tree {
  readonly dir: string;
  readonly files: readonly TreeFile[];
}

export interface InstalledOptions {
  readonly resolve: (module: string) => Resolution;
  /** The feed's main_module for a distribution, when it names one. */
  readonly mainModule: (dist: string) => string | undefined;
}

interface Mod {
  readonly module: string;
  readonly version?: string;
  readonly unreadable?: string;
  readonly file: TreeFile;
  readonly line?: number;
}

const asPath = (module: string) => `${module.replace(/::/g, "/")}.pm`;
const endsWithPath = (rel: string, module: string) => rel === asPath(module) || rel.endsWith(`/${asPath(module)}`);
const parentDir = (rel: string) => rel.slice(0, rel.lastIndexOf("/"));

function fromMeta(tree: Tree, installJson: TreeFile, notes: string[]): { d: AppDistribution; provides: string[] } | undefined {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(installJson.text) as Record<string, unknown>;
  } catch (e) {
    notes.push(`${installJson.path}: not JSON (${(e as Error).message}); ignored`);
    return undefined;
  }
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const pathname = str(j.pathname);
  const byPath = pathname ? parseCpanPath(pathname) : undefined;
  const byDist = str(j.dist) ? splitDistname(str(j.dist) as string) : undefined;
  const name = byPath?.dist ?? byDist?.dist;
  if (!name) {
    notes.push(`${installJson.path}: names no distribution (no pathname or dist); ignored`);
    return undefined;
  }
  const version = byPath?.version ?? byDist?.version ?? str(j.version);
  const mymeta = tree.files.find((f) => f.rel === `${parentDir(installJson.rel)}/MYMETA.json`);
  let license;
  if (mymeta) {
    try {
      license = declaredLicense(parseMeta("META.json", new TextEncoder().encode(mymeta.text)));
    } catch {
      notes.push(`${mymeta.path}: unreadable; no licence taken from it`);
    }
  }
  const provides = j.provides && typeof j.provides === "object" ? Object.keys(j.provides as object) : [];
  const d: AppDistribution = {
    name,
    ...(version ? { version } : {}),
    ...(pathname ? { pathname } : {}),
    ...(byPath?.author ? { author: byPath.author } : {}),
    ...(license ? { license } : {}),
    source: "install.json",
    location: { file: installJson.path },
  };
  return { d, provides };
}

export function installedInventory(trees: readonly Tree[], o: InstalledOptions): Inventory {
  const notes: string[] = [];
  const modules = new Map<string, Mod>();
  for (const tree of trees) {
    for (const file of tree.files) {
      if (!file.rel.endsWith(".pm")) continue;
      for (const m of moduleVersions(file.text)) {
        // a package counts where its file is: Foo/Bar.pm declaring Foo::Bar (as PAUSE indexes)
        if (!endsWithPath(file.rel, m.module) || modules.has(m.module)) continue;
        modules.set(m.module, { ...m, file });
      }
    }
  }
  const dists = new Map<string, AppDistribution>();
  const claimed = new Set<string>();
  const add = (d: AppDistribution) => {
    const had = dists.get(d.name);
    if (had) {
      if (had.version !== d.version)
        notes.push(
          `${d.name} ${d.version ?? "(version unknown)"} at ${d.location.file} is shadowed by ${had.version ?? "(version unknown)"} at ${had.location.file}`,
        );
      return;
    }
    dists.set(d.name, d);
  };
  for (const tree of trees) {
    for (const f of tree.files) {
      if (!/(?:^|\/)\.meta\/[^/]+\/install\.json$/.test(f.rel)) continue;
      const r = fromMeta(tree, f, notes);
      if (!r) continue;
      add(r.d);
      for (const m of r.provides) claimed.add(m);
    }
  }
  for (const tree of trees) {
    for (const f of tree.files) {
      const m = /(?:^|\/)auto\/(.+)\/\.packlist$/.exec(f.rel);
      if (!m) continue;
      const module = (m[1] as string).replace(/\//g, "::");
      const files = new Set(
        f.text
          .split("\n")
          .map((l) => l.replace(/\s+\S+=\S+$/, "").trim())
          .filter(Boolean),
      );
      for (const x of modules.values()) if (files.has(x.file.path)) claimed.add(x.module);
      claimed.add(module);
      const r = o.resolve(module);
      if (!r.distribution) {
        notes.push(`${f.path}: ${module} resolves to no distribution (not in 02packages or the feed's module2dist); not audited`);
        continue;
      }
      if (r.distribution === "perl") continue;
      const main = modules.get(module);
      add({ name: r.distribution, ...(main?.version ? { version: main.version } : {}), source: ".packlist", location: { file: f.path } });
      if (!main?.version)
        notes.push(`${f.path}: the $VERSION of ${module} could not be read${main?.unreadable ? ` (${main.unreadable})` : ""}; ${r.distribution} not matched`);
    }
  }
  const loose = new Map<string, Mod[]>();
  for (const m of modules.values()) {
    if (claimed.has(m.module)) continue;
    const r = o.resolve(m.module);
    if (!r.distribution || r.distribution === "perl" || dists.has(r.distribution)) continue;
    loose.set(r.distribution, [...(loose.get(r.distribution) ?? []), m]);
  }
  for (const [dist, mods] of loose) {
    const names = [o.mainModule(dist), dist.replace(/-/g, "::")];
    const main = names.map((n) => mods.find((m) => m.module === n)).find((m) => m);
    if (!main) {
      notes.push(`${dist}: ${mods.length} module(s) installed (${mods[0]?.module}...) but not its main module; version unknown, not matched`);
      continue;
    }
    if (!main.version)
      notes.push(`${main.file.path}: the $VERSION of ${main.module} could not be read${main.unreadable ? ` (${main.unreadable})` : ""}; ${dist} not matched`);
    add({
      name: dist,
      ...(main.version ? { version: main.version } : {}),
      source: "module",
      location: { file: main.file.path, ...(main.line ? { line: main.line } : {}) },
    });
  }
  const distributions = [...dists.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { kind: "installed", files: trees.map((t) => t.dir), distributions, notes };
}
