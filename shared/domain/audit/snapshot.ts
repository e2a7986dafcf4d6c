/**
 * Carton's lock file, cpanfile.snapshot (Carton::Snapshot, "version 1.0"): one entry per installed
 * distribution with its CPAN pathname, the modules it provides and the modules it requires. The
 * version audited is the one the pathname gives (CPAN::DistnameInfo's reading, as CPAN::Audit
 * does); the graph is each entry's requirements resolved through the other entries' `provides`
 * (a requirement no entry provides is perl's own or was never installed: no edge).
 */
import { parseCpanPath } from "../cpan/distname";
import type { AppDistribution, Inventory } from "./inventory";

export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
}

interface Entry {
  name: string;
  line: number;
  pathname?: string;
  provides: string[];
  requirements: string[];
}

const HEADER = /^# carton snapshot format: version 1\.0\s*$/;

export function parseSnapshot(text: string, file: string): Inventory {
  const lines = text.split(/\r?\n/);
  if (!HEADER.test(lines[0] ?? "")) throw new SnapshotError(`${file}: line 1 is not "# carton snapshot format: version 1.0"`);
  const entries: Entry[] = [];
  let section: "provides" | "requirements" | undefined;
  let inDists = false;
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (i === 0 || raw.trim() === "" || /^\s*#/.test(raw)) return;
    const bad = (why: string) => new SnapshotError(`${file}: line ${n}: ${why}: ${JSON.stringify(raw.slice(0, 120))}`);
    if (raw === "DISTRIBUTIONS") return void (inDists = true);
    if (!inDists) throw bad("expected DISTRIBUTIONS");
    const m = /^( *)(\S.*?)\s*$/.exec(raw) as RegExpExecArray;
    const depth = (m[1] as string).length;
    const body = m[2] as string;
    const cur = entries[entries.length - 1];
    if (depth === 2) {
      entries.push({ name: body, line: n, provides: [], requirements: [] });
      section = undefined;
    } else if (depth === 4 && cur) {
      const kv = /^(pathname|provides|requirements):\s*(.*)$/.exec(body);
      if (!kv) throw bad("unknown field");
      if (kv[1] === "pathname") {
        if (!kv[2]) throw bad("empty pathname");
        cur.pathname = kv[2];
        section = undefined;
      } else section = kv[1] as "provides" | "requirements";
    } else if (depth === 6 && cur && section) {
      const mv = /^(\S+)(?:\s+(\S+))?$/.exec(body);
      if (!mv) throw bad("expected `Module version`");
      cur[section].push(mv[1] as string);
    } else throw bad("unexpected indentation");
  });
  const notes: string[] = [];
  const provider = new Map<string, string>();
  const distributions: AppDistribution[] = [];
  for (const e of entries) {
    const info = e.pathname ? parseCpanPath(e.pathname) : undefined;
    if (!info?.dist) {
      notes.push(`${file}:${e.line}: ${e.name}: ${e.pathname ? `pathname ${e.pathname} names no distribution` : "no pathname"}; not audited`);
      continue;
    }
    for (const mod of e.provides) if (!provider.has(mod)) provider.set(mod, info.dist);
    distributions.push({
      name: info.dist,
      ...(info.version !== undefined ? { version: info.version } : {}),
      pathname: e.pathname as string,
      ...(info.author ? { author: info.author } : {}),
      source: "snapshot",
      location: { file, line: e.line },
    });
  }
  const dependencies = new Map<string, Set<string>>();
  for (const e of entries) {
    const from = e.pathname ? parseCpanPath(e.pathname).dist : undefined;
    if (!from) continue;
    const to = dependencies.get(from) ?? new Set<string>();
    for (const mod of e.requirements) {
      const d = provider.get(mod);
      if (d && d !== from) to.add(d);
    }
    dependencies.set(from, to);
  }
  return { kind: "snapshot", files: [file], distributions, dependencies, notes };
}
