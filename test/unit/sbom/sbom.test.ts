import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePackagesIndex } from "../../../shared/domain/cpan/packages";
import { describeRelease } from "../../../shared/domain/cpan/release";
import { type SbomInput, bundledKeep, detectBundled, generateSboms, moduleResolver } from "../../../shared/domain/sbom";
import { checkCycloneDx, checkSpdx } from "../../../shared/domain/sbom/check";
import { packageVerificationCode } from "../../../shared/domain/sbom/spdx";
import { metaJson, type tar, tarGz } from "../../helpers/archives";
import { cycloneDxSchemaErrors, spdxSchemaErrors } from "../../helpers/sbom-validation";
import { repoRoot } from "../../helpers/shared-data";

const PACKAGES = parsePackagesIndex(
  "File: 02packages.details.txt\nLine-Count: 3\n\nMoo 2.005005 H/HA/HAARG/Moo-2.005005.tar.gz\nTest::More 1.302195 E/EX/EXODIST/Test-Simple-1.302195.tar.gz\nJSON::PP 4.16 I/IS/ISHIGAKI/JSON-PP-4.16.tar.gz\n",
);

async function release(name: string, entries: Parameters<typeof tar>[0]) {
  // Node bundles its own zlib, so the same entries give the same .tar.gz bytes (and golden files).
  return describeRelease(`authors/id/E/ET/ETHER/${name}.tar.gz`, await tarGz(entries), { sha1: true, keep: bundledKeep });
}

const input = (r: Awaited<ReturnType<typeof release>>): SbomInput => ({
  release: r,
  cpanPath: r.path.pathname,
  uploaded: new Date("2026-08-16T14:31:00.250Z"),
  tool: { name: "cpansec-pipeline", version: "0.1.0" },
  resolve: moduleResolver(PACKAGES, { "Vuln::Dep": "Vuln-Dep" }),
  bundled: detectBundled(r.files),
});

const FULL = async () =>
  release("Foo-Bar-1.23", [
    {
      name: "Foo-Bar-1.23/META.json",
      content: metaJson({
        name: "Foo-Bar",
        version: "1.23",
        abstract: "Does foo to bar",
        license: ["perl_5"],
        resources: {
          repository: { url: "https://github.com/example/Foo-Bar.git", type: "git" },
          bugtracker: { web: "https://github.com/example/Foo-Bar/issues" },
          homepage: "https://example.org/foo",
        },
        prereqs: {
          runtime: { requires: { Moo: "2.0", strict: "0", "Vuln::Dep": ">= 1.0, < 2" }, recommends: { "JSON::PP": "4" } },
          test: { requires: { "Test::More": "0.96" } },
          build: { requires: { "Some::Unknown::Module": "0" } },
          develop: { requires: { "Dist::Zilla": "6" } },
        },
      }),
    },
    { name: "Foo-Bar-1.23/lib/Foo/Bar.pm", content: "package Foo::Bar; our $VERSION = '1.23'; 1;\n" },
    { name: "Foo-Bar-1.23/inc/Module/Install.pm", content: "package Module::Install;\n$VERSION = '1.19';\n" },
    { name: "Foo-Bar-1.23/src/sqlite3.h", content: '#define SQLITE_VERSION        "3.39.4"\n' },
  ]);

