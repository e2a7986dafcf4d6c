import { describe, expect, it } from "vitest";
import core from "../../../shared/domain/cpan/core-modules.json" with { type: "json" };
import { PackagesIndexError, parsePackagesIndex } from "../../../shared/domain/cpan/packages";
import { moduleResolver } from "../../../shared/domain/sbom/resolve";
import { announceSkip, perlMissing, runPerl } from "../../helpers/perl";

const INDEX = `File:         02packages.details.txt
URL:          http://www.perl.com/CPAN/modules/02packages.details.txt
Description:  Package names found in directory $CPAN/authors/id/
Columns:      package name, version, path
Intended-For: Automated fetch routines, namespace documentation.
Written-By:   PAUSE version 1.005
Line-Count:   3
Last-Updated: Sun, 16 Aug 2026 14:31:00 GMT

Try::Tiny                          0.31  E/ET/ETHER/Try-Tiny-0.31.tar.gz
File::Spec                         3.75  X/XS/XSAWYERX/PathTools-3.75.tar.gz
Acme::Undef                       undef  A/AB/ABIGAIL/Acme-Undef-1.0.tar.gz
`;

describe("02packages and module resolution", () => {
  it("parses the real format", () => {
    const idx = parsePackagesIndex(INDEX);
    expect(idx.header["Line-Count"]).toBe("3");
    expect(idx.modules.get("Try::Tiny")).toEqual({ version: "0.31", path: "E/ET/ETHER/Try-Tiny-0.31.tar.gz", distribution: "Try-Tiny", author: "ETHER" });
    expect(idx.modules.get("Acme::Undef")?.version).toBeNull();
  });

  it.each([
    ["no blank line", "File: x\n", /no blank line/],
    ["a bad body line", "File: x\n\nFoo 1\n", /not "module version path"/],
    ["a wrong line count", "Line-Count: 2\n\nFoo 1 A/AB/ABC/Foo-1.tar.gz\n", /header says 2 lines, found 1/],
  ])("rejects %s", (_, text, why) => {
    expect(() => parsePackagesIndex(text)).toThrow(PackagesIndexError);
    expect(() => parsePackagesIndex(text)).toThrow(why);
  });

  it("resolves 02packages first, then module2dist, then perl's own modules, else unresolved", () => {
    const resolve = moduleResolver(parsePackagesIndex(INDEX), { "Try::Tiny": "Wrong", "Moo": "Moo" });
    expect(resolve("Try::Tiny")).toEqual({ distribution: "Try-Tiny", via: "02packages" });
    expect(resolve("File::Spec")).toEqual({ distribution: "PathTools", via: "02packages" });
    expect(resolve("Moo")).toEqual({ distribution: "Moo", via: "module2dist" });
    expect(resolve("strict")).toEqual({ distribution: "perl", via: "core" });
    expect(resolve("perl")).toEqual({ distribution: "perl", via: "core" });
    expect(resolve("No::Such")).toEqual({ via: "unresolved" });
  });
});

const missing = perlMissing("Module::CoreList");
if (missing) announceSkip("core module list check", missing);

describe.skipIf(missing)("core-modules.json", () => {
  it("is Module::CoreList's list for the perl it names (regenerate with the same one-liner)", () => {
    const out = runPerl(`use Module::CoreList; print join("\\n", sort keys %{ $Module::CoreList::version{${core.perl}} }), "\\n"`, "");
    expect(core.modules).toEqual(out.trim().split("\n"));
  });
});
