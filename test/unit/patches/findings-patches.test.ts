// The patch registry as the pipeline stores it (snapshot bytes, what changed) and which patches a
// finding names: exact distribution, version and CVE for a release; the declared range for a
// prerequisite. Sources are generated directories (test/helpers/patch-source.ts).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DirPatchSource } from "../../../shared/adapters/embedded/dir-patch-source";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { type RangeFinding, type ReleaseFinding, matchRelease } from "../../../shared/domain/advisories/findings";
import { compileFeed } from "../../../shared/domain/advisories/match";
import { releasePatches, withPatches } from "../../../shared/domain/patches/citations";
import { loadRegistry } from "../../../shared/domain/patches/registry";
import { type PatchSnapshot, changedPatchDistributions, parseSnapshot, serializeSnapshot, snapshotOf } from "../../../shared/domain/patches/snapshot";
import { type TestPatch, writePatches } from "../../helpers/patch-source";

async function snapshot(patches: readonly TestPatch[], reverse = false): Promise<PatchSnapshot> {
  const dir = mkdtempSync(join(tmpdir(), "cpansec-patch-src-"));
  writePatches(dir, patches);
  const source = new DirPatchSource(dir);
  const listed = reverse ? { ...source, location: source.location, list: async () => (await source.list()).reverse(), read: source.read.bind(source) } : source;
  return snapshotOf(await loadRegistry(listed), "test-source", (p) => `https://patches.example/${p}`);
}

const feed = parseFeed(
  new TextEncoder().encode(
    JSON.stringify({
      meta: { date: "2026-12-01", commit: "t" },
      module2dist: { "Vuln::Lib": "Vuln-Lib", "Other::Lib": "Other-Lib" },
      dists: {
        "Vuln-Lib": {
          versions: ["1.0", "1.1", "2.0"].map((version) => ({ version })),
          advisories: [
            {
              id: "CPANSA-Vuln-Lib-2026-1",
              distribution: "Vuln-Lib",
              affected_versions: ["<2.0"],
              fixed_versions: [">=2.0"],
              cves: ["CVE-2026-0001"],
              severity: "high",
            },
            { id: "CPANSA-Vuln-Lib-2026-2", distribution: "Vuln-Lib", affected_versions: ["<2.0"], cves: [], severity: "low" },
          ],
        },
      },
    }),
  ),
);
const strict = compileFeed(feed, "strict");
const audit = compileFeed(feed, "cpan-audit");

describe("patch snapshots", () => {
  it("are the same bytes whatever order the source lists, and name each patch's URL and sha256", async () => {
    const ps = [
      { dist: "Vuln-Lib", version: "1.0", cve: "CVE-2026-0001" },
      { dist: "Vuln-Lib", version: "1.0", cve: "CVE-2026-0001", revision: 2, salt: "r2" },
      { dist: "Other-Lib", version: "0.5", cve: "CVE-2026-0002" },
    ];
    const a = await snapshot(ps);
    const b = await snapshot(ps, true);
    expect(Buffer.from(serializeSnapshot(a)).equals(Buffer.from(serializeSnapshot(b)))).toBe(true);
    expect(a.patches.map((p) => [p.path, p.revision, p.url])).toEqual([
      ["O/Other-Lib/0.5/CVE-2026-0002-r1.patch", 1, "https://patches.example/O/Other-Lib/0.5/CVE-2026-0002-r1.patch"],
      ["V/Vuln-Lib/1.0/CVE-2026-0001-r2.patch", 2, "https://patches.example/V/Vuln-Lib/1.0/CVE-2026-0001-r2.patch"],
    ]);
    expect(a.patches[1]).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), subject: "Fix CVE-2026-0001 (r2)", files: ["lib/Vuln/Lib.pm"] });
    expect(a.superseded.map((p) => p.path)).toEqual(["V/Vuln-Lib/1.0/CVE-2026-0001-r1.patch"]);
    expect(parseSnapshot(serializeSnapshot(a))).toEqual(JSON.parse(new TextDecoder().decode(serializeSnapshot(a))));
  });

  it("refuses a stored entry whose key is not its path's", async () => {
    const s = await snapshot([{ dist: "Vuln-Lib", version: "1.0", cve: "CVE-2026-0001" }]);
    const bad = { ...s, patches: [{ ...(s.patches[0] as PatchSnapshot["patches"][number]), version: "1.1" }] };
    expect(() => parseSnapshot(serializeSnapshot(bad), "db/x.json")).toThrow(
      'db/x.json: entry "V/Vuln-Lib/1.0/CVE-2026-0001-r1.patch" does not match its path',
    );
  });

  it("say which distributions' patches changed: added, new revision, new bytes, removed", async () => {
    const base = [
      { dist: "Vuln-Lib", version: "1.0", cve: "CVE-2026-0001" },
      { dist: "Other-Lib", version: "0.5", cve: "CVE-2026-0002" },
      { dist: "Same-Lib", version: "3", cve: "CVE-2026-0003" },
    ];
    const before = await snapshot(base);
    expect(changedPatchDistributions(before, await snapshot(base))).toEqual([]);
    expect(changedPatchDistributions(undefined, before)).toEqual(["Other-Lib", "Same-Lib", "Vuln-Lib"]);
    const after = await snapshot([
      { dist: "Vuln-Lib", version: "1.0", cve: "CVE-2026-0001", revision: 2 },
      { dist: "Same-Lib", version: "3", cve: "CVE-2026-0003" },
      { dist: "New-Lib", version: "1", cve: "CVE-2026-0004" },
    ]);
    expect(changedPatchDistributions(before, after)).toEqual(["New-Lib", "Other-Lib", "Vuln-Lib"]);
    const rebytes = await snapshot([{ dist: "Same-Lib", version: "3", cve: "CVE-2026-0003", salt: "x" }]);
    expect(changedPatchDistributions(await snapshot([base[2] as TestPatch]), rebytes)).toEqual(["Same-Lib"]);
  });
});

