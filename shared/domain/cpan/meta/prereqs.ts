import { RequirementError, addRequirement, rangeToString, type Range } from "../requirements";
import { isValidVersion, parseVersion, type PerlVersion } from "../version";

export const PHASES = ["configure", "build", "test", "runtime", "develop"] as const;
export const RELATIONSHIPS = ["requires", "recommends", "suggests", "conflicts"] as const;
export type Phase = (typeof PHASES)[number];
export type Relationship = (typeof RELATIONSHIPS)[number];
/**
 * phase → relationship → module → range, as CPAN::Meta's effective_prereqs->as_string_hash:
 * the standard phases and relationships, plus custom `x_` ones (e.g. Dist::Zilla's `x_Dist_Zilla`).
 */
export type Prereqs = Record<string, Record<string, Record<string, string>>>;

const MODULE_NAME = /^[A-Za-z][A-Za-z0-9_]*(?:::[A-Za-z0-9_]+)*$/;
export const isModuleName = (s: unknown): s is string => typeof s === "string" && MODULE_NAME.test(s);

/** The converter's bad_version_hook: trim, drop trailing letters ("1.2beta"), else version 0. */
function badVersionHook(raw: string): PerlVersion {
  try {
    return parseVersion(raw.trim().replace(/[a-z]+$/, ""));
  } catch {
    return parseVersion("0");
  }
}

/** Perl stringifies scalars; JSON numbers print the way Perl prints them for ordinary values. */
function scalar(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/**
 * CPAN::Meta::Converter's _version_map: a module → requirement map cleaned up the way CPAN::Meta
 * does it (invalid module names dropped, odd versions repaired, ranges normalised).
 */
export function versionMap(element: unknown, where: string, problems: string[]): Record<string, string> | undefined {
  if (element === null || element === undefined) return undefined;
  // A list of module names; anything but a scalar in it is no name (and String() of it could throw).
  if (Array.isArray(element)) return versionMap(Object.fromEntries(element.map((m) => [scalar(m) ?? "", 0])), where, problems);
  const s = scalar(element);
  if (s !== undefined) return s.length ? { [s]: "0" } : undefined;
  if (typeof element !== "object") return undefined;
  const ranges = new Map<string, Range>();
  const add = (module: string, req: string) => ranges.set(module, addRequirement(ranges.get(module), req, module, badVersionHook));
  const kept: Record<string, string> = {};
  for (const [module, value] of Object.entries(element as Record<string, unknown>)) {
    if (!isModuleName(module)) {
      problems.push(`${where}: ignored ${JSON.stringify(module)}, not a module name`);
      continue;
    }
    let v = scalar(value);
    if (v === undefined && value !== null)
      problems.push(`${where}: ${module} has a ${Array.isArray(value) ? "list" : typeof value} where a version was expected; read as 0`);
    if (v === undefined || v === "" || v === "undef" || v === "<undef>") v = "0";
    try {
      if (isModuleName(v) && !isValidVersion(v)) {
        add(module, "0");
        add(v, "0");
      }
      add(module, v);
    } catch (e) {
      if (!(e instanceof RequirementError)) throw e;
      problems.push(`${where}: ${e.message}; kept as written`);
      kept[module] = v;
    }
  }
  return { ...Object.fromEntries([...ranges].map(([m, r]) => [m, rangeToString(r)])), ...kept };
}

/** _prefix_custom: custom keys start with x_ ("foo" and "x-foo" become "x_foo"). */
const prefixCustom = (key: string) => (/^x_/i.test(key) ? key : key.replace(/^(?:x-?)?/i, "x_"));

/** CPAN::Meta::Requirements->from_string_hash: no repairs, so a bad version is a problem. */
function fromStringHash(element: unknown, where: string, problems: string[]): Record<string, string> | undefined {
  if (!isObject(element)) {
    if (element !== undefined && element !== null) problems.push(`${where} is not a map; ignored`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [module, value] of Object.entries(element)) {
    const req = scalar(value) || "0";
    try {
      out[module] = rangeToString(addRequirement(undefined, req, module));
    } catch (e) {
      if (!(e instanceof RequirementError)) throw e;
      problems.push(`${where}: ${e.message}; kept as written`);
      out[module] = req;
    }
  }
  return out;
}

/** The prerequisites of a spec 2 `prereqs` structure or of a spec 1.x document's top-level keys. */
export function readPrereqs(raw: Record<string, unknown>, spec: string, problems: string[]): Prereqs {
  const out: Prereqs = {};
  const put = (phase: Phase, rel: Relationship, value: unknown) => {
    const map = versionMap(value, `prereqs.${phase}.${rel}`, problems);
    if (map && Object.keys(map).length) (out[phase] ??= {})[rel] = map;
  };
  const putRaw = (phase: string, rel: string, value: unknown) => {
    const map = fromStringHash(value, `prereqs.${phase}.${rel}`, problems);
    if (map && Object.keys(map).length) (out[phase] ??= {})[rel] = map;
  };
  if (spec === "2") {
    const prereqs = raw.prereqs;
    if (prereqs === undefined) return out;
    if (!isObject(prereqs)) {
      problems.push("prereqs is not a map; ignored");
      return out;
    }
    for (const [phase, rels] of Object.entries(prereqs)) {
      const standard = (PHASES as readonly string[]).includes(phase);
      if (!isObject(rels)) {
        if (rels !== undefined && rels !== null) problems.push(`prereqs.${phase} is not a map; ignored`);
        continue;
      }
      for (const [rel, value] of Object.entries(rels)) {
        const known = (RELATIONSHIPS as readonly string[]).includes(rel);
        // The converter cleans the standard relationships of standard phases; everything custom is
        // copied as written and only normalised by CPAN::Meta::Prereqs->new.
        if (standard && known) put(phase as Phase, rel as Relationship, value);
        else if (standard || known || /^x_/i.test(rel)) putRaw(standard ? phase : prefixCustom(phase), standard ? prefixCustom(rel) : rel, value);
      }
    }
    return out;
  }
  const v1: [string, Phase, Relationship][] = [
    ["configure_requires", "configure", "requires"],
    ["build_requires", "build", "requires"],
    ["requires", "runtime", "requires"],
    ["recommends", "runtime", "recommends"],
    ["conflicts", "runtime", "conflicts"],
  ];
  for (const [key, phase, rel] of v1) if (perlTrue(raw[key])) put(phase, rel, raw[key]);
  return out;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Perl truthiness of a decoded value: undef, "", "0" and 0 are false. */
export const perlTrue = (v: unknown): boolean => !(v === undefined || v === null || v === "" || v === "0" || v === 0 || v === false);
