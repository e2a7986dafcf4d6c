import { readFileSync } from "node:fs";
import { PackageURL } from "packageurl-js";
import { describe, expect, it } from "vitest";
import { parseCpanPath } from "../../../shared/domain/cpan/distname";
import { buildCpanPurl, parseCpanPurl, uploadPurl } from "../../../shared/domain/cpan/purl";
import { fixturePath } from "../../helpers/fixtures";

describe("cpan purls", () => {
  it("builds the current form", () => {
    expect(buildCpanPurl({ dist: "Try-Tiny", version: "0.31", author: "ETHER" })).toBe("pkg:cpan/Try-Tiny@0.31?author=ETHER");
    expect(buildCpanPurl({ dist: "DateTime", version: "1.55", author: "DROLSKY", qualifiers: { repository_url: "backpan.perl.org" } })).toBe(
      "pkg:cpan/DateTime@1.55?author=DROLSKY&repository_url=backpan.perl.org",
    );
    expect(buildCpanPurl({ dist: "Foo", version: "v1.2.3_4" })).toBe("pkg:cpan/Foo@v1.2.3_4");
  });

  it("reads both the current and the namespaced form", () => {
    expect(parseCpanPurl("pkg:cpan/Try-Tiny@0.31?author=ETHER")).toEqual({ dist: "Try-Tiny", version: "0.31", author: "ETHER" });
    expect(parseCpanPurl("pkg:cpan/ETHER/Try-Tiny@0.31")).toEqual({ dist: "Try-Tiny", version: "0.31", author: "ETHER" });
  });

  it.each(["pkg:cpan/LWP::UserAgent@6.7.6", "pkg:cpan/GDT/URI::PackageURL", "pkg:npm/left-pad@1.0.0", "not a purl"])("refuses %s", (s) => {
    expect(() => parseCpanPurl(s)).toThrow(/purl|package URL|distribution/);
  });
  it("refuses a module name on build", () => {
    expect(() => buildCpanPurl({ dist: "URI::PackageURL" })).toThrow(/distribution/);
  });
});

describe("the purl of one upload", () => {
  const at = (path: string) => {
    const i = parseCpanPath(path);
    return uploadPurl({
      dist: i.dist as string,
      ...(i.version ? { version: i.version } : {}),
      ...(i.extension ? { extension: i.extension } : {}),
      author: i.author as string,
      filename: i.filename,
      cpanPath: path,
    });
  };

  it.each([
    ["authors/id/E/ET/ETHER/Try-Tiny-0.31.tar.gz", "pkg:cpan/Try-Tiny@0.31?author=ETHER"],
    ["authors/id/S/SO/SOMEID/Foo-1.23-TRIAL.tar.gz", "pkg:cpan/Foo@1.23-TRIAL?author=SOMEID"],
    ["authors/id/S/SO/SOMEID/Foo-1.23.zip", "pkg:cpan/Foo@1.23?author=SOMEID&ext=zip"],
    ["authors/id/S/SO/SOMEID/Foo-1.23.tgz", "pkg:cpan/Foo@1.23?author=SOMEID&ext=tgz"],
    ["authors/id/S/SO/SOMEID/Foo-1.23_01.tar.bz2", "pkg:cpan/Foo@1.23_01?author=SOMEID&ext=tar.bz2"],
    ["authors/id/S/SO/SOMEID/sub/Foo-1.23.tar.gz", "pkg:cpan/Foo@1.23?author=SOMEID&distpath=authors%2Fid%2FS%2FSO%2FSOMEID%2Fsub%2FFoo-1.23.tar.gz"],
    [
      "authors/id/S/SO/SOMEID/Foo-1.23-withoutworldwriteables.tar.gz",
      "pkg:cpan/Foo@1.23?author=SOMEID&distpath=authors%2Fid%2FS%2FSO%2FSOMEID%2FFoo-1.23-withoutworldwriteables.tar.gz",
    ],
  ])("%s is %s", (path, purl) => {
    expect(at(path)).toBe(purl);
    expect(parseCpanPurl(purl).dist).toBe(parseCpanPath(path).dist);
  });

  it("differs for every file of one distribution and version", () => {
    const files = ["Foo-1.23.tar.gz", "Foo-1.23-TRIAL.tar.gz", "Foo-1.23.zip", "Foo-1.23.tgz", "sub/Foo-1.23.tar.gz", "Foo-1.23-withoutworldwriteables.tar.gz"];
    expect(new Set(files.map((f) => at(`authors/id/S/SO/SOMEID/${f}`))).size).toBe(files.length);
  });
});

interface Case {
  test_type: string;
  input: unknown;
  expected_output: unknown;
  expected_failure: boolean;
  description: string;
}
const file = fixturePath("schemas", "purl", "cpan-test.json");

describe("purl-spec cpan test cases", () => {
  const cases = (JSON.parse(readFileSync(file, "utf8")) as { tests: Case[] }).tests;
  it.each(cases.map((c) => [`${c.test_type}: ${c.description}`, c] as const))("%s", (_, c) => {
    const run = () => {
      if (c.test_type === "build") {
        const i = c.input as { namespace: string | null; name: string; version: string | null; qualifiers: Record<string, string> | null };
        if (i.namespace) {
          // The namespaced form is input-only for us; build it with the library, but check the name rule.
          parseCpanPurl(`pkg:cpan/${i.namespace}/${i.name}`);
          return new PackageURL("cpan", i.namespace, i.name, i.version ?? undefined, i.qualifiers ?? undefined, undefined).toString();
        }
        const { author, ...rest } = i.qualifiers ?? {};
        return buildCpanPurl({
          dist: i.name,
          ...(i.version ? { version: i.version } : {}),
          ...(author ? { author } : {}),
          ...(Object.keys(rest).length ? { qualifiers: rest } : {}),
        });
      }
      const p = parseCpanPurl(c.input as string);
      if (c.test_type === "parse") {
        const u = PackageURL.fromString(c.input as string);
        return {
          type: u.type,
          namespace: u.namespace ?? null,
          name: p.dist,
          version: p.version ?? null,
          qualifiers: u.qualifiers ?? null,
          subpath: u.subpath ?? null,
        };
      }
      return PackageURL.fromString(c.input as string).toString();
    };
    if (c.expected_failure) expect(run).toThrow();
    else expect(run()).toEqual(c.expected_output);
  });
});
