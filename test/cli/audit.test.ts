import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCycloneDx } from "../../shared/domain/sbom/check";
import { runCli } from "../helpers/cli";
import { fixturePath, realFeeds } from "../helpers/fixtures";
import { perlMissing } from "../helpers/perl";
import { sarifSchemaErrors } from "../helpers/sarif-validation";
import { cycloneDxSchemaErrors } from "../helpers/sbom-validation";

const dir = mkdtempSync(join(tmpdir(), "cpansec-audit-"));
const feed = (realFeeds().pop() as { path: string }).path; // the 2023 fixture: present on a bare clone
const snapshot = fixturePath("apps", "libki-server", "cpanfile.snapshot");
const cpanfile = fixturePath("apps", "libki-server", "cpanfile");

describe("cpansec audit", () => {
  it("a snapshot: one line per vulnerable distribution with the upgrade, exit 1; --fail-on above every finding: exit 0", () => {
    const r = runCli(["audit", "--snapshot", snapshot, "--db", feed]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /^Archive-Zip 1\.60 \[medium\]: advisory CPANSA-Archive-Zip-2018-01 medium CVE-2018-10860; upgrade Archive-Zip to 1\.61 or later \(.*cpanfile\.snapshot:54\)$/m,
    );
    expect(r.stdout).toMatch(/^summary: 305 distributions; 8 vulnerable; /m);
    // unrated advisories count at every threshold: only a feed with rated ones can pass --fail-on
    expect(runCli(["audit", "--snapshot", snapshot, "--db", feed, "--fail-on", "critical"]).status).toBe(1);
  });

  it("--format sarif validates against the SARIF 2.1.0 schema; accepted risks are suppressed, expired ones count again", () => {
    const ex = join(dir, "exclude.yml");
    writeFileSync(
      ex,
      "- id: CVE-2018-10860\n  reason: we never extract untrusted zips\n  expires: 2999-12-31\n- id: CPANSA-YAML-2017-01\n  reason: old decision\n  expires: 2001-01-01\n- id: CPANSA-Nothing-2020-1\n  reason: stale\n  expires: 2999-01-01\n",
    );
    const r = runCli(["audit", "--snapshot", snapshot, "--db", feed, "--format", "sarif", "--exclude", ex]);
    expect(r.status, r.stderr).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarifSchemaErrors(sarif)).toBeNull();
    const results = sarif.runs[0].results as {
      ruleId: string;
      suppressions?: unknown[];
      locations: { physicalLocation: { region?: { startLine: number } } }[];
    }[];
    expect(results.find((x) => x.ruleId === "CPANSA-Archive-Zip-2018-01")?.suppressions).toEqual([
      { kind: "external", status: "accepted", justification: "we never extract untrusted zips (until 2999-12-31)" },
    ]);
    expect(results.find((x) => x.ruleId === "CPANSA-YAML-2017-01")?.suppressions).toBeUndefined();
    expect(results.every((x) => (x.locations[0]?.physicalLocation.region?.startLine ?? 0) > 1)).toBe(true);
    const text = runCli(["audit", "--snapshot", snapshot, "--db", feed, "--exclude", ex]).stdout;
    expect(text).toContain("Archive-Zip 1.60 [accepted]");
    expect(text).toContain("CPANSA-YAML-2017-01 (accepted until 2001-01-01, expired: counts again)");
    expect(text).toContain("exclusion CPANSA-Nothing-2020-1 (until 2999-01-01) matched nothing");
  });

  it("--sbom-out: a CycloneDX 1.6 SBOM of the application with the snapshot's graph, and its VEX beside it; both valid and pass the SBOM checks", async () => {
    const out = join(dir, "app.cdx.json");
    const r = runCli(["audit", "--snapshot", snapshot, "--db", feed, "--sbom-out", out, "--format", "json"], { env: { SOURCE_DATE_EPOCH: "1767225600" } });
    expect(r.status, r.stderr).toBe(1);
    const sbomText = readFileSync(out, "utf8");
    const vexText = readFileSync(join(dir, "app.cdx.vex.json"), "utf8");
    for (const t of [sbomText, vexText]) {
      expect(await cycloneDxSchemaErrors(t)).toBeNull();
      expect(checkCycloneDx(JSON.parse(t))).toEqual([]);
    }
    const sbom = JSON.parse(sbomText);
    expect(sbom.metadata.component.name).toBe("libki-server");
    expect(sbom.components).toHaveLength(305);
    expect(sbom.components.find((c: { name: string }) => c.name === "Archive-Zip").purl).toBe("pkg:cpan/Archive-Zip@1.60?author=PHRED");
    const catalyst = sbom.dependencies.find((d: { ref: string }) => d.ref.startsWith("cpan:Catalyst-Runtime@"));
    expect(catalyst.dependsOn).toContain("cpan:Moose@2.2010"); // requirements: Moose 1.03, provided by the Moose-2.2010 entry
    const vex = JSON.parse(vexText);
    const refs = new Set(sbom.components.map((c: { "bom-ref": string }) => `${sbom.serialNumber.replace("urn:uuid:", "urn:cdx:")}/1#${c["bom-ref"]}`));
    const affects = vex.vulnerabilities.flatMap((v: { affects: { ref: string }[] }) => v.affects.map((a) => a.ref));
    expect(affects.length).toBe(JSON.parse(r.stdout).items.reduce((n: number, i: { advisories: unknown[] }) => n + i.advisories.length, 0));
    expect(affects.every((a: string) => refs.has(a))).toBe(true);
    // reproducible: same input, same bytes
    runCli(["audit", "--snapshot", snapshot, "--db", feed, "--sbom-out", out], { env: { SOURCE_DATE_EPOCH: "1767225600" } });
    expect(readFileSync(out, "utf8")).toBe(sbomText);
  });

  it("a cpanfile: ranges with the lowest safe version; an SBOM as input gives the snapshot's answers", () => {
    const c = runCli(["audit", "--cpanfile", cpanfile, "--db", feed, "--json"]);
    expect(c.status, c.stderr).toBe(1);
    const items = JSON.parse(c.stdout).items as { distribution: string; range: string; fix?: string; location: { line?: number } }[];
    expect(items.find((i) => i.distribution === "File-Slurp")).toMatchObject({ range: "0", fix: "9999.26", location: { line: 45 } });
    const out = join(dir, "for-input.cdx.json");
    runCli(["audit", "--snapshot", snapshot, "--db", feed, "--sbom-out", out]);
    const viaSbom = runCli(["audit", "--sbom", out, "--db", feed, "--json"]);
    const viaSnap = runCli(["audit", "--snapshot", snapshot, "--db", feed, "--json"]);
    const key = (s: string) =>
      (JSON.parse(s).items as { distribution: string; version: string; advisories: { id: string }[] }[])
        .map((i) => `${i.distribution} ${i.version} ${i.advisories.map((a) => a.id).join(",")}`)
        .sort();
    expect(key(viaSbom.stdout)).toEqual(key(viaSnap.stdout));
  });

  it.skipIf(perlMissing())("--installed without DIR reads the @INC of the perl on PATH", () => {
    const r = runCli(["audit", "--installed", "--db", feed, "--json"]);
    expect([0, 1], r.stderr).toContain(r.status);
    const report = JSON.parse(r.stdout);
    const inc = runCli(["audit", "--installed", "--db", feed]).stdout.split("\n")[0] as string;
    // whatever Debian installed: the trees are perl's @INC, and perl's own modules were read
    expect(report.input.kind).toBe("installed");
    expect(report.input.files.length).toBeGreaterThan(0);
    expect(inc).toContain("(installed)");
    expect(report.summary.distributions).toBeGreaterThan(0);
  });

  it("exit 2 on usage, 3 on an input that cannot be read, with one line", () => {
    expect(runCli(["audit", "--db", feed]).status).toBe(2);
    expect(runCli(["audit", "--snapshot", snapshot, "--cpanfile", cpanfile, "--db", feed]).status).toBe(2);
    expect(runCli(["audit", "--snapshot", snapshot, "--db", feed, "--fail-on", "severe"]).status).toBe(2);
    const missing = runCli(["audit", "--snapshot", join(dir, "nope"), "--db", feed]);
    expect(missing.status).toBe(3);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    writeFileSync(join(dir, "evil-cpanfile"), "requires 'Foo';\nif ($ENV{X}) { requires 'Bar' }\n");
    const evil = runCli(["audit", "--cpanfile", join(dir, "evil-cpanfile"), "--db", feed]);
    expect(evil.status).toBe(3);
    expect(evil.stderr).toMatch(/evil-cpanfile: line 2: "\$" is Perl code, not cpanfile data$/m);
    writeFileSync(join(dir, "bad-exclude.yml"), "- id: CVE-2020-1234\n  reason: x\n");
    expect(runCli(["audit", "--snapshot", snapshot, "--db", feed, "--exclude", join(dir, "bad-exclude.yml")]).stderr).toContain("expires must be a date");
    writeFileSync(join(dir, "bad.snapshot"), "# carton snapshot format: version 1.0\nDISTRIBUTIONS\n  Foo-1\n      stray\n");
    expect(runCli(["audit", "--snapshot", join(dir, "bad.snapshot"), "--db", feed]).status).toBe(3);
  });
});