describe("findings name the patches for them", () => {
  it("a release: exact distribution and version, and only for an advisory with the patch's CVE", async () => {
    const s = await snapshot([
      { dist: "Vuln-Lib", version: "1.0", cve: "CVE-2026-0001" },
      { dist: "Vuln-Lib", version: "1.1", cve: "CVE-2026-0001" },
      { dist: "Vuln-Lib", version: "1.0", cve: "CVE-2026-9999" },
    ]);
    const m = matchRelease(strict, audit, { distribution: "Vuln-Lib", version: "1.0" });
    const found = withPatches(m.findings, { distribution: "Vuln-Lib", version: "1.0" }, s) as ReleaseFinding[];
    const one = found.find((f) => f.advisory === "CPANSA-Vuln-Lib-2026-1");
    expect(one?.patches).toEqual([
      {
        path: "V/Vuln-Lib/1.0/CVE-2026-0001-r1.patch",
        url: "https://patches.example/V/Vuln-Lib/1.0/CVE-2026-0001-r1.patch",
        sha256: s.patches.find((p) => p.path === "V/Vuln-Lib/1.0/CVE-2026-0001-r1.patch")?.sha256,
        cve: "CVE-2026-0001",
        revision: 1,
        version: "1.0",
      },
    ]);
    expect(found.find((f) => f.advisory === "CPANSA-Vuln-Lib-2026-2")?.patches).toBeUndefined(); // no CVE
    // "1.00" is another release than "1.0": a patch is for the version its release's file name spells
    expect(withPatches(m.findings, { distribution: "Vuln-Lib", version: "1.00" }, s).some((f) => "patches" in f)).toBe(false);
    const events = releasePatches(found);
    expect([...events.values()].map((e) => [e.patch.path, e.findings.map((f) => f.advisory)])).toEqual([
      ["V/Vuln-Lib/1.0/CVE-2026-0001-r1.patch", ["CPANSA-Vuln-Lib-2026-1"]],
    ]);
  });

  it("a prerequisite: the patches for versions its declared range admits", async () => {
    const s = await snapshot([
      { dist: "Vuln-Lib", version: "1.0", cve: "CVE-2026-0001" },
      { dist: "Vuln-Lib", version: "1.1", cve: "CVE-2026-0001" },
    ]);
    const prereqs = { runtime: { requires: { "Vuln::Lib": ">= 1.1" } } };
    const m = matchRelease(strict, audit, { distribution: "App", version: "1", prereqs });
    const [dep] = withPatches(m.findings, { distribution: "App", version: "1" }, s) as RangeFinding[];
    expect(dep?.kind).toBe("dependency");
    expect(dep?.advisories.map((a) => [a.id, a.patches?.map((p) => p.path)])).toEqual([
      ["CPANSA-Vuln-Lib-2026-1", ["V/Vuln-Lib/1.1/CVE-2026-0001-r1.patch"]],
      ["CPANSA-Vuln-Lib-2026-2", undefined],
    ]);
    // a prerequisite's patches are in advisories.json, but not the release's own: no patch.published
    expect(releasePatches([dep as RangeFinding]).size).toBe(0);
  });
});