describe("SBOMs for a release", () => {
  it("show a META abstract's bidi controls, look-alikes and line breaks as code points, and the release keeps it raw", async () => {
    const abstract = "Safe p\u0430rser\u202Eexe.tsxt\nInjected: line";
    const r = await release("Evil-1.0", [{ name: "Evil-1.0/META.json", content: metaJson({ name: "Evil", version: "1.0", abstract, license: ["perl_5"] }) }]);
    expect(r.meta?.abstract).toBe(abstract);
    const s = generateSboms(input(r));
    const shown = "Safe p<U+0430>rser<U+202E>exe.tsxt<U+000A>Injected: line";
    expect(JSON.parse(s.cyclonedx).metadata.component.description).toBe(shown);
    expect(JSON.parse(s.spdx).packages[0].summary).toBe(shown);
    expect(await cycloneDxSchemaErrors(s.cyclonedx)).toBeNull();
  });

  it("are schema-valid and pass the checks the schemas miss", async () => {
    const s = generateSboms(input(await FULL()));
    expect(await cycloneDxSchemaErrors(s.cyclonedx)).toBeNull();
    expect(checkCycloneDx(JSON.parse(s.cyclonedx))).toEqual([]);
    expect(spdxSchemaErrors(JSON.parse(s.spdx))).toBeNull();
    expect(checkSpdx(JSON.parse(s.spdx))).toEqual([]);
  });

  it("are byte-identical for the same archive and upload time", async () => {
    const a = generateSboms(input(await FULL()));
    const b = generateSboms(input(await FULL()));
    expect(b).toEqual(a);
  });

  it("describe the release, prerequisite distributions with scope, and bundled code", async () => {
    const r = await FULL();
    const cdx = JSON.parse(generateSboms(input(r)).cyclonedx);
    expect(cdx.metadata.component).toMatchObject({
      name: "Foo-Bar",
      version: "1.23",
      purl: "pkg:cpan/Foo-Bar@1.23?author=ETHER",
      supplier: { name: "ETHER" },
      licenses: [{ expression: "Artistic-1.0-Perl OR GPL-1.0-or-later" }],
    });
    expect(cdx.metadata.component.hashes).toEqual([
      { alg: "SHA-256", content: r.archive.sha256 },
      { alg: "SHA-512", content: r.archive.sha512 },
    ]);
    expect(cdx.metadata.timestamp).toBe("2026-08-16T14:31:00.250Z");
    expect(cdx.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const byName = Object.fromEntries(cdx.components.map((c: { name: string }) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual([
      "Dist::Zilla",
      "JSON-PP",
      "Module-Install",
      "Moo",
      "Some::Unknown::Module",
      "Test-Simple",
      "Vuln-Dep",
      "perl",
      "sqlite",
    ]);
    expect(byName.Moo).toMatchObject({
      scope: "required",
      purl: "pkg:cpan/Moo",
      properties: expect.arrayContaining([
        { name: "cpansec:requirement", value: "runtime requires Moo 2.0" },
        { name: "cpansec:resolved-by", value: "02packages" },
      ]),
    });
    expect(byName["JSON-PP"].scope).toBe("optional");
    expect(byName["Test-Simple"].scope).toBe("excluded");
    expect(byName["Vuln-Dep"].properties).toContainEqual({ name: "cpansec:resolved-by", value: "module2dist" });
    expect(byName.perl.properties).toContainEqual({ name: "cpansec:resolved-by", value: "core" });
    expect(byName["Some::Unknown::Module"]).toMatchObject({
      "bom-ref": "cpan-module:Some::Unknown::Module",
      properties: expect.arrayContaining([{ name: "cpansec:unresolved", value: "true" }]),
    });
    expect(byName.sqlite).toMatchObject({
      version: "3.39.4",
      purl: "pkg:generic/sqlite@3.39.4",
      properties: expect.arrayContaining([{ name: "cpansec:bundled", value: "true" }]),
    });
    expect(byName["Module-Install"].purl).toBe("pkg:cpan/Module-Install@1.19");
    const root = cdx.dependencies.find((d: { ref: string }) => d.ref === "pkg:cpan/Foo-Bar@1.23?author=ETHER");
    expect(root.dependsOn).toHaveLength(9);
    expect(cdx.metadata.component.externalReferences.map((e: { type: string }) => e.type).sort()).toEqual([
      "distribution",
      "documentation",
      "issue-tracker",
      "vcs",
      "website",
    ]);
  });

  it("list every file in SPDX with SHA-1 and SHA-256, the verification code, and typed relationships", async () => {
    const r = await FULL();
    const spdx = JSON.parse(generateSboms(input(r)).spdx);
    expect(spdx.creationInfo.created).toBe("2026-08-16T14:31:00Z");
    const pkg = spdx.packages[0];
    expect(pkg).toMatchObject({
      name: "Foo-Bar",
      versionInfo: "1.23",
      filesAnalyzed: true,
      licenseDeclared: "Artistic-1.0-Perl OR GPL-1.0-or-later",
      downloadLocation: "https://cpan.metacpan.org/authors/id/E/ET/ETHER/Foo-Bar-1.23.tar.gz",
    });
    expect(spdx.files).toHaveLength(4);
    const sha1s = r.entries.map((e) => e.sha1 as string);
    expect(pkg.packageVerificationCode.packageVerificationCodeValue).toBe(
      createHash("sha1")
        .update([...sha1s].sort().join(""))
        .digest("hex"),
    );
    expect(packageVerificationCode(["b", "a"])).toBe(createHash("sha1").update("ab").digest("hex"));
    const types = new Set(spdx.relationships.map((x: { relationshipType: string }) => x.relationshipType));
    expect([...types].sort()).toEqual([
      "BUILD_DEPENDENCY_OF",
      "CONTAINS",
      "DEPENDS_ON",
      "DESCRIBES",
      "DEV_DEPENDENCY_OF",
      "OPTIONAL_DEPENDENCY_OF",
      "TEST_DEPENDENCY_OF",
    ]);
  });

  it("still come out of a release with broken META, with the problem recorded", async () => {
    const r = await release("Broken-0.01", [
      { name: "Broken-0.01/META.json", content: "{ nope" },
      { name: "Broken-0.01/lib/Broken.pm", content: "1;" },
    ]);
    const s = generateSboms(input(r));
    const cdx = JSON.parse(s.cyclonedx);
    expect(cdx.metadata.component).toMatchObject({ name: "Broken", version: "0.01" });
    expect(cdx.metadata.component.properties).toContainEqual({ name: "cpansec:metadata-error", value: expect.stringMatching(/^META.json unusable/) });
    expect(await cycloneDxSchemaErrors(s.cyclonedx)).toBeNull();
    expect(checkSpdx(JSON.parse(s.spdx))).toEqual([]);
    expect(JSON.parse(s.spdx).packages[0].comment).toMatch(/cpansec:metadata-error: META.json unusable/);
  });

  it("match the golden files (UPDATE_GOLDEN=1 regenerates them on purpose)", async () => {
    const s = generateSboms(input(await FULL()));
    for (const [file, text] of [
      ["foo-bar.cdx.json", s.cyclonedx],
      ["foo-bar.spdx.json", s.spdx],
    ] as const) {
      const path = join(repoRoot, "test/fixtures/sbom", file);
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, text);
      expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(path, "utf8"));
    }
  });
});
