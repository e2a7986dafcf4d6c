// The overlay's index files from its model: which archive 02packages lists (last published per
// original, highest original version per package, never one CPAN's own index has moved past),
// RECENT files readable by the watcher's parser, and which archives count as patched for a CVE.
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parsePackagesIndex } from "../../../shared/domain/cpan/packages";
import { covers, parseRecent } from "../../../shared/domain/cpan/recent";
import { MODEL_FILE, PACKAGES_FILE, inForce, overlayIndexFiles, packageRows } from "../../../shared/domain/overlay/index-files";
import { type OverlayModel, type OverlayRelease, builtWith, isPatchedFor, patchedFor } from "../../../shared/domain/overlay/model";
import { generateOverlayKey, readOverlayKey } from "../../../shared/domain/overlay/sign";

const hex = (c: string) => c.repeat(64);
function release(version: string, cves: string[], published: string, over: Partial<OverlayRelease> = {}): OverlayRelease {
  const id = cves.map((c) => `${c}-r1`).join("-");
  const name = `Foo-Bar-${version}-PATCHED-${id}.tar.gz`;
  return {
    path: `authors/id/C/CP/CPANSEC/${name}`,
    sha256: hex(version.replace(/\D/g, "").slice(-1) || "0"),
    size: 100,
    dist: "Foo-Bar",
    version,
    original: { path: `authors/id/A/AU/AUTHOR/Foo-Bar-${version}.tar.gz`, sha256: hex("f"), size: 90 },
    patches: cves.map((cve) => ({ path: `F/Foo-Bar/${version}/${cve}-r1.patch`, sha256: hex("a"), cve, revision: 1 })),
    packages: [
      { name: "Foo::Bar", version },
      { name: "Foo::Bar::Util", version: null },
    ],
    published,
    files: { [name]: { size: 100, sha256: hex("0") } },
    ...over,
  };
}

describe("which archive 02packages lists", () => {
  it("per original the last published; per package the highest original version", () => {
    const r1 = release("1.01", ["CVE-2026-1"], "1700000000.5");
    const r2 = { ...release("1.01", ["CVE-2026-2"], "1700000100"), sha256: hex("9") };
    const old = release("1.001", ["CVE-2026-1"], "1700000200");
    const model: OverlayModel = { v: 1, releases: [r1, r2, old] };
    expect(
      inForce(model)
        .map((r) => r.path)
        .sort(),
    ).toEqual([old.path, r2.path].sort());
    // 1.01 > 1.001 as Perl versions (1.010 vs 1.001), though "1.001" was published later.
    expect(packageRows(model)).toEqual([
      { name: "Foo::Bar", version: "1.01", path: r2.path.slice("authors/id/".length) },
      { name: "Foo::Bar::Util", version: null, path: r2.path.slice("authors/id/".length) },
    ]);
  });

  it("leaves a package to CPAN once CPAN's own index resolves it to another release", () => {
    const r = release("1.01", ["CVE-2026-1"], "1700000000");
    const cpan = new Map([
      ["Foo::Bar", { version: "1.02", path: "A/AU/AUTHOR/Foo-Bar-1.02.tar.gz" }],
      ["Foo::Bar::Util", { version: null, path: "A/AU/AUTHOR/Foo-Bar-1.01.tar.gz" }],
    ]);
    expect(packageRows({ v: 1, releases: [r] }, cpan).map((x) => x.name)).toEqual(["Foo::Bar::Util"]);
  });
});

