/** Fuzz targets for Perl versions, requirement ranges, advisory ranges and CPAN path names. */
import fc from "fast-check";
import { parseLaxVersion, cpanAuditElement, strictElement } from "../../../shared/domain/advisories/ranges";
import { parseCpanPath } from "../../../shared/domain/cpan/distname";
import { RequirementError, normalizeRange, satisfies } from "../../../shared/domain/cpan/requirements";
import { InvalidVersionError, compareVersions, normalVersion, parseVersion, parseVersionExact, versionOrderKey } from "../../../shared/domain/cpan/version";
import { type FuzzTarget, target } from "../harness";
import { mutatedText, bytesOf } from "../mutate";
import { anyText } from "./common";

const validVersion = fc.stringMatching(/^v?[0-9]{1,4}(\.[0-9]{1,3}){0,3}(_[0-9]{1,2})?$/);

/** Version-shaped text: digits, dots, underscores, a leading v, spaces, Perl's terminators. */
const versionText = fc.oneof(
  fc.string({ unit: fc.constantFrom("0", "1", "2", "9", ".", "_", "v", " ", "-", ",", ";", "{", "e", "a"), maxLength: 24 }),
  fc.stringMatching(/^v?[0-9]{1,12}(\.[0-9]{1,12}){0,5}(_[0-9]{1,4})?$/),
  fc.constantFrom("undef", "0", "v.Inf", "2147483648", "9999999999999999999", "1.2.3.4.5.6.7.8.9", " 1.0 ", "1_2_3", "v1", "1.", ".5", "0x10", "1e5"),
  anyText(16),
);

const version: FuzzTarget<[string, string]> = {
  name: "version",
  parser: "cpan/version.ts parseVersion, parseVersionExact, compareVersions, normalVersion, versionOrderKey",
  inputs: "version-shaped strings (digits, dots, underscores, v, terminators, overflow), arbitrary text",
  arbitrary: fc.tuple(versionText, versionText),
  run: ([a, b]) => {
    versionOrderKey(a);
    const v = parseVersion(a);
    normalVersion(v);
    try {
      parseVersionExact(a);
    } catch (e) {
      if (!(e instanceof InvalidVersionError)) throw e;
    }
    return compareVersions(v, b);
  },
  accepts: [InvalidVersionError],
  runs: 600,
};

const rangeText = fc.oneof(
  fc
    .tuple(
      fc.array(fc.tuple(fc.constantFrom("", ">=", ">", "<=", "<", "==", "!=", "=", "=>"), fc.constantFrom("", " "), fc.oneof(validVersion, versionText)), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.constantFrom(",", ", ", " , "),
    )
    .map(([cs, sep]) => cs.map((c) => c.join("")).join(sep)),
  anyText(30),
);

const requirement: FuzzTarget<[string, string]> = {
  name: "requirement",
  parser: "cpan/requirements.ts normalizeRange, satisfies (CPAN::Meta::Requirements strings)",
  inputs: "comma-joined clauses of random operators and version-shaped text; arbitrary text",
  arbitrary: fc.tuple(rangeText, versionText),
  run: ([range, v]) => {
    normalizeRange(range);
    return satisfies(v, range);
  },
  accepts: [RequirementError],
  runs: 500,
};

const advisoryRange: FuzzTarget<[string, string]> = {
  name: "advisory-range",
  parser: "advisories/ranges.ts strictElement, cpanAuditElement (matchers applied to a version)",
  inputs: "advisory range elements from random operators and versions; arbitrary text",
  arbitrary: fc.tuple(rangeText, versionText),
  run: ([range, v]) => {
    const pv = parseLaxVersion(v);
    const strict = strictElement(range, "affected");
    strictElement(range, "fixed");
    const audit = cpanAuditElement(range);
    return pv ? [strict.match(pv), audit(pv)] : strict.problem;
  },
  accepts: [],
  runs: 500,
};

const pathSeeds = [
  "authors/id/E/ET/ETHER/Try-Tiny-0.31.tar.gz",
  "authors/id/R/RJ/RJBS/perl-5.39.1-TRIAL2.tar.xz",
  "id/A/AU/AUTHOR/sub/Foo-Bar-v1.2.3_01.zip",
  "Foo-Bar-1.0-withoutworldwriteables.tgz",
].map(bytesOf);
const distname: FuzzTarget<string> = {
  name: "distname",
  parser: "cpan/distname.ts parseCpanPath (CPAN::DistnameInfo), never throws",
  inputs:
    "paths built from random author ids, name parts, versions and archive extensions; long runs of name characters (regex backtracking); mutations of real CPAN paths",
  arbitrary: fc.oneof(
    fc
      .tuple(
        fc.stringMatching(/^[A-Z][-A-Z0-9]{0,8}$/),
        fc.array(fc.stringMatching(/^[A-Za-z0-9_.+-]{1,12}$/), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz", ".txz", ".tbz", ".pm.gz", ""),
      )
      .map(([a, parts, ext]) => `authors/id/${a[0]}/${a.slice(0, 2)}/${a}/${parts.join("-")}${ext}`),
    fc
      .tuple(
        fc.constantFrom("a", "A1", "_", "a_", "-", ".", "1", "a-1", "V", "_a"),
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom(".tar.gz", "!.tar.gz", "-.tar.gz", "_.zip"),
      )
      .map(([unit, n, ext]) => unit.repeat(n) + ext),
    fc.string({ unit: fc.constantFrom("a", "1", "_", "-", ".", "v", "V", "/", "+"), maxLength: 200 }).map((s) => `${s}.tar.gz`),
    mutatedText(pathSeeds, ["/", "-", "_", ".tar.gz", "-TRIAL", "authors/id/", "v", "perl-"]),
  ),
  run: parseCpanPath,
  accepts: [],
  runs: 400,
  deadlineMs: 1000,
};

export const versionTargets = [target(version), target(requirement), target(advisoryRange), target(distname)];
