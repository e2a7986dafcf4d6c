/**
 * Version ranges as CPAN::Meta::Requirements 2.140 reads, merges, prints and checks them:
 * `">= 1.2, != 1.5, < 2"`, where a bare version means `>=` and "0" means any version.
 */
import { InvalidVersionError, compareVersions, normalVersion, parseVersionExact, type PerlVersion } from "./version";

export class RequirementError extends Error {
  override readonly name = "RequirementError";
}

export type Range =
  | { readonly kind: "exact"; readonly version: PerlVersion }
  | { readonly kind: "range"; readonly minimum?: PerlVersion; readonly maximum?: PerlVersion; readonly exclusions: readonly PerlVersion[] };

const V0: PerlVersion = { original: "0", parts: [0], qv: false, alpha: false };
const ANY: Range = { kind: "range", minimum: V0, exclusions: [] };

/** How a string that is not a version is handled: throw (the default) or replace it. */
export type BadVersionHook = (raw: string) => PerlVersion;

/** `_version_object`: "0" is V0, a leading "." gains a 0, dotted versions are normalised. */
export function requirementVersion(raw: string, onBad?: BadVersionHook): PerlVersion {
  if (raw === "0") return V0;
  let v: PerlVersion;
  try {
    v = parseVersionExact(raw);
  } catch (e) {
    if (onBad) v = onBad(raw);
    else throw new RequirementError(`Can't convert '${raw}': ${(e as InvalidVersionError).message}`, { cause: e });
  }
  if (v.original.startsWith(".")) v = parseVersionExact(`0${v.original}`);
  if (v.qv) v = parseVersionExact(normalVersion(v));
  return v;
}

const cmp = compareVersions;
const reject = (module: string, why: string): never => {
  throw new RequirementError(`illegal requirements for ${module}: ${why}`);
};

function simplify(r: Extract<Range, { kind: "range" }>, module: string): Range {
  const { minimum: min, maximum: max } = r;
  if (min && max) {
    if (cmp(min, max) === 0) {
      if (r.exclusions.some((e) => cmp(e, min) === 0)) reject(module, `minimum and maximum are both ${min.original}, which is excluded`);
      return { kind: "exact", version: min };
    }
    if (cmp(min, max) > 0) reject(module, `minimum ${min.original} exceeds maximum ${max.original}`);
  }
  const seen = new Set<string>();
  const exclusions = r.exclusions.filter((e) => {
    const keep = (!min || cmp(e, min) >= 0) && (!max || cmp(e, max) <= 0) && !seen.has(e.original);
    seen.add(e.original);
    return keep;
  });
  return { ...r, exclusions };
}

type Op = "min" | "max" | "exclude" | "exact";

function apply(r: Range | undefined, op: Op, v: PerlVersion, module: string): Range {
  if (r?.kind === "exact") {
    const e = r.version;
    const ok = op === "exact" ? cmp(e, v) === 0 : op === "min" ? cmp(e, v) >= 0 : op === "max" ? cmp(e, v) <= 0 : cmp(e, v) !== 0;
    if (ok) return r;
    const why = {
      exact: `can't be exactly ${v.original} when exact requirement is already ${e.original}`,
      min: `minimum ${v.original} exceeds exact specification ${e.original}`,
      max: `maximum ${v.original} below exact specification ${e.original}`,
      exclude: `tried to exclude ${v.original}, which is already exactly specified`,
    }[op];
    return reject(module, why);
  }
  const base: Extract<Range, { kind: "range" }> = r ?? { kind: "range", exclusions: [] };
  switch (op) {
    case "exact":
      if (!accepts(base, v)) reject(module, `exact specification ${v.original} outside of range ${rangeToString(base)}`);
      return { kind: "exact", version: v };
    case "min":
      // Perl keeps the first of equal versions in a stable sort, so the newly added one wins ties.
      return simplify({ ...base, minimum: base.minimum && cmp(base.minimum, v) > 0 ? base.minimum : v }, module);
    case "max":
      return simplify({ ...base, maximum: base.maximum && cmp(base.maximum, v) < 0 ? base.maximum : v }, module);
    case "exclude":
      return simplify({ ...base, exclusions: [...base.exclusions, v] }, module);
  }
}

const OPS: Record<string, Op[]> = { "==": ["exact"], "!=": ["exclude"], ">=": ["min"], "<=": ["max"], ">": ["min", "exclude"], "<": ["max", "exclude"] };

/**
 * A module's requirement accumulated the CPAN::Meta::Requirements way. `add` merges a range
 * string into the current one (as add_string_requirement does) and throws RequirementError for
 * unparseable versions and contradictions.
 */
export function addRequirement(current: Range | undefined, req: string, module = "module", onBad?: BadVersionHook): Range {
  if (req === "") req = "0";
  const parts = req.split(/\s*,\s*/);
  while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop(); // Perl's split drops trailing empties
  let r = current;
  for (const part of parts) {
    const m = /^\s*(==|>=|>|<=|<|!=)\s*(.*)$/s.exec(part);
    const [ops, raw] = m ? [OPS[m[1] as string] as Op[], m[2] as string] : [["min"] as Op[], part];
    for (const op of ops) {
      // add_minimum("0") only creates an entry; it never changes an existing one.
      if (op === "min" && raw === "0") r ??= ANY;
      else r = apply(r, op, requirementVersion(raw, onBad), module);
    }
  }
  return r ?? ANY;
}

export function parseRange(req: string, module?: string): Range {
  return addRequirement(undefined, req, module);
}

export function accepts(r: Range, v: PerlVersion | string): boolean {
  if (r.kind === "exact") return cmp(r.version, v) === 0;
  if (r.minimum && cmp(v, r.minimum) < 0) return false;
  if (r.maximum && cmp(v, r.maximum) > 0) return false;
  return !r.exclusions.some((e) => cmp(v, e) === 0);
}

/** Whether `version` satisfies the requirement string `range` (accepts_module). */
export function satisfies(version: string, range: string): boolean {
  return accepts(parseRange(range), requirementVersion(version));
}

/** as_string: the canonical text CPAN::Meta prints for a range. */
export function rangeToString(r: Range): string {
  if (r.kind === "exact") return `== ${r.version.original}`;
  let exclusions = [...r.exclusions];
  const parts: [string, string][] = [];
  for (const [op, eop, v] of [
    [">=", ">", r.minimum],
    ["<=", "<", r.maximum],
  ] as const) {
    if (!v) continue;
    const rest = exclusions.filter((e) => cmp(e, v) !== 0);
    parts.push([rest.length === exclusions.length ? op : eop, v.original]);
    exclusions = rest;
  }
  for (const e of exclusions) parts.push(["!=", e.original]);
  if (parts.length === 0) return "0";
  if (parts.length === 1 && parts[0]?.[0] === ">=") return parts[0][1];
  return parts.map(([op, v]) => `${op} ${v}`).join(", ");
}

/** Parses and prints a range the way CPAN::Meta normalises it ("1.2.3" → "v1.2.3", ">= 1" → "1"). */
export function normalizeRange(req: string, module?: string): string {
  return rangeToString(parseRange(req, module));
}
