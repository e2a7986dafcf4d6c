// A new CPANSec patch for a stored vulnerable release, end to end through `cpansec run --once
// --patches DIR`: the generated demo mirror (CGI-3.62 is affected by CVE-2012-5526) on 127.0.0.1,
// a patch source written from scratch, a webhook receiver verifying signatures. Before the patch:
// release.vulnerable and no patch. After it appears: the patched archive is in the overlay
// (<data>/patched-cpan/, with its SBOM's pedigree and its cpansec-patch/v1 log entry), the finding
// names the patch (URL, sha256) and that archive, and patch.published reaches the subscriptions
// that select CGI (webhook and e-mail), once; a pass with nothing new changes nothing; a new
// revision is built and announced again; other distributions' subscribers get nothing.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_DISTS } from "../../cli/demo/demo";
import { buildMirror } from "../../cli/demo/mirror";
import { serveDir } from "../../cli/demo/serve";
import { runCli, runCliAsync } from "../helpers/cli";
import { SECRET } from "../helpers/events";
import { cgiFeed } from "../helpers/feeds";
import { header, parseMime } from "../helpers/mime";
import { patchText, writePatches } from "../helpers/patch-source";
import { type Receiver, startReceiver } from "../helpers/webhook-receiver";

const OVERLAY_DIR = "patched-cpan/authors/id/C/CP/CPANSEC";
const patchedPath = (r: number) => `authors/id/C/CP/CPANSEC/CGI-3.62-PATCHED-CVE-2012-5526-r${r}.tar.gz`;

