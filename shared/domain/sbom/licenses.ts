/**
 * META licences as SPDX: META's `x_spdx_expression` first (Dist::Zilla and App::ModuleBuildTiny
 * write it); otherwise CPAN::Meta's licence strings through Software::License's table. Strings with
 * no exact SPDX id are never guessed: SPDX says NOASSERTION, CycloneDX keeps the original as a
 * named licence.
 */
import parseSpdx from "spdx-expression-parse";

const TABLE: Record<string, string> = {
  perl_5: "Artistic-1.0-Perl OR GPL-1.0-or-later",
  artistic_1: "Artistic-1.0",
  artistic_2: "Artistic-2.0",
  apache_1_1: "Apache-1.1",
  apache_2_0: "Apache-2.0",
  bsd: "BSD-3-Clause",
  freebsd: "BSD-2-Clause-FreeBSD",
  mit: "MIT",
  gpl_1: "GPL-1.0-only",
  gpl_2: "GPL-2.0-only",
  gpl_3: "GPL-3.0-only",
  lgpl_2_1: "LGPL-2.1-only",
  lgpl_3_0: "LGPL-3.0-only",
  agpl_3: "AGPL-3.0-only",
  gfdl_1_2: "GFDL-1.2-or-later",
  gfdl_1_3: "GFDL-1.3-or-later",
  mozilla_1_0: "MPL-1.0",
  mozilla_1_1: "MPL-1.1",
  openssl: "OpenSSL",
  qpl_1_0: "QPL-1.0",
  ssleay: "SSLeay-standalone",
  sun: "SISSL",
  zlib: "Zlib",
};

/** CPAN::Meta strings with no single SPDX identifier. */
export const UNMAPPED = ["open_source", "restricted", "unrestricted", "unknown"] as const;

export interface DeclaredLicense {
  /** A valid SPDX expression, when META gives one or its strings all map. */
  readonly expression?: string;
  /** Licence strings kept as written (CycloneDX named licences), when there is no expression. */
  readonly named: readonly string[];
  /** Where the answer came from. */
  readonly source: "x_spdx_expression" | "license" | "none";
  readonly problems: readonly string[];
}

export function isSpdxExpression(s: string): boolean {
  try {
    parseSpdx(s);
    return true;
  } catch {
    return false;
  }
}

export function spdxForLicense(cpanMeta: string): string | undefined {
  return Object.hasOwn(TABLE, cpanMeta) ? TABLE[cpanMeta] : undefined;
}

export function declaredLicense(meta: { license: readonly string[]; spdxExpression?: string } | undefined): DeclaredLicense {
  if (!meta) return { named: [], source: "none", problems: [] };
  const problems: string[] = [];
  if (meta.spdxExpression) {
    if (isSpdxExpression(meta.spdxExpression)) return { expression: meta.spdxExpression, named: [], source: "x_spdx_expression", problems };
    problems.push(`x_spdx_expression ${JSON.stringify(meta.spdxExpression)} is not a valid SPDX expression; using license`);
  }
  const mapped = meta.license.map(spdxForLicense);
  if (meta.license.length && mapped.every((m): m is string => !!m)) {
    // Several licences in META mean the user may choose: OR, each operand parenthesised if compound.
    const parts = [...new Set(mapped)];
    const expression = parts.length === 1 ? (parts[0] as string) : parts.map((p) => (/ (OR|AND|WITH) /.test(p) ? `(${p})` : p)).join(" OR ");
    return { expression, named: [], source: "license", problems };
  }
  return { named: meta.license.length ? [...meta.license] : [], source: meta.license.length ? "license" : "none", problems };
}
