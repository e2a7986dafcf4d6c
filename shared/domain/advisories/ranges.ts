/**
 * The advisory feed's version ranges, in two modes (docs/decisions/0005-advisory-ranges.md):
 * - strict (default): `=` is `==`; a bare version is `==` in affected_versions and `>=` in
 *   fixed_versions; a clause that does not parse makes its element never match (and is reported);
 * - cpan-audit: exactly CPAN::Audit::Version::in_range, quirks included.
 * An element list is OR'd, comma clauses inside an element AND'd.
 */
import { InvalidVersionError, compareVersions, parseVersion, parseVersionExact, type PerlVersion } from "../cpan/version";

export type MatchMode = "strict" | "cpan-audit";
export type RangeKind = "affected" | "fixed";
export type Matcher = (v: PerlVersion) => boolean;

type Op = "<" | "<=" | ">" | ">=" | "==" | "!=";
const TEST: Record<Op, (c: number) => boolean> = {
  "<": (c) => c < 0,
  "<=": (c) => c <= 0,
  ">": (c) => c > 0,
  ">=": (c) => c >= 0,
  "==": (c) => c === 0,
  "!=": (c) => c !== 0,
};

const NEVER: Matcher = () => false;

/**
 * A compiled element. `bounds` are the versions its clauses compare against: its answer for a
 * version depends on nothing but how that version compares with each of them (match.ts relies on
 * this to answer every version between two bounds alike).
 */
export interface Element {
  readonly match: Matcher;
  readonly bounds: readonly PerlVersion[];
  /** Strict mode: why the element cannot be read (it then never matches). */
  readonly problem?: string;
}

/** A strict element: a matcher, or why it cannot be read (it then never matches). */
export function strictElement(element: string, kind: RangeKind): Element {
  const clauses = element.split(",").map((c) => c.trim());
  const tests: { op: Op; v: PerlVersion }[] = [];
  for (const clause of clauses) {
    const m = /^(<=|<|>=|>|==|!=|=)?\s*(\S+)$/.exec(clause);
    if (!m) return { match: NEVER, bounds: [], problem: `clause ${JSON.stringify(clause)} is not "<op> <version>"` };
    const op: Op = m[1] === "=" ? "==" : ((m[1] as Op | undefined) ?? (kind === "affected" ? "==" : ">="));
    try {
      tests.push({ op, v: parseVersionExact(m[2] as string) });
    } catch (e) {
      if (!(e instanceof InvalidVersionError)) throw e;
      return { match: NEVER, bounds: [], problem: `clause ${JSON.stringify(clause)}: ${e.message}` };
    }
  }
  return { match: (v) => tests.every((t) => TEST[t.op](compareVersions(v, t.v))), bounds: tests.map((t) => t.v) };
}

/** version->parse, or undefined where it dies (in_range's eval). */
function lax(s: string): PerlVersion | undefined {
  try {
    return parseVersion(s);
  } catch {
    return undefined;
  }
}

/**
 * CPAN::Audit::Version::in_range as a matcher. Its quirks, kept on purpose: a bare version means
 * `>=`; `=V` never matches (it is not an operator there, and "=V" is not a version); an empty
 * range matches everything; and a clause its pattern cannot read (say, with a trailing space)
 * becomes `version->parse(undef)`, version 0, so `>= 0`: it matches every version.
 */
export function cpanAuditElement(range: string): Matcher {
  return cpanAuditRange(range).match;
}

/** cpanAuditElement with the versions it compares against. */
export function cpanAuditRange(range: string): Element {
  // Perl's split drops trailing empty fields (and yields nothing at all for "").
  const ands = range.split(/\s*,\s*/);
  while (ands.length && ands[ands.length - 1] === "") ands.pop();
  const tests: ({ op: Op; v: PerlVersion } | "fail")[] = ands.map((and) => {
    const m = /^(<=|<|>=|>|==|!=)?\s*(\S+)$/.exec(and);
    const v = m ? lax(m[2] as string) : parseVersion("undef");
    return v ? { op: (m?.[1] as Op | undefined) ?? ">=", v } : "fail";
  });
  const match: Matcher = (version) => {
    for (const t of tests) {
      if (t === "fail") return false;
      if (!TEST[t.op](compareVersions(version, t.v))) return false;
    }
    return true;
  };
  return { match, bounds: tests.flatMap((t) => (t === "fail" ? [] : [t.v])) };
}

export { lax as parseLaxVersion };