/** Every file under `dir` with its bytes (what a pass must leave identical). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (f.isFile()) out[join(f.parentPath, f.name)] = readFileSync(join(f.parentPath, f.name)).toString("base64");
  return out;
}

let server: Server;
let url: string;
let root: string;
let rx: Receiver;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "cpansec-e2e-patch-"));
  const mirror = await buildMirror(join(root, "mirror"), DEMO_DISTS);
  ({ server, url } = await serveDir(mirror.dir));
  writeFileSync(join(root, "feed.json"), JSON.stringify(cgiFeed(["3.62"])));
  writeFileSync(join(root, "trust.asc"), mirror.publicKey);
  rx = await startReceiver({ "/cgi": SECRET, "/core": SECRET, "/first": SECRET });
});
afterAll(async () => {
  server?.close();
  await rx?.close();
});

describe("patch.published through cpansec run", () => {
  it("names a new patch on the vulnerable release's finding and tells the subscribers that select it", async () => {
    const data = join(root, "data");
    const patches = join(root, "patches");
    mkdirSync(patches);
    const add = (...args: string[]) => expect(runCli(["subscribe", "add", "--data", data, ...args], SECRET).status).toBe(0);
    add("--webhook", `${rx.url}/cgi`, "--secret-file", "-", "--dist", "CGI", "--event", "patch.published");
    add("--webhook", `${rx.url}/core`, "--secret-file", "-", "--dist", "Demo-Core", "--event", "patch.published");
    add("--email", "cgi-watch@example.org", "--dist", "CGI*", "--event", "patch.published");
    const run = () =>
      runCliAsync(
        ["run", "--once", "--mirror", url, "--data", data, "--advisories", join(root, "feed.json"), "--trust-key", join(root, "trust.asc")].concat([
          "--patches",
          patches,
          "--allow-loopback-webhooks",
        ]),
      );
    const advisories = () => JSON.parse(readFileSync(join(data, "releases/DAVE/CGI-3.62.tar.gz/advisories.json"), "utf8"));
    const published = (path: string) => rx.verified(path).filter((r) => r.payload?.type === "patch.published");

    const first = await run();
    expect(first.stdout).toContain("patches: updated (0 in force;");
    expect(advisories().findings[0]).toMatchObject({ advisory: "CPANSA-CGI-2012-5526", kind: "self" });
    expect(advisories().findings[0].patches).toBeUndefined();
    expect(rx.received).toHaveLength(0);

    const [path] = writePatches(patches, [{ dist: "CGI", version: "3.62", cve: "CVE-2012-5526" }]);
    writePatches(patches, [{ dist: "CGI", version: "3.63", cve: "CVE-2012-5526" }]); // another release: not CGI-3.62's
    const sha = createHash("sha256")
      .update(patchText({ dist: "CGI", version: "3.62", cve: "CVE-2012-5526" }))
      .digest("hex");
    const second = await run();
    expect(second.stdout).toContain("patches: updated (2 in force;");
    // CGI-3.62 and the demo release that requires CGI: the releases indexed under dist:CGI
    expect(second.stdout).toMatch(/advisory inputs changed: 2 stored release\(s\) queued for re-matching/);
    const fileUrl = pathToFileURL(join(patches, path as string)).href;
    expect(advisories().findings[0].patches).toEqual([
      { path, url: fileUrl, sha256: sha, cve: "CVE-2012-5526", revision: 1, version: "3.62", patched: patchedPath(1) },
    ]);
    // The overlay: the patched archive, its SBOMs and proof, listed in a signed CHECKSUMS
    expect(second.stdout).toContain(`patched CPAN overlay: ${join(data, "patched-cpan")} (1 patched archive(s), 1 added`);
    const name = "CGI-3.62-PATCHED-CVE-2012-5526-r1";
    expect(readdirSync(join(data, OVERLAY_DIR)).sort()).toEqual([...["cdx.json", "spdx.json", "tar.gz", "tlog-proof"].map((x) => `${name}.${x}`), "CHECKSUMS"]);
    expect(readFileSync(join(data, OVERLAY_DIR, "CHECKSUMS"), "utf8")).toContain("-----BEGIN PGP SIGNED MESSAGE-----");
    const pedigree = JSON.parse(readFileSync(join(data, OVERLAY_DIR, `${name}.cdx.json`), "utf8")).metadata.component.pedigree;
    expect(pedigree.ancestors[0].purl).toBe("pkg:cpan/CGI@3.62?author=DAVE");
    expect(pedigree.patches).toMatchObject([{ type: "backport", resolves: [{ id: "CVE-2012-5526" }] }]);
    // Its cpansec-patch/v1 entry in the log: from the stored original, with the patch's bytes
    const proof = runCli([
      "log",
      "check-proof",
      join(data, OVERLAY_DIR, `${name}.tlog-proof`),
      "--vkey",
      join(data, "log", "vkey"),
      "--archive",
      join(data, OVERLAY_DIR, `${name}.tar.gz`),
    ]);
    expect(proof.stderr).toBe("");
    expect(proof.stdout).toContain(`logged patched archive: ${patchedPath(1)} sha256 `);
    expect(proof.stdout).toContain("from authors/id/D/DA/DAVE/CGI-3.62.tar.gz sha256 ");
    expect(proof.stdout).toContain(`  with ${path} sha256 ${sha}`);
    expect(advisories().patches).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), source: patches });
    const [hook] = published("/cgi");
    expect(published("/cgi")).toHaveLength(1);
    expect(hook?.payload).toMatchObject({
      v: 1,
      type: "patch.published",
      release: { id: "DAVE/CGI-3.62.tar.gz", distribution: "CGI", version: "3.62" },
      links: { advisories: "releases/DAVE/CGI-3.62.tar.gz/advisories.json" },
      detail: {
        patch: { path, url: fileUrl, sha256: sha, cve: "CVE-2012-5526", revision: 1, patched: patchedPath(1) },
        advisories: [{ id: "CPANSA-CGI-2012-5526", kind: "self", severity: "medium", cves: ["CVE-2012-5526"] }],
      },
    });
    expect(rx.verified("/core")).toHaveLength(0); // Demo-Core's subscriber: not its distribution
    // Demo-Web requires CGI >= 3.50: its dependency finding names the patches for versions it admits
    const web = JSON.parse(readFileSync(join(data, "releases/DAVE/Demo-Web-0.3.tar.gz/advisories.json"), "utf8"));
    const dep = web.findings.find((f: { kind: string }) => f.kind === "dependency");
    expect(dep.advisories[0].patches.map((p: { path: string }) => p.path)).toEqual([path, "C/CGI/3.63/CVE-2012-5526-r1.patch"]);
    // no advisory changed: the re-match raised no advisory.published
    expect(rx.received.every((r) => r.payload?.type === "patch.published")).toBe(true);
    const mails = readdirSync(join(data, "outbox")).map((f) => parseMime(readFileSync(join(data, "outbox", f), "utf8")));
    expect(mails.map((m) => header(m, "Subject")[0])).toEqual(["[cpansec] A patch for CVE-2012-5526 in CGI 3.62 by DAVE is published"]);

    // Again with nothing new: nothing delivered, nothing re-matched, the overlay and log byte-identical.
    const before = { overlay: tree(join(data, "patched-cpan")), log: tree(join(data, "log")) };
    const third = await run();
    expect(third.stdout).toContain("(1 patched archive(s), 0 added)");
    expect(third.stdout).not.toContain("re-match");
    expect({ overlay: tree(join(data, "patched-cpan")), log: tree(join(data, "log")) }).toEqual(before);
    expect(published("/cgi")).toHaveLength(1);
    // Then a second revision: built, and announced once more naming its archive.
    writePatches(patches, [{ dist: "CGI", version: "3.62", cve: "CVE-2012-5526", revision: 2, salt: "r2" }]);
    await run();
    const details = published("/cgi").map((r) => (r.payload?.detail as { patch: { revision: number; patched: string } }).patch);
    expect(details.map((p) => [p.revision, p.patched])).toEqual([
      [1, patchedPath(1)],
      [2, patchedPath(2)],
    ]);
    expect(advisories().findings[0].patches.map((p: { revision: number; patched: string }) => [p.revision, p.patched])).toEqual([[2, patchedPath(2)]]);
    expect(existsSync(join(data, OVERLAY_DIR, "CGI-3.62-PATCHED-CVE-2012-5526-r2.tar.gz"))).toBe(true);
    expect(readdirSync(join(data, "outbox"))).toHaveLength(2);
  });

  it("patches an upload whose patch is already in the source in the pass that stores it, announcing it once", async () => {
    const data = join(root, "data-first");
    const patches = join(root, "patches-first");
    mkdirSync(patches);
    const [path] = writePatches(patches, [{ dist: "CGI", version: "3.62", cve: "CVE-2012-5526" }]);
    expect(runCli(["subscribe", "add", "--data", data, "--webhook", `${rx.url}/first`, "--secret-file", "-", "--dist", "CGI"], SECRET).status).toBe(0);
    const run = () =>
      runCliAsync(
        ["run", "--once", "--mirror", url, "--data", data, "--advisories", join(root, "feed.json"), "--trust-key", join(root, "trust.asc")].concat([
          "--patches",
          patches,
          "--allow-loopback-webhooks",
        ]),
      );
    const first = await run();
    expect(first.stdout).toContain(`patched CPAN overlay: ${join(data, "patched-cpan")} (1 patched archive(s), 1 added`);
    // The upload was matched before its archive was built: a forced re-match names it in the same pass
    const finding = JSON.parse(readFileSync(join(data, "releases/DAVE/CGI-3.62.tar.gz/advisories.json"), "utf8")).findings[0];
    expect(finding.patches).toMatchObject([{ path, patched: patchedPath(1) }]);
    const announced = () => rx.verified("/first").filter((r) => r.payload?.type === "patch.published");
    expect(announced()).toHaveLength(1);
    const before = tree(join(data, "patched-cpan"));
    const second = await run();
    expect(second.stdout).toContain("(1 patched archive(s), 0 added)");
    expect(tree(join(data, "patched-cpan"))).toEqual(before);
    expect(announced()).toHaveLength(1);
  });
});
