// `cpansec audit` and patches, as users run it (the built bundle): a patched release made by
// `cpansec patch apply` (its SBOMs carry the pedigree) is audited at the original's version with
// the CVE its patch resolves counted as fixed (CycloneDX pedigree, SPDX DESCENDANT_OF plus the
// annotation); `--patches DIR` names the patch that exists for an unpatched version.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { checkCycloneDx } from "../../shared/domain/sbom/check";
import { runCli } from "../helpers/cli";
import { SASL_PATCH, saslArchive, saslPatchBytes } from "../helpers/patched-archive";
import { sarifSchemaErrors } from "../helpers/sarif-validation";
import { cycloneDxSchemaErrors } from "../helpers/sbom-validation";

const dir = mkdtempSync(join(tmpdir(), "cpansec-audit-patches-"));
const PATCHED = "Authen-SASL-2.1800-PATCHED-CVE-2025-40918-r1";
const FIXED = "CPANSA-Authen-SASL-2025-40918";
const OPEN = "CPANSA-Authen-SASL-2026-0001";

const advisory = (id: string, cves: string[], affected: string, severity: string) => ({
  id,
  distribution: "Authen-SASL",
  affected_versions: [affected],
  fixed_versions: [],
  cves,
  severity,
  description: `about ${id}`,
  references: [],
});
function writeFeed(name: string, advisories: object[]): string {
  const file = join(dir, name);
  const dists = { "Authen-SASL": { versions: [{ version: "2.1700" }, { version: "2.1800" }, { version: "2.1900" }], advisories } };
  writeFileSync(file, JSON.stringify({ meta: { date: "2026-12-01", commit: "t" }, module2dist: { "Authen::SASL": "Authen-SASL" }, dists }));
  return file;
}
const both = () => writeFeed("both.json", [advisory(FIXED, ["CVE-2025-40918"], "<2.1900", "high"), advisory(OPEN, ["CVE-2026-0001"], "<2.1900", "low")]);
const onlyFixed = () => writeFeed("fixed.json", [advisory(FIXED, ["CVE-2025-40918"], "<2.1900", "high")]);

interface Item {
  distribution: string;
  version: string;
  resolved: boolean;
  advisories: { id: string; resolved?: { by: string; ids: string[] }; patches?: { url: string; sha256: string; cve: string }[] }[];
}
const audit = (args: string[]) => runCli(["audit", ...args]);
const items = (stdout: string) => (JSON.parse(stdout) as { items: Item[]; summary: Record<string, number> }).items;

beforeAll(async () => {
  const authors = join(dir, "authors/id/E/EH/EHUELS");
  mkdirSync(authors, { recursive: true });
  writeFileSync(join(authors, "Authen-SASL-2.1800.tar.gz"), await saslArchive());
  writeFileSync(join(dir, "CVE-2025-40918-r1.patch"), saslPatchBytes());
  const r = runCli(["patch", "apply", join(authors, "Authen-SASL-2.1800.tar.gz"), join(dir, "CVE-2025-40918-r1.patch"), "--out", join(dir, "out")]);
  expect(r.status, r.stderr).toBe(0);
});

