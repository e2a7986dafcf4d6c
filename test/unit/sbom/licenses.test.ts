import { describe, expect, it } from "vitest";
import { CPAN_META_LICENSES } from "../../../shared/domain/cpan/meta";
import { declaredLicense, isSpdxExpression, spdxForLicense } from "../../../shared/domain/sbom/licenses";

// FORMATS.md's table (Software::License's mapping), every CPAN::Meta licence string.
const EXPECTED: Record<string, string | undefined> = {
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
  open_source: undefined,
  restricted: undefined,
  unrestricted: undefined,
  unknown: undefined,
};

describe("licences", () => {
  it.each(CPAN_META_LICENSES.map((l) => [l, EXPECTED[l]] as const))("%s → %s", (l, want) => {
    expect(spdxForLicense(l)).toBe(want);
    if (want) {
      expect(isSpdxExpression(want)).toBe(true);
      expect(declaredLicense({ license: [l] })).toEqual({ expression: want, named: [], source: "license", problems: [] });
    } else {
      expect(declaredLicense({ license: [l] })).toEqual({ named: [l], source: "license", problems: [] });
    }
  });

  it("covers every CPAN::Meta licence string", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...CPAN_META_LICENSES].sort());
  });

  it("prefers a valid x_spdx_expression and falls back when it is not one", () => {
    expect(declaredLicense({ license: ["perl_5"], spdxExpression: "MIT OR Apache-2.0" }).expression).toBe("MIT OR Apache-2.0");
    const bad = declaredLicense({ license: ["mit"], spdxExpression: "MIT or whatever" });
    expect(bad.expression).toBe("MIT");
    expect(bad.problems[0]).toMatch(/not a valid SPDX expression/);
  });

  it("joins several licences with OR, parenthesising compound ones, and keeps unmapped ones as named", () => {
    expect(declaredLicense({ license: ["perl_5", "mit"] }).expression).toBe("(Artistic-1.0-Perl OR GPL-1.0-or-later) OR MIT");
    expect(declaredLicense({ license: ["mit", "unknown"] })).toMatchObject({ named: ["mit", "unknown"] });
    expect(declaredLicense(undefined)).toEqual({ named: [], source: "none", problems: [] });
  });
});
