// A release's VEX from its SBOM and its match: statements on the SBOM's own bom-refs, the states
// matching decided, schema-valid, and a new version only when the statements change.
import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { matchRelease } from "../../../shared/domain/advisories/findings";
import { compileFeed } from "../../../shared/domain/advisories/match";
import { notAffected } from "../../../shared/domain/advisories/not-affected";
import { describeRelease } from "../../../shared/domain/cpan/release";
import { bundledKeep, detectBundled, generateSboms, moduleResolver } from "../../../shared/domain/sbom";
import { type MatchAnswer, releaseVex, sbomRefs } from "../../../shared/domain/sbom/release-vex";
import { metaJson, tarGz } from "../../helpers/archives";
import { cycloneDxSchemaErrors } from "../../helpers/sbom-validation";

const row = (id: string, distribution: string, affected: string[], fixed: string[] = []) => ({
  id,
  distribution,
  affected_versions: affected,
  fixed_versions: fixed,
  cves: [`CVE-2026-${id.length}`],
  description: `about ${id}`,
  severity: "high",
  references: ["https://example.org/advisory"],
});

const FEED = parseFeed(
  new TextEncoder().encode(
    JSON.stringify({
      meta: { date: "2026-08-16", commit: "abc" },
      module2dist: { "Vuln::Dep": "Vuln-Dep" },
      dists: {
        "Foo-Bar": {
          versions: [{ version: "1.0" }, { version: "1.23" }, { version: "1.30" }],
          advisories: [
            row("CPANSA-Foo-Bar-2026-1", "Foo-Bar", ["<1.30"], [">=1.30"]),
            row("CPANSA-Foo-Bar-2026-2", "Foo-Bar", ["<1.10"], [">=1.10"]),
            row("CPANSA-Foo-Bar-2026-3-sqlite", "Foo-Bar", ["<1.24"]),
            row("CPANSA-Foo-Bar-2026-4-sqlite", "Foo-Bar", ["<1.0"]),
            row("CPANSA-Foo-Bar-2026-5", "Foo-Bar", ["~~1.2"]), // unreadable: no decision either way
          ],
        },
        "Vuln-Dep": { versions: [{ version: "1.0" }, { version: "1.5" }], advisories: [row("CPANSA-Vuln-Dep-2026-1", "Vuln-Dep", ["<1.5"], [">=1.5"])] },
      },
    }),
  ),
);

// The bundled library sits at a path a URI fragment cannot hold as is (a space, a "#", and "%41",
// which read back as a fragment would be "A").
const SQLITE_PATH = "Foo-Bar-1.23/src dir#%41/sqlite3.h";

async function fooBar() {
  const archive = await tarGz([
    {
      name: "Foo-Bar-1.23/META.json",
      content: metaJson({ name: "Foo-Bar", version: "1.23", license: ["perl_5"], prereqs: { runtime: { requires: { "Vuln::Dep": ">= 1.0, < 2" } } } }),
    },
    { name: "Foo-Bar-1.23/lib/Foo/Bar.pm", content: "package Foo::Bar; our $VERSION = '1.23'; 1;\n" },
    { name: SQLITE_PATH, content: '#define SQLITE_VERSION        "3.39.4"\n' },
  ]);
  const release = await describeRelease("authors/id/E/ET/ETHER/Foo-Bar-1.23.tar.gz", archive, { sha1: true, keep: bundledKeep });
  const resolve = moduleResolver(undefined, FEED.module2dist);
  const sbom = generateSboms({
    release,
    cpanPath: release.path.pathname,
    uploaded: new Date("2026-08-16T14:31:00Z"),
    tool: { name: "cpansec-pipeline", version: "0.1.0" },
    resolve,
    bundled: detectBundled(release.files),
  }).cyclonedx;
  const strict = compileFeed(FEED, "strict");
  const { findings } = matchRelease(
    strict,
    compileFeed(FEED, "cpan-audit"),
    { distribution: "Foo-Bar", version: "1.23", ...(release.meta ? { prereqs: release.meta.prereqs } : {}) },
    { resolve },
  );
  const answer: MatchAnswer = { release: { distribution: "Foo-Bar", version: "1.23" }, findings, notAffected: notAffected(strict, "Foo-Bar", "1.23") };
  return { sbom, answer };
}

const o = { tool: { name: "cpansec-pipeline", version: "0.1.0" }, now: new Date("2026-08-17T00:00:00Z") };
type Vuln = {
  id: string;
  "bom-ref": string;
  affects: { ref: string; versions?: { version: string; status: string }[] }[];
  analysis: { state: string; justification?: string; response?: string[] };
};