describe("cpansec audit of a patched release", () => {
  it("a CycloneDX SBOM with pedigree: matched at the original's version, the CVE its patch resolves fixed", async () => {
    const sbom = join(dir, "out", `${PATCHED}.cdx.json`);
    const r = audit(["--sbom", sbom, "--db", both(), "--json"]);
    expect(r.status, r.stderr).toBe(1); // the other advisory still counts
    const [sasl] = items(r.stdout);
    expect(sasl).toMatchObject({ distribution: "Authen-SASL", version: "2.1800-PATCHED-CVE-2025-40918-r1", resolved: false });
    expect(sasl?.advisories.map((a) => [a.id, a.resolved])).toEqual([
      [FIXED, { by: "pedigree", ids: ["CVE-2025-40918"] }],
      [OPEN, undefined],
    ]);
    // Only the resolved one: nothing counts, exit 0, and the VEX says resolved_with_pedigree.
    const out = join(dir, "app.cdx.json");
    const clean = audit(["--sbom", sbom, "--db", onlyFixed(), "--sbom-out", out]);
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toContain(
      "Authen-SASL 2.1800-PATCHED-CVE-2025-40918-r1 [patched]: advisory CPANSA-Authen-SASL-2025-40918 high CVE-2025-40918 (fixed by its patches: CVE-2025-40918)",
    );
    expect(clean.stdout).toMatch(/; 0 vulnerable; 0 advisories; 1 fixed by patches/);
    const vexText = readFileSync(join(dir, "app.cdx.vex.json"), "utf8");
    expect(await cycloneDxSchemaErrors(vexText)).toBeNull();
    expect(checkCycloneDx(JSON.parse(vexText))).toEqual([]);
    const [v] = JSON.parse(vexText).vulnerabilities;
    expect(v.analysis.state).toBe("resolved_with_pedigree");
    expect(v.affects[0].versions[0]).toEqual({ version: "2.1800-PATCHED-CVE-2025-40918-r1", status: "unaffected" });
    const sarif = JSON.parse(audit(["--sbom", sbom, "--db", both(), "--format", "sarif"]).stdout);
    expect(sarifSchemaErrors(sarif)).toBeNull();
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toEqual([OPEN]);
  });

  it("an SPDX SBOM: the package DESCENDANT_OF the original, what it resolves from cpansec's annotation; the original is not a component", () => {
    const r = audit(["--sbom", join(dir, "out", `${PATCHED}.spdx.json`), "--db", both(), "--json"]);
    expect(r.status, r.stderr).toBe(1);
    const list = items(r.stdout);
    expect(list.map((i) => `${i.distribution} ${i.version}`)).toEqual(["Authen-SASL 2.1800-PATCHED-CVE-2025-40918-r1"]);
    expect(list[0]?.advisories.map((a) => [a.id, !!a.resolved])).toEqual([
      [FIXED, true],
      [OPEN, false],
    ]);
  });

  it("a pedigree that resolves one CVE of a two-CVE advisory leaves it counting", () => {
    const sbom = JSON.parse(readFileSync(join(dir, "out", `${PATCHED}.cdx.json`), "utf8"));
    const file = join(dir, "two.cdx.json");
    writeFileSync(file, JSON.stringify(sbom));
    const feed = writeFeed("two.json", [advisory(FIXED, ["CVE-2025-40918", "CVE-2025-40919"], "<2.1900", "high")]);
    const r = audit(["--sbom", file, "--db", feed, "--json"]);
    expect(r.status).toBe(1);
    expect(items(r.stdout)[0]?.advisories[0]?.resolved).toBeUndefined();
  });
});

describe("cpansec audit --patches", () => {
  it("names the patch for the exact version and CVE (URL, sha256), in text, JSON and the VEX", async () => {
    const source = join(dir, "patches");
    for (const v of ["2.1800", "2.1700"]) {
      mkdirSync(join(source, "A/Authen-SASL", v), { recursive: true });
      copyFileSync(join(dir, "CVE-2025-40918-r1.patch"), join(source, "A/Authen-SASL", v, "CVE-2025-40918-r1.patch"));
    }
    const app = join(dir, "app-sbom.json");
    writeFileSync(
      app,
      JSON.stringify({
        bomFormat: "CycloneDX",
        specVersion: "1.6",
        version: 1,
        components: [{ type: "library", name: "Authen-SASL", version: "2.1800", purl: "pkg:cpan/EHUELS/Authen-SASL@2.1800" }],
      }),
    );
    const sha = createHash("sha256").update(saslPatchBytes()).digest("hex");
    const url = pathToFileURL(join(source, SASL_PATCH)).href;
    const r = audit(["--sbom", app, "--db", both(), "--patches", source, "--json"]);
    expect(r.status, r.stderr).toBe(1);
    expect(items(r.stdout)[0]?.advisories.map((a) => [a.id, a.patches?.map((p) => [p.url, p.sha256, p.cve])])).toEqual([
      [FIXED, [[url, sha, "CVE-2025-40918"]]],
      [OPEN, undefined],
    ]);
    const out = join(dir, "p.cdx.json");
    const text = audit(["--sbom", app, "--db", both(), "--patches", source, "--sbom-out", out]).stdout;
    expect(text).toContain(`CVE-2025-40918 (patch ${url} sha256 ${sha})`);
    const vex = JSON.parse(readFileSync(join(dir, "p.cdx.vex.json"), "utf8"));
    const fixed = vex.vulnerabilities.find((v: { id: string }) => v.id === FIXED);
    expect(fixed.analysis.response).toEqual(["update", "workaround_available"]);
    expect(fixed.analysis.detail).toContain(`a CPANSec patch exists: ${url} (sha256 ${sha})`);
    // The patched release's own SBOM: the patch it carries is not offered again.
    const patched = audit(["--sbom", join(dir, "out", `${PATCHED}.cdx.json`), "--db", both(), "--patches", source, "--json"]);
    expect(items(patched.stdout)[0]?.advisories.every((a) => !a.patches)).toBe(true);
    // An unreadable source: exit 3, one line.
    const missing = audit(["--sbom", app, "--db", both(), "--patches", join(dir, "nope")]);
    expect(missing.status).toBe(3);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
  });
});
