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

  it("rejects a file with no header/body separation", () => {
    expect(() => parsePackagesIndex("File: x\n")).toThrow(PackagesIndexError);
    expect(() => parsePackagesIndex("File: x\n")).toThrow(/no blank line/);
  });

  it("skips and counts bad lines instead of losing the index (a mirror's file is hostile input)", () => {
    const text = [
      "File: x",
      "not a header line",
      "Line-Count: 7",
      "",
      "Foo 1 A/AB/ABC/Foo-1.tar.gz",
      "Foo::Two 1",
      "Bad;Name 1 A/AB/ABC/Bad-1.tar.gz",
      "Up 1 ../../etc/passwd.tar.gz",
      "NoArchive 1 A/AB/ABC/README",
      "Foo 2 E/EV/EVIL/Evil-1.tar.gz",
      "Bar 2 B/BA/BAR/Bar-2.tar.gz",
    ].join("\n");
    const idx = parsePackagesIndex(text);
    expect([...idx.modules.keys()]).toEqual(["Foo", "Bar"]);
    expect(idx.modules.get("Foo")?.distribution).toBe("Foo"); // the first line for a module is kept
    expect(idx.skipped).toBe(6);
    expect(idx.problems).toEqual([
      'header line 2 is not "Key: value": "not a header line"',
      'line 6 is not "module version path": "Foo::Two 1"',
      'line 7: "Bad;Name" is not a module name',
      'line 8: "../../etc/passwd.tar.gz" is not an A/AU/AUTHOR/file path',
      'line 9: "A/AB/ABC/README" names no distribution archive',
      "line 10: Foo is listed twice (the first line is kept)",
    ]);
    expect(parsePackagesIndex("Line-Count: 2\n\nFoo 1 A/AB/ABC/Foo-1.tar.gz\n").problems).toEqual(["header says 2 lines, found 1"]);
  });

  it("resolves 02packages first, then module2dist, then perl's own modules; dual-life and unknown modules stay unresolved", () => {
    const resolve = moduleResolver(parsePackagesIndex(INDEX), { "Try::Tiny": "Wrong", Moo: "Moo", Encode: "Encode" });
    // 02packages (from the mirror) and the feed disagree: both answers are kept.
    expect(resolve("Try::Tiny")).toEqual({ distribution: "Try-Tiny", via: "02packages", module2dist: "Wrong" });
    expect(resolve("File::Spec")).toEqual({ distribution: "PathTools", via: "02packages" });
    expect(resolve("Moo")).toEqual({ distribution: "Moo", via: "module2dist" });
    expect(resolve("Encode")).toEqual({ distribution: "Encode", via: "module2dist" });
    expect(resolve("strict")).toEqual({ distribution: "perl", via: "core" });
    expect(resolve("perl")).toEqual({ distribution: "perl", via: "core" });
    expect(resolve("JSON::PP")).toEqual({ via: "unresolved", dualLife: true });
    expect(resolve("Scalar::Util")).toEqual({ via: "unresolved", dualLife: true });
    expect(resolve("No::Such")).toEqual({ via: "unresolved" });
  });
});

const missing = perlMissing("Module::CoreList");
if (missing) announceSkip("core module list check", missing);

describe.skipIf(missing)("core-modules.json", () => {
  it("is Module::CoreList's list for the perl it names, dual-life (upstream cpan) ones marked (regenerate with the same one-liners)", () => {
    const out = runPerl(`use Module::CoreList; print join("\\n", sort keys %{ $Module::CoreList::version{${core.perl}} }), "\\n"`, "");
    expect(core.modules).toEqual(out.trim().split("\n"));
    const dual = runPerl(
      `use Module::CoreList; print join("\\n", grep { ($Module::CoreList::upstream{$_} // "") eq "cpan" } sort keys %{ $Module::CoreList::version{${core.perl}} }), "\\n"`,
      "",
    );
    expect(core.dualLife).toEqual(dual.trim().split("\n"));
  });
});
