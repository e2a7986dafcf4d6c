/**
 * The packages a .pm file declares and their $VERSIONs, read as Module::Metadata reads them but
 * without running anything: POD and everything after __END__/__DATA__ skipped; `package NAME
 * [VERSION]` statements; per package the first line assigning `$VERSION` (or `$NAME::VERSION`).
 * Module::Metadata evaluates that line; here its value is taken only when it is a literal: a
 * quoted string, a number, a v-string, or one of those inside version->declare/new/parse or qv().
 * Anything else (sprintf over an RCS keyword, a computed value) is reported, never guessed.
 */
export interface ModuleVersion {
  readonly module: string;
  readonly version?: string;
  /** Why the version was not read, when a $VERSION line was there but not a literal. */
  readonly unreadable?: string;
  readonly line?: number;
}

const PACKAGE = /^\s*package\s+([A-Za-z_]\w*(?:(?:::|')\w+)*)(?:\s+(v?\d[\d._]*))?\s*[;{]/;
// Module::Metadata's VERS_REGEXP: `$VERSION` or `$Pkg::VERSION`, maybe in parens, then `=` but not `==`, `=~`, `=>`.
const ASSIGN = /(?:\(\s*)?[$*]((?:[\w:']*(?:::|'))?)VERSION\b\s*\)?\s*=(?![=~>])\s*(.*)$/;
const LITERAL = /^(?:(["'])(v?[\d._]+)\1|(v?\d[\d._]*))/;
const WRAPPED = /^(?:version\s*->\s*(?:declare|new|parse)|version::(?:qv|declare)|qv)\s*\(\s*(["']?)(v?[\d._]+)\1\s*\)/;

/** A bare numeric literal is a number to Perl: `0.10` is 0.1 and `1_000` is 1000 (%.15g). */
function perlNumber(lit: string): string {
  if (lit.startsWith("v") || (lit.match(/\./g) ?? []).length > 1) return lit;
  const n = Number(lit.replace(/_/g, ""));
  return Number.isFinite(n) ? String(Number(n.toPrecision(15))) : lit;
}

export function moduleVersions(source: string): ModuleVersion[] {
  const found = new Map<string, ModuleVersion>();
  let pkg = "main";
  let inPod = false;
  const lines = source.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] as string;
    if (/^=cut\b/.test(line)) {
      inPod = false;
      continue;
    }
    if (inPod) continue;
    if (/^=[A-Za-z]/.test(line)) {
      inPod = true;
      continue;
    }
    if (/^__(?:END|DATA)__\b/.test(line)) break;
    const code = line.replace(/^\s*#.*$/, "");
    const p = PACKAGE.exec(code);
    if (p) {
      pkg = (p[1] as string).replace(/'/g, "::");
      if (!found.has(pkg)) found.set(pkg, p[2] ? { module: pkg, version: p[2], line: n + 1 } : { module: pkg });
      if (p[2]) continue;
    }
    const a = ASSIGN.exec(code);
    if (!a || /^\s*(?:my|local)\s/.test(code.slice(0, a.index))) continue;
    const owner = a[1] ? (a[1] as string).replace(/(?:::|')$/, "").replace(/'/g, "::") || "main" : pkg;
    const prev = found.get(owner);
    if (prev?.version !== undefined || prev?.unreadable) continue;
    const rhs = (a[2] as string).trim();
    const m = WRAPPED.exec(rhs) ?? LITERAL.exec(rhs);
    const version = m ? (m[3] !== undefined ? perlNumber(m[3]) : (m[2] as string)) : undefined;
    found.set(
      owner,
      version !== undefined
        ? { module: owner, version, line: n + 1 }
        : { module: owner, unreadable: `line ${n + 1}: $VERSION is not a literal: ${rhs.slice(0, 80)}`, line: n + 1 },
    );
  }
  found.delete("main");
  return [...found.values()];
}
