/**
 * One OSV record (schema 1.7) per CPANSA advisory; docs/publishing.md explains each field. The
 * ecosystem is "CPAN" (package = distribution, versions in version.pm order) and the id prefix
 * "CPANSA": neither is registered with OSV yet (docs/publishing.md says what that needs).
 */
import { compareVersions } from "../cpan/version";
import { buildCpanPurl } from "../cpan/purl";
import { type Advisory, type AffectedDist, bundledLibrary, cves, description, references, reportedTime, severityText, summary } from "./advisories";
import { type OsvRange, osvRanges } from "./osv-ranges";
import { isUri } from "./published";

export const OSV_SCHEMA_VERSION = "1.7.5";
export const OSV_ECOSYSTEM = "CPAN";

export interface OsvAffected {
  readonly package: { readonly ecosystem: string; readonly name: string; readonly purl: string };
  readonly ranges?: readonly OsvRange[];
  readonly versions: readonly string[];
  readonly database_specific: Record<string, unknown>;
}

export interface OsvRecord {
  readonly schema_version: string;
  readonly id: string;
  readonly modified: string;
  readonly published?: string;
  readonly withdrawn?: string;
  readonly aliases?: readonly string[];
  readonly upstream?: readonly string[];
  readonly summary: string;
  readonly details: string;
  readonly affected: readonly OsvAffected[];
  readonly references?: readonly { type: string; url: string }[];
  readonly database_specific: Record<string, unknown>;
}

function referenceType(url: string): string {
  if (/^https?:\/\/(nvd\.nist\.gov|www\.cve\.org|cve\.mitre\.org|github\.com\/advisories)\//.test(url)) return "ADVISORY";
  if (/\/(commit|commits|pull)\/[0-9a-f]{7,}/i.test(url) || /\/pull\/\d+/.test(url)) return "FIX";
  if (/^https?:\/\/rt\.cpan\.org\//.test(url) || /\/issues\/\d+/.test(url)) return "REPORT";
  if (/^https?:\/\/metacpan\.org\/(release|dist)\//.test(url)) return "PACKAGE";
  return "WEB";
}

function affected(d: AffectedDist): OsvAffected {
  const { ranges, singletons, inexact } = osvRanges(d.set, d.released);
  const listed = d.released.filter((r) => r.affected);
  // A version the advisory names that the feed does not list (or spells differently) is still affected.
  const named = singletons.filter((n) => !listed.some((r) => r.s === n.s));
  const versions = [...listed, ...named].sort((a, b) => compareVersions(a.v, b.v) || (a.s < b.s ? -1 : a.s > b.s ? 1 : 0)).map((x) => x.s);
  return {
    package: { ecosystem: OSV_ECOSYSTEM, name: d.dist, purl: buildCpanPurl({ dist: d.dist }) },
    ...(ranges.length ? { ranges } : {}),
    versions: [...new Set(versions)],
    database_specific: {
      cpansa_ranges: d.rows.map((r) => ({ affected_versions: r.affected, fixed_versions: r.fixed })),
      ...(inexact.length ? { inexact_ranges: inexact } : {}),
      ...(named.length ? { versions_not_in_feed: named.map((n) => n.s) } : {}),
      ...(d.warnings.length ? { unreadable_clauses: d.warnings } : {}),
    },
  };
}

/** The record for an advisory, `modified` as given (export.ts keeps it stable while the content is). */
export function osvRecord(a: Advisory, modified: string): OsvRecord {
  const published = reportedTime(a);
  const ids = cves(a);
  const urls = references(a);
  const severity = severityText(a);
  const library = bundledLibrary(a);
  const bad = urls.filter((u) => !isUri(u));
  const refs = urls.filter(isUri).map((url) => ({ type: referenceType(url), url }));
  return {
    schema_version: OSV_SCHEMA_VERSION,
    id: a.id,
    modified,
    ...(published ? { published } : {}),
    // A CVE about a library the distribution bundles is that library's vulnerability: OSV calls it
    // upstream, and aliases must not name it.
    ...(ids.length ? (library ? { upstream: ids } : { aliases: ids }) : {}),
    summary: summary(a),
    details: description(a) || a.id,
    affected: a.dists.map(affected),
    ...(refs.length ? { references: refs } : {}),
    database_specific: {
      ...(severity ? { cpansa_severity: severity } : {}),
      ...(library ? { bundled_library: library } : {}),
      ...(bad.length ? { unparsed_references: bad } : {}),
      ...(published ? {} : a.rows.some((r) => r.reported) ? { reported: a.rows.map((r) => r.reported).filter(Boolean) } : {}),
    },
  };
}
