/**
 * One CSAF 2.0 document per CPANSA advisory, profile `csaf_security_advisory` (CSAF 2.0 section
 * 4.4): a product tree of every version the feed lists for the affected distributions (a purl
 * each), and per vulnerability the product statuses strict mode gives, with the lowest safe
 * version as the remediation. Tracking is built by export-csaf.ts, which knows the previous export.
 */
import { buildCpanPurl } from "../cpan/purl";
import { type Advisory, type AffectedDist, cves, description, references, severityText, summary } from "./advisories";
import { type VersionSet, fromStart, isSingleton } from "./intervals";
import { isUri } from "./published";

export interface CsafPublisher {
  readonly category: "coordinator" | "discoverer" | "other" | "translator" | "user" | "vendor";
  readonly name: string;
  readonly namespace: string;
}

export interface CsafTracking {
  readonly id: string;
  readonly status: "final";
  readonly version: string;
  readonly initial_release_date: string;
  readonly current_release_date: string;
  readonly revision_history: readonly { readonly number: string; readonly date: string; readonly summary: string }[];
  readonly generator?: { readonly engine: { readonly name: string; readonly version?: string } };
}

export type CsafDocument = { document: { tracking: CsafTracking } & Record<string, unknown> } & Record<string, unknown>;

/** CSAF 2.0 section 5.1: the tracking id in lower case, every run of other characters one `_`. */
export const csafFileName = (id: string) => `${id.toLowerCase().replace(/[^+\-a-z0-9]+/g, "_")}.json`;
export const csafPath = (id: string, initialReleaseDate: string) => `${initialReleaseDate.slice(0, 4)}/${csafFileName(id)}`;

const productId = (dist: string, version: string) => `${dist}@${version}`;

/** The version set as a vers-style range (`vers:cpan/>=1.2|<2|3.1`), for the product that stands for every affected version. */
export function versRange(set: VersionSet): string {
  const parts = set.flatMap((i) =>
    isSingleton(i) ? [i.lo.s] : [...(fromStart(i) ? [] : [`${i.lo.closed ? ">=" : ">"}${i.lo.s}`]), ...(i.hi ? [`${i.hi.closed ? "<=" : "<"}${i.hi.s}`] : [])],
  );
  return `vers:cpan/${parts.join("|") || "*"}`;
}

/** Statuses by released version: affected; not affected above the lowest affected one (fixed); below it (never affected). */
function statuses(d: AffectedDist) {
  const versions = [...new Map(d.released.map((r) => [r.s, r])).values()];
  const first = versions.findIndex((r) => r.affected);
  const ids = (f: (r: (typeof versions)[number], i: number) => boolean) => versions.filter(f).map((r) => productId(d.dist, r.s));
  const lastAffected = versions.map((r) => r.affected).lastIndexOf(true);
  const range = d.set.length ? [productId(d.dist, versRange(d.set))] : [];
  return {
    known_affected: [...range, ...ids((r) => r.affected)],
    // Neither a listed version nor a readable range: the feed's ranges say nothing usable.
    under_investigation: !range.length && !versions.length ? [d.dist] : [],
    fixed: first < 0 ? [] : ids((r, i) => !r.affected && i > first),
    known_not_affected: ids((r, i) => !r.affected && (first < 0 || i < first)),
    safe: lastAffected >= 0 ? versions.slice(lastAffected + 1).find((r) => !r.affected)?.s : undefined,
  };
}

function productTree(a: Advisory) {
  return {
    branches: [
      {
        category: "vendor",
        name: "CPAN",
        branches: a.dists.map((d) => {
          const versions = [...new Set(d.released.map((r) => r.s))].map((v) => ({
            category: "product_version",
            name: v,
            product: {
              product_id: productId(d.dist, v),
              name: `${d.dist} ${v}`,
              product_identification_helper: { purl: buildCpanPurl({ dist: d.dist, version: v }) },
            },
          }));
          const range = d.set.length
            ? [
                {
                  category: "product_version_range",
                  name: versRange(d.set),
                  product: { product_id: productId(d.dist, versRange(d.set)), name: `${d.dist} ${versRange(d.set)}` },
                },
              ]
            : [];
          const whole = { product_id: d.dist, name: d.dist, product_identification_helper: { purl: buildCpanPurl({ dist: d.dist }) } };
          return { category: "product_name", name: d.dist, ...(range.length || versions.length ? { branches: [...range, ...versions] } : { product: whole }) };
        }),
      },
    ],
  };
}

function remediations(a: Advisory) {
  return a.dists.flatMap((d) => {
    const s = statuses(d);
    const listed = s.known_affected.filter((id) => !id.includes("@vers:"));
    if (!listed.length) return [];
    return [
      s.safe
        ? {
            category: "vendor_fix",
            details: `Upgrade ${d.dist} to ${s.safe} or later: the lowest released version above every affected one.`,
            product_ids: s.known_affected,
          }
        : {
            category: "none_available",
            details: `No released version of ${d.dist} above the affected ones is free of this advisory.`,
            product_ids: s.known_affected,
          },
    ];
  });
}

const nonEmpty = <T extends Record<string, readonly string[]>>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v.length));

export function csafDocument(a: Advisory, tracking: CsafTracking, publisher: CsafPublisher, baseUrl: string): CsafDocument {
  const all = a.dists.map(statuses);
  const status = nonEmpty({
    known_affected: all.flatMap((s) => s.known_affected),
    fixed: all.flatMap((s) => s.fixed),
    known_not_affected: all.flatMap((s) => s.known_not_affected),
    under_investigation: all.flatMap((s) => s.under_investigation),
  });
  const fixes = remediations(a);
  const severity = severityText(a);
  const text = description(a) || a.id;
  const refs = references(a)
    .filter(isUri)
    .map((url) => ({ category: "external", summary: url, url }));
  const isCve = (c: string) => /^CVE-[0-9]{4}-[0-9]{4,}$/.test(c);
  const ids = cves(a).filter(isCve);
  const others = cves(a).filter((c) => !isCve(c));
  const vulnerability = (cve?: string) => ({
    ...(cve ? { cve } : {}),
    ids: [{ system_name: "CPANSA", text: a.id }, ...others.map((o) => ({ system_name: o.split("-")[0] as string, text: o }))],
    notes: [{ category: "description", title: "Description", text }],
    product_status: status,
    ...(fixes.length ? { remediations: fixes } : {}),
    ...(refs.length ? { references: refs } : {}),
  });
  return {
    document: {
      category: "csaf_security_advisory",
      csaf_version: "2.0",
      lang: "en",
      title: `${a.id}: ${summary(a)}`,
      publisher,
      distribution: { tlp: { label: "WHITE", url: "https://www.first.org/tlp/" } },
      ...(severity ? { aggregate_severity: { namespace: "https://github.com/briandfoy/cpan-security-advisory", text: severity } } : {}),
      notes: [
        { category: "summary", title: "Summary", text: summary(a) },
        {
          category: "general",
          title: "Versions",
          text: "Products are CPAN distribution versions, ordered as Perl's version.pm orders them. Statuses follow the CPANSA feed's ranges in strict mode: an affected range matches and no fixed range does.",
        },
      ],
      references: [{ category: "self", summary: "This document", url: `${baseUrl.replace(/\/+$/, "")}/${csafPath(a.id, tracking.initial_release_date)}` }],
      tracking,
    },
    product_tree: productTree(a),
    vulnerabilities: ids.length ? ids.map(vulnerability) : [vulnerability()],
  };
}
