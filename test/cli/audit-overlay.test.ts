// `cpansec audit --overlay`: a Carton snapshot or an installed tree that names one of the patched
// CPAN overlay's archives by its full path is matched at the original's version with the CVE its
// patch resolves counted as fixed. The overlay is built by the real `cpansec patch publish` from
// an original made from scratch (test/helpers/installable-dist.ts) and CPANSec's patch fixture.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliAsync } from "../helpers/cli";
import { fixturePath } from "../helpers/fixtures";
import { fileFindRule } from "../helpers/installable-dist";

const dir = mkdtempSync(join(tmpdir(), "cpansec-audit-overlay-"));
const NAME = "File-Find-Rule-0.34-PATCHED-CVE-2011-10007-r1";
const ID = "CPANSA-File-Find-Rule-2011-10007";
const overlay = join(dir, "data", "patched-cpan");
const feed = join(dir, "feed.json");

function snapshot(pathname: string): string {
  const file = join(dir, `${pathname.replace(/\W+/g, "_")}.snapshot`);
  const entry = `  ${pathname.replace(/^.*\//, "").replace(/\.tar\.gz$/, "")}\n    pathname: ${pathname}\n    provides:\n      File::Find::Rule 0.34\n`;
  writeFileSync(file, `# carton snapshot format: version 1.0\nDISTRIBUTIONS\n${entry}`);
  return file;
}
const audit = (args: string[]) => runCli(["audit", "--db", feed, ...args]);
const json = (stdout: string) =>
  JSON.parse(stdout) as {
    items: { distribution: string; version: string; advisories: { id: string; resolved?: { ids: string[] } }[] }[];
    summary: Record<string, number>;
  };

beforeAll(async () => {
  const authors = join(dir, "cpan/authors/id/R/RC/RCLAMP");
  mkdirSync(authors, { recursive: true });
  writeFileSync(join(authors, "File-Find-Rule-0.34.tar.gz"), await fileFindRule());
  const packages = join(dir, "02packages.details.txt.gz");
  writeFileSync(packages, gzipSync("File: 02packages.details.txt\nLine-Count: 1\n\nFile::Find::Rule 0.34 R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz\n"));
  const r = runCli([
    "patch",
    "publish",
    join(authors, "File-Find-Rule-0.34.tar.gz"),
    "--source",
    fixturePath("patches"),
    "--data",
    join(dir, "data"),
    "--packages",
    packages,
  ]);
  expect(r.status, r.stderr).toBe(0);
  const advisory = {
    id: ID,
    distribution: "File-Find-Rule",
    affected_versions: ["<=0.34"],
    fixed_versions: [],
    cves: ["CVE-2011-10007"],
    severity: "high",
    description: "open with 2 args",
    references: [],
  };
  const dists = { "File-Find-Rule": { versions: [{ version: "0.34" }], advisories: [advisory] } };
  writeFileSync(feed, JSON.stringify({ meta: { date: "2026-12-01", commit: "t" }, module2dist: { "File::Find::Rule": "File-Find-Rule" }, dists }));
}, 120_000);