describe("overlay index files", () => {
  it("02packages and RECENT read back with the project's parsers; the model is in the overlay", async () => {
    const key = await readOverlayKey(await generateOverlayKey("t", "t@example.invalid", new Date("2026-01-01T00:00:00Z")));
    const now = new Date("2026-12-02T02:00:00Z");
    const fresh = release("1.01", ["CVE-2026-1"], "1796176200"); // 10 minutes before now
    const older = { ...release("0.9", ["CVE-2026-3"], "1796089800"), sha256: hex("8") }; // a day and 10 minutes before
    const model: OverlayModel = { v: 1, releases: [older, fresh] };
    const files = await overlayIndexFiles(model, { key, now, writtenBy: "t", url: "https://overlay.example/" });
    const index = parsePackagesIndex(gunzipSync(files.get(PACKAGES_FILE) as Uint8Array).toString("utf8"));
    expect(index.skipped).toBe(0);
    expect(index.header).toMatchObject({ URL: "https://overlay.example/modules/02packages.details.txt", "Line-Count": "2" });
    expect(index.modules.get("Foo::Bar")).toMatchObject({ version: "1.01", path: fresh.path.slice("authors/id/".length) });
    expect(files.has("authors/id/C/CP/CPANSEC/CHECKSUMS")).toBe(true);
    const h = parseRecent(files.get("RECENT-1h.json") as Uint8Array);
    expect(h.events.map((e) => e.path)).toEqual([`authors/id/C/CP/CPANSEC/${fresh.path.split("/").pop()}`, "authors/id/C/CP/CPANSEC/CHECKSUMS"]);
    expect(covers(h, "1796176000")).toBe(true);
    expect(covers(h, "1796089800")).toBe(false);
    const z = parseRecent(files.get("RECENT-Z.json") as Uint8Array);
    expect(z.events.map((e) => e.epoch)).toEqual(["1796176200", "1796176200", "1796089800"]);
    expect(covers(z, "0")).toBe(true);
    expect(JSON.parse(new TextDecoder().decode(files.get(MODEL_FILE)))).toEqual(model);
  });
});

describe("patchedFor: is this archive patched for a CVE", () => {
  const r = release("1.01", ["CVE-2026-1", "CVE-2026-2"], "1700000000");
  const model: OverlayModel = { v: 1, releases: [r] };
  it.each([
    ["by sha256", { sha256: r.sha256 }, ["CVE-2026-1", "CVE-2026-2"]],
    ["by CPAN path", { path: r.path }, ["CVE-2026-1", "CVE-2026-2"]],
    ["by 02packages path", { path: r.path.slice("authors/id/".length) }, ["CVE-2026-1", "CVE-2026-2"]],
    ["path and sha256 agree", { path: r.path, sha256: r.sha256 }, ["CVE-2026-1", "CVE-2026-2"]],
    ["path with another sha256", { path: r.path, sha256: hex("e") }, []],
    ["a bare file name (anyone can upload one)", { path: r.path.split("/").pop() as string }, []],
    ["the same name under another author", { path: `E/EV/EVIL/${r.path.split("/").pop()}` }, []],
    ["the original", { path: r.original.path, sha256: r.original.sha256 }, []],
    ["nothing", {}, []],
  ])("%s", (_, q, cves) => {
    expect(patchedFor(model, q)).toEqual(cves);
  });
  it("isPatchedFor names the CVE", () => {
    expect(isPatchedFor(model, { sha256: r.sha256 }, "CVE-2026-2")).toBe(true);
    expect(isPatchedFor(model, { sha256: r.sha256 }, "CVE-2026-3")).toBe(false);
  });
});

describe("builtWith: the archive a finding names for a patch", () => {
  it("is the latest archive of that release built with those patch bytes", () => {
    const a = release("1.01", ["CVE-2026-1"], "999999999");
    const b = { ...release("1.01", ["CVE-2026-1", "CVE-2026-2"], "1000000000"), path: "authors/id/C/CP/CPANSEC/later.tar.gz" };
    const built = builtWith({ v: 1, releases: [a, b] });
    // 1000000000 is later than 999999999 though it sorts first as text.
    expect(built({ sha256: hex("a"), dist: "Foo-Bar", version: "1.01" })).toBe(b.path);
    expect(built({ sha256: hex("a"), dist: "Foo-Bar", version: "1.02" })).toBeUndefined();
    expect(built({ sha256: hex("c"), dist: "Foo-Bar", version: "1.01" })).toBeUndefined();
  });
});