describe("a release's VEX", () => {
  it("states what matching decided, on the SBOM's own bom-refs by BOM-Link, valid CycloneDX 1.6", async () => {
    const { sbom, answer } = await fooBar();
    const text = releaseVex(sbom, answer, o) as string;
    expect(await cycloneDxSchemaErrors(text)).toBeNull();
    const vex = JSON.parse(text);
    const s = sbomRefs(sbom);
    const prefix = `urn:cdx:${s.serial}/${s.version}#`;
    const sbomDoc = JSON.parse(sbom);
    const refs = new Set<string>([sbomDoc.metadata.component["bom-ref"], ...sbomDoc.components.map((c: { "bom-ref": string }) => c["bom-ref"])]);
    const target = (v: Vuln) => v.affects.map((a) => decodeURIComponent(a.ref.slice(prefix.length)));
    for (const v of vex.vulnerabilities as Vuln[]) {
      for (const a of v.affects) expect(a.ref.startsWith(prefix)).toBe(true);
      for (const r of target(v)) expect(refs.has(r), r).toBe(true);
    }
    const by = Object.fromEntries((vex.vulnerabilities as Vuln[]).map((v) => [v.id, v]));
    expect(Object.keys(by).sort()).toEqual([
      "CPANSA-Foo-Bar-2026-1",
      "CPANSA-Foo-Bar-2026-2",
      "CPANSA-Foo-Bar-2026-3-sqlite",
      "CPANSA-Foo-Bar-2026-4-sqlite",
      "CPANSA-Vuln-Dep-2026-1",
    ]);
    const main = sbomDoc.metadata.component["bom-ref"];
    const sqlite = `bundled:sqlite@3.39.4:${SQLITE_PATH}`;
    const summary = (id: string) => {
      const v = by[id] as Vuln;
      return [target(v), v.affects[0]?.versions, v.analysis.state, v.analysis.justification, v.analysis.response];
    };
    expect(summary("CPANSA-Foo-Bar-2026-1")).toEqual([[main], [{ version: "1.23", status: "affected" }], "exploitable", undefined, undefined]);
    expect(summary("CPANSA-Foo-Bar-2026-2")).toEqual([[main], [{ version: "1.23", status: "unaffected" }], "not_affected", "code_not_present", undefined]);
    expect(summary("CPANSA-Foo-Bar-2026-3-sqlite")).toEqual([[sqlite], [{ version: "3.39.4", status: "affected" }], "exploitable", undefined, undefined]);
    expect(summary("CPANSA-Foo-Bar-2026-4-sqlite")).toEqual([
      [sqlite],
      [{ version: "3.39.4", status: "unaffected" }],
      "not_affected",
      "code_not_present",
      undefined,
    ]);
    expect(summary("CPANSA-Vuln-Dep-2026-1")).toEqual([["cpan-dist:Vuln-Dep"], undefined, "exploitable", undefined, ["update"]]);
    expect(vex.serialNumber).not.toBe(sbomDoc.serialNumber);
    expect(vex.version).toBe(1);
    expect(vex.metadata.timestamp).toBe("2026-08-17T00:00:00.000Z");
  });

  it("is left alone when the statements are unchanged, and is a new version of the same document when they change", async () => {
    const { sbom, answer } = await fooBar();
    const first = releaseVex(sbom, answer, o) as string;
    expect(releaseVex(sbom, answer, { ...o, now: new Date("2026-09-01T00:00:00Z"), previous: first })).toBeUndefined();
    const fixedLater = { ...answer, findings: answer.findings.filter((f) => f.kind !== "dependency") };
    const second = JSON.parse(releaseVex(sbom, fixedLater, { ...o, now: new Date("2026-09-01T00:00:00Z"), previous: first }) as string);
    expect([second.serialNumber, second.version, second.metadata.timestamp]).toEqual([JSON.parse(first).serialNumber, 2, "2026-09-01T00:00:00.000Z"]);
    expect(second.vulnerabilities.map((v: Vuln) => v.id)).not.toContain("CPANSA-Vuln-Dep-2026-1");
    // A stored VEX that is not one (hand-edited, truncated) is replaced, at a version above it.
    expect(JSON.parse(releaseVex(sbom, answer, { ...o, previous: "{" }) as string).version).toBe(2);
  });

  it("refuses an SBOM it cannot read refs from, naming what is missing", () => {
    expect(() => sbomRefs("not json")).toThrow(/sbom.cdx.json is not JSON/);
    expect(() => sbomRefs(JSON.stringify({ serialNumber: "urn:uuid:x", version: 1 }))).toThrow(/serialNumber/);
    expect(() => sbomRefs(JSON.stringify({ serialNumber: "urn:uuid:00000000-0000-5000-8000-000000000000", version: 1, metadata: {} }))).toThrow(
      /metadata.component has no bom-ref/,
    );
  });
});