describe("cpansec audit --overlay", () => {
  it("a snapshot naming the overlay's archive: matched at 0.34, the CVE fixed, exit 0", () => {
    const file = snapshot(`C/CP/CPANSEC/${NAME}.tar.gz`);
    const r = audit(["--snapshot", file, "--overlay", overlay, "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const { items } = json(r.stdout);
    expect(items).toHaveLength(1);
    expect(items[0]?.advisories[0]).toMatchObject({ id: ID, resolved: { ids: ["CVE-2011-10007"] } });
    const text = audit(["--snapshot", file, "--overlay", overlay]);
    expect(text.stdout).toContain("[patched]");
    expect(text.stdout).not.toContain("could not be confirmed");
  });

  it("an installed tree whose install.json names the overlay's archive counts it patched too", () => {
    const meta = join(dir, "lib", ".meta", NAME);
    mkdirSync(meta, { recursive: true });
    writeFileSync(
      join(meta, "install.json"),
      JSON.stringify({ pathname: `C/CP/CPANSEC/${NAME}.tar.gz`, dist: NAME, provides: { "File::Find::Rule": { version: "0.34" } } }),
    );
    const r = audit(["--installed", join(dir, "lib"), "--overlay", overlay, "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r.stdout).items[0]?.advisories[0]?.resolved?.ids).toEqual(["CVE-2011-10007"]);
  });

  it("the same file name under another author is not the overlay's: the advisory counts, with a warning", () => {
    const r = audit(["--snapshot", snapshot(`E/EV/EVIL/${NAME}.tar.gz`), "--overlay", overlay]);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain("[patched]");
    expect(r.stdout).toContain(ID);
    expect(r.stdout).toContain(`E/EV/EVIL/${NAME}.tar.gz looks like a patched archive but could not be confirmed (not in the overlay ${overlay})`);
  });

  it("without --overlay the patched path is not trusted: the advisory counts, with a warning", () => {
    const r = audit(["--snapshot", snapshot(`C/CP/CPANSEC/${NAME}.tar.gz`)]);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain("[patched]");
    expect(r.stdout).toContain("could not be confirmed (no --overlay given)");
  });

  it("a model whose sha256 the signed CHECKSUMS do not confirm is not used; a bad signature is an unreadable overlay", () => {
    const forged = join(dir, "forged");
    mkdirSync(join(forged, "authors/id/C/CP/CPANSEC"), { recursive: true });
    const model = JSON.parse(readFileSync(join(overlay, "cpansec-patched.json"), "utf8"));
    model.releases[0].sha256 = "0".repeat(64);
    writeFileSync(join(forged, "cpansec-patched.json"), JSON.stringify(model));
    writeFileSync(join(forged, "cpansec-overlay-key.asc"), readFileSync(join(overlay, "cpansec-overlay-key.asc")));
    const sums = readFileSync(join(overlay, "authors/id/C/CP/CPANSEC/CHECKSUMS"), "utf8");
    writeFileSync(join(forged, "authors/id/C/CP/CPANSEC/CHECKSUMS"), sums);
    const file = snapshot(`C/CP/CPANSEC/${NAME}.tar.gz`);
    const r = audit(["--snapshot", file, "--overlay", forged]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`overlay archive not used: authors/id/C/CP/CPANSEC/${NAME}.tar.gz is not in its signed CHECKSUMS`);
    expect(r.stdout).not.toContain("[patched]");
    writeFileSync(join(forged, "authors/id/C/CP/CPANSEC/CHECKSUMS"), sums.replace(/'size' => \d+/, "'size' => 1"));
    const bad = audit(["--snapshot", file, "--overlay", forged]);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/cannot read the overlay .*CHECKSUMS/);
  });

  it("the unsigned model cannot claim more than the signed name says: a release whose CVE or version was changed is not used", () => {
    for (const [field, edit] of [
      ["cve", (r: { patches: { cve: string }[] }) => void (r.patches[0] = { ...r.patches[0], cve: "CVE-2099-99999" })],
      ["version", (r: { version: string }) => void (r.version = "0.33")],
    ] as const) {
      const forged = join(dir, `forged-${field}`);
      mkdirSync(join(forged, "authors/id/C/CP/CPANSEC"), { recursive: true });
      const model = JSON.parse(readFileSync(join(overlay, "cpansec-patched.json"), "utf8"));
      (edit as (r: unknown) => void)(model.releases[0]);
      writeFileSync(join(forged, "cpansec-patched.json"), JSON.stringify(model));
      writeFileSync(join(forged, "cpansec-overlay-key.asc"), readFileSync(join(overlay, "cpansec-overlay-key.asc")));
      writeFileSync(join(forged, "authors/id/C/CP/CPANSEC/CHECKSUMS"), readFileSync(join(overlay, "authors/id/C/CP/CPANSEC/CHECKSUMS")));
      const r = audit(["--snapshot", snapshot(`C/CP/CPANSEC/${NAME}.tar.gz`), "--overlay", forged]);
      expect(r.stderr, field).toContain(`overlay archive not used: authors/id/C/CP/CPANSEC/${NAME}.tar.gz`);
      expect(r.stdout, field).not.toContain("[patched]");
      expect(r.status, field).toBe(1);
    }
  });

  it("--overlay-key: the deployment's key confirms the overlay; another deployment's key does not", () => {
    const other = join(dir, "other");
    const p = runCli([
      "patch",
      "publish",
      join(dir, "cpan/authors/id/R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz"),
      "--source",
      fixturePath("patches"),
      "--data",
      other,
    ]);
    expect(p.status, p.stderr).toBe(0);
    const file = snapshot(`C/CP/CPANSEC/${NAME}.tar.gz`);
    const ok = audit(["--snapshot", file, "--overlay", overlay, "--overlay-key", join(overlay, "cpansec-overlay-key.asc")]);
    expect(ok.status, ok.stderr).toBe(0);
    const bad = audit(["--snapshot", file, "--overlay", overlay, "--overlay-key", join(other, "patched-cpan", "cpansec-overlay-key.asc")]);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/cannot read the overlay .*CHECKSUMS/);
  });

  it("an overlay served over HTTP (its base URL) is read the same way", async () => {
    const server = createServer((req, res) => {
      const rel = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/overlay\//, "");
      const file = join(overlay, rel);
      if (rel.includes("..") || !existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200).end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as { port: number };
      const r = await runCliAsync([
        "audit",
        "--db",
        feed,
        "--snapshot",
        snapshot(`C/CP/CPANSEC/${NAME}.tar.gz`),
        "--overlay",
        `http://127.0.0.1:${port}/overlay/`,
      ]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("[patched]");
    } finally {
      server.close();
    }
  });
});
