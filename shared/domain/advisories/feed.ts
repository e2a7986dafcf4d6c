/**
 * The CPAN security advisory feed (briandfoy/cpan-security-advisory, cpan-security-advisory.json):
 * checked (feed-shape.ts) and normalised to one shape in one pass, whichever of the two published shapes it came
 * in (2023 snapshots: a string or null where later ones have arrays).
 */
import { createHash } from "node:crypto";
import { type Obj, ShapeError, nullishNumber, nullishString, obj, optObj, ownKeys, stringArray, stringOrList, stringRecord } from "./feed-shape";

/** The published feed: the latest release asset of briandfoy/cpan-security-advisory (the CLI's and the stack's default). */
export const DEFAULT_FEED_URL = "https://github.com/briandfoy/cpan-security-advisory/releases/latest/download/cpan-security-advisory.json";

export class FeedError extends Error {
  override readonly name = "FeedError";
}

export type Severity = "low" | "medium" | "high" | "critical";
const SEVERITY: Record<string, Severity> = { minor: "low", low: "low", medium: "medium", moderate: "medium", high: "high", critical: "critical" };

/** One row of the feed. Several rows can share an id (one per range). */
export interface AdvisoryRow {
  readonly id: string;
  readonly distribution: string;
  readonly affected: readonly string[];
  readonly fixed: readonly string[];
  readonly cves: readonly string[];
  readonly description: string;
  readonly reported?: string;
  /** As written in the feed (null when absent), and normalised. */
  readonly severityText: string | null;
  readonly severity: Severity | null;
  readonly references: readonly string[];
  /** For rows about code bundled in the distribution (e.g. DBD-SQLite's SQLite): the library. */
  readonly bundled?: string;
}

/** Whether the feed's detached OpenPGP signature was checked, and with which trusted key. */
export type FeedTrust = { readonly key: string } | false;

export interface FeedVersion {
  readonly date?: string;
  readonly commit?: string;
  readonly sha256: string;
  /** CVE JSON 5 records merged in (cve-merge.ts): the digest of their set and how many. */
  readonly cve?: { readonly sha256: string; readonly records: number };
}

export interface DistEntry {
  readonly mainModule?: string;
  /** Released versions the feed lists, in feed order. */
  readonly versions: readonly string[];
  readonly advisories: readonly AdvisoryRow[];
}

export interface Feed {
  readonly version: FeedVersion;
  readonly module2dist: Readonly<Record<string, string>>;
  readonly dists: Readonly<Record<string, DistEntry>>;
}

const list = (v: string[] | string | null | undefined): string[] => (Array.isArray(v) ? v : typeof v === "string" && v.trim() ? [v] : []);

/** Third-party rows carry the library as an id suffix ("CPANSA-DBD-SQLite-2020-13632-sqlite") or a field. */
function bundledLibrary(id: string, embedded: Obj | undefined, path: string): string | undefined {
  const named = embedded ? nullishString(embedded, "name", `${path}.embedded_vulnerability`) : undefined;
  if (named) return named;
  const m = /^CPANSA-.+-\d{4}-\d+-([A-Za-z][A-Za-z0-9._+-]*)$/.exec(id);
  return m?.[1];
}

function advisoryRow(v: unknown, name: string, path: string): AdvisoryRow {
  const a = obj(v, path);
  const id = a.id;
  if (typeof id !== "string" || !id) throw new ShapeError(`${path}.id`, "a non-empty string", id);
  const distribution = a.distribution;
  if (distribution !== undefined && typeof distribution !== "string") throw new ShapeError(`${path}.distribution`, "string", distribution);
  const references = a.references === undefined || a.references === null ? [] : stringArray(a.references, `${path}.references`);
  const embedded = optObj(a, "embedded_vulnerability", path, true);
  if (embedded) nullishString(embedded, "distributed_version", `${path}.embedded_vulnerability`);
  const external = optObj(a, "external_vulnerability", path, true);
  if (external) for (const k of ["name", "distributed_version"]) nullishString(external, k, `${path}.external_vulnerability`);
  const bundled = bundledLibrary(id, embedded, path);
  const text = nullishString(a, "severity", path) ?? null;
  const reported = nullishString(a, "reported", path);
  return {
    id,
    distribution: distribution ?? name,
    affected: list(stringOrList(a, "affected_versions", path)),
    fixed: list(stringOrList(a, "fixed_versions", path)),
    cves: list(stringOrList(a, "cves", path)),
    description: nullishString(a, "description", path) ?? "",
    ...(reported ? { reported } : {}),
    severityText: text,
    severity: text ? (SEVERITY[text.toLowerCase()] ?? null) : null,
    references,
    ...(bundled ? { bundled } : {}),
  };
}

function distEntry(v: unknown, name: string, path: string): DistEntry {
  const d = obj(v, path);
  const mainModule = nullishString(d, "main_module", path);
  const versions: string[] = [];
  if (d.versions !== undefined) {
    if (!Array.isArray(d.versions)) throw new ShapeError(`${path}.versions`, "array", d.versions);
    d.versions.forEach((x, i) => {
      const e = obj(x, `${path}.versions.${i}`);
      nullishString(e, "date", `${path}.versions.${i}`);
      const ver = e.version;
      if (ver === undefined || ver === null) return;
      if (typeof ver === "number" ? !Number.isFinite(ver) : typeof ver !== "string")
        throw new ShapeError(`${path}.versions.${i}.version`, "string or number", ver);
      versions.push(String(ver));
    });
  }
  const adv = d.advisories ?? [];
  if (!Array.isArray(adv)) throw new ShapeError(`${path}.advisories`, "array", adv);
  return { ...(mainModule ? { mainModule } : {}), versions, advisories: adv.map((a, i) => advisoryRow(a, name, `${path}.advisories.${i}`)) };
}

/** `meta.cve_records`: written by serialiseFeed when CVE records were merged in (feed-serialise.ts). */
function cveRecords(meta: Obj): FeedVersion["cve"] {
  const c = optObj(meta, "cve_records", "meta");
  if (!c) return undefined;
  const sha256 = nullishString(c, "sha256", "meta.cve_records");
  const records = nullishNumber(c, "records", "meta.cve_records");
  if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) throw new ShapeError("meta.cve_records.sha256", "a sha256", c.sha256);
  if (records === undefined || !Number.isSafeInteger(records) || records < 0) throw new ShapeError("meta.cve_records.records", "a count", c.records);
  return { sha256, records };
}

export function parseFeed(bytes: Uint8Array): Feed {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new FeedError(`advisory feed is not JSON: ${(e as Error).message}`, { cause: e });
  }
  try {
    const top = obj(json, "");
    const meta = optObj(top, "meta", "meta");
    const date = meta && nullishString(meta, "date", "meta");
    const commit = meta && nullishString(meta, "commit", "meta");
    if (meta) nullishNumber(meta, "epoch", "meta");
    const cve = meta && cveRecords(meta);
    const module2dist = top.module2dist === undefined ? {} : stringRecord(top.module2dist, "module2dist");
    const dists: Record<string, DistEntry> = {};
    const raw = obj(top.dists, "dists");
    for (const name of ownKeys(raw)) dists[name] = distEntry(raw[name], name, `dists.${name}`);
    return {
      version: { ...(date ? { date } : {}), ...(commit ? { commit } : {}), sha256: createHash("sha256").update(bytes).digest("hex"), ...(cve ? { cve } : {}) },
      module2dist,
      dists,
    };
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    throw new FeedError(`advisory feed does not match the schema at ${e.path.replace(/^\./, "") || "(top)"}: ${e.message}`);
  }
}
