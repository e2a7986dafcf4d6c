/**
 * META (spec 1.0–1.4 and 2) to the spec 2 shape, the way CPAN::Meta->load_*_string with lazy
 * validation does it (CPAN::Meta::Converter), for the fields this project uses. Where CPAN::Meta
 * would die on an invalid document we keep what can be read and record the problem instead.
 */
import { license1, license2 } from "./licenses";
import { type Prereqs, isObject, readPrereqs } from "./prereqs";

export interface Resources {
  readonly homepage?: string;
  readonly bugtracker?: { readonly web?: string; readonly mailto?: string };
  readonly repository?: { readonly url?: string; readonly web?: string; readonly type?: string };
  readonly license?: readonly string[];
}

export interface CpanMeta {
  /** meta-spec version the document declared (or was taken to be). */
  readonly spec: string;
  readonly name?: string;
  readonly version?: string;
  readonly abstract: string;
  readonly author: readonly string[];
  /** CPAN::Meta licence strings (spec 2 names). */
  readonly license: readonly string[];
  readonly releaseStatus: "stable" | "testing" | "unstable";
  readonly dynamicConfig: boolean;
  readonly prereqs: Prereqs;
  readonly resources: Resources;
  /** META's `x_spdx_expression`, when it gives one. */
  readonly spdxExpression?: string;
}

const KNOWN_SPECS = ["1.0", "1.1", "1.2", "1.3", "1.4", "2"];

/** _extract_spec_version. */
function specVersion(raw: Record<string, unknown>): string {
  const spec = raw["meta-spec"];
  if (!isObject(spec)) return "1.0";
  // Only a scalar can be a version: Perl stringifies a reference as HASH(0x...), which never
  // matches; String() of an object can even throw (`{"toString": null}`, found by fuzzing).
  const v = typeof spec.version === "string" || typeof spec.version === "number" ? String(spec.version) : undefined;
  if (v !== undefined && /^\d+(?:\.\d+)?$/.test(v)) {
    if (KNOWN_SPECS.includes(v)) return v;
    const n = KNOWN_SPECS.find((k) => Number(k) === Number(v));
    if (n) return n;
  }
  if ("prereqs" in raw) return "2";
  if ("configure_requires" in raw) return "1.4";
  return "1.2";
}

const isUrlish = (v: unknown): v is string => typeof v === "string" && /^[-+.a-z0-9]+:.+/i.test(v);
const url = (v: unknown) => (isUrlish(v) ? v : undefined);
const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function resources(raw: unknown, spec: string): Resources {
  if (!isObject(raw)) return {};
  if (spec === "2") {
    const bt = raw.bugtracker;
    const repo = raw.repository;
    const repoUrl = isObject(repo) ? url(repo.url) : undefined;
    return clean({
      homepage: url(raw.homepage),
      bugtracker: isObject(bt) ? clean({ web: url(bt.web), mailto: typeof bt.mailto === "string" ? bt.mailto : undefined }) : undefined,
      repository: isObject(repo)
        ? clean({ url: repoUrl, web: url(repo.web), type: typeof repo.type === "string" ? repo.type : repoUrl ? /^(git|svn)/.exec(repoUrl)?.[1] : undefined })
        : undefined,
      license: Array.isArray(raw.license) || typeof raw.license === "string" ? [raw.license].flat().filter(isUrlish) : undefined,
    });
  }
  const bt = raw.bugtracker;
  const mailto = typeof bt === "string" ? /^mailto:(.*)$/s.exec(bt)?.[1] : undefined;
  return clean({
    homepage: url(raw.homepage),
    bugtracker: mailto !== undefined ? { mailto } : isUrlish(bt) ? { web: bt } : undefined,
    repository: isUrlish(raw.repository) ? { url: raw.repository } : undefined,
    license: isUrlish(raw.license) ? [raw.license] : undefined,
  });
}

function text(raw: Record<string, unknown>, key: string, problems: string[]): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  problems.push(`${key} is a ${Array.isArray(v) ? "list" : typeof v}, not a string; ignored`);
  return undefined;
}

/** Perl truthiness, as CPAN::Meta reads the flag: a reference (a list or map here) is true. */
function dynamicConfig(v: unknown): boolean {
  if (v === undefined || v === null || typeof v === "object") return true;
  return !["0", "", "false"].includes(String(v));
}

export function convertMeta(raw: unknown, problems: string[]): CpanMeta {
  if (!isObject(raw)) throw new TypeError(`META is a ${Array.isArray(raw) ? "list" : raw === null ? "null" : typeof raw}, not a map`);
  const spec = specVersion(raw);
  const name = text(raw, "name", problems);
  const version = text(raw, "version", problems);
  const abstract = text(raw, "abstract", problems);
  const authors = [raw.author ?? []].flat().map((a) => (typeof a === "string" && a.length ? a : "unknown"));
  const rs = raw.release_status;
  const spdx = raw.x_spdx_expression;
  if (name === undefined) problems.push("META has no name");
  if (version === undefined) problems.push("META has no version");
  return clean({
    spec,
    name,
    version,
    abstract: abstract || "unknown",
    author: authors.length ? authors : ["unknown"],
    license: license2(Number(spec) < 1.4 ? license1(raw.license) : raw.license),
    releaseStatus: spec === "2" && (rs === "stable" || rs === "testing" || rs === "unstable") ? rs : version?.includes("_") ? "testing" : "stable",
    dynamicConfig: dynamicConfig(raw.dynamic_config),
    prereqs: readPrereqs(raw, spec, problems),
    resources: resources(raw.resources, spec),
    spdxExpression: typeof spdx === "string" && spdx.trim() ? spdx.trim() : undefined,
  });
}
