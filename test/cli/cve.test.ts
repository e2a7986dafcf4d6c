import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildMirror } from "../../cli/demo/mirror";
import { runCli, runCliAsync } from "../helpers/cli";
import { bytesOf, cveRecord } from "../helpers/cve-records";

const dir = mkdtempSync(join(tmpdir(), "cpansec-cve-"));
const feed = join(dir, "feed.json");
writeFileSync(
  feed,
  JSON.stringify({
    meta: { date: "Sun Aug 16 14:31:00 2026", commit: "62f1f98" },
    dists: {
      FCGI: {
        versions: ["0.43", "0.44", "0.82", "0.83"].map((version) => ({ version })),
        advisories: [
          { id: "CPANSA-FCGI-2025-40907", distribution: "FCGI", affected_versions: [">=0.44"], fixed_versions: [], cves: ["CVE-2025-40907"], references: [] },
        ],
      },
    },
  }),
);
const range = (version: string, lessThan: string) => ({ lessThan, status: "affected", version, versionType: "custom" });
const cves = join(dir, "cves");
mkdirSync(join(cves, "2025", "40xxx"), { recursive: true });
const put = (name: string, record: unknown) => writeFileSync(join(cves, "2025", "40xxx", name), bytesOf(record));
// A record CPANSA has not got yet, one CPANSA has with other versions, and one that is broken.
put("CVE-2025-40916.json", cveRecord({ id: "CVE-2025-40916", packageName: "Mojolicious-Plugin-CaptchaPNG", versions: [range("1.00", "1.06")] }));
put(
  "CVE-2025-40907.json",
  cveRecord({ id: "CVE-2025-40907", packageName: "FCGI", versions: [{ lessThanOrEqual: "0.82", status: "affected", version: "0.44", versionType: "custom" }] }),
);
put("CVE-2025-40999.json", { ...cveRecord({ id: "CVE-2025-40999", packageName: "Foo-Bar", versions: [range("0", "1")] }), dataType: "CVE_LIST" });
writeFileSync(join(cves, "README.txt"), "not a record: not read\n");
symlinkSync("/etc/passwd", join(cves, "passwd.json"));

describe("--cve DIR", () => {
  it("advisories match: an upload only a CVE record names is matched; CPANSA wins a conflict, which is reported; a bad record is reported and skipped", () => {
    const r = runCli(
      ["advisories", "match", "--db", feed, "--cve", cves],
      "Mojolicious-Plugin-CaptchaPNG\t1.05\nMojolicious-Plugin-CaptchaPNG\t1.06\nFCGI\t0.83\n",
    );
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { dist: "Mojolicious-Plugin-CaptchaPNG", version: "1.05", advisories: ["CVE-2025-40916"] },
      { dist: "Mojolicious-Plugin-CaptchaPNG", version: "1.06", advisories: [] },
      // The record says 0.44 to 0.82; CPANSA's ">=0.44" is what matches.
      { dist: "FCGI", version: "0.83", advisories: ["CPANSA-FCGI-2025-40907"] },
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n")).toEqual(
      expect.arrayContaining([
        "cpansec: CVE record passwd.json refused: a symbolic link: not followed",
        'cpansec: CVE record 2025/40xxx/CVE-2025-40999.json refused: dataType: expected "CVE_RECORD", got string',
        "cpansec: CVE record 2025/40xxx/CVE-2025-40907.json: CVE-2025-40907 conflicts with CPANSA-FCGI-2025-40907 on FCGI: CPANSA says >= 0.44, the record >= 0.44, <= 0.82; CPANSA's answer is used",
        "cpansec: CVE records: 2 read, 2 refused; 1 advisories added, 1 already in the CPANSA feed (1 conflicts)",
      ]),
    );
  });

  it("without --cve the CVE-only advisory is not there (the test above depends on the records)", () => {
    const r = runCli(["advisories", "match", "--db", feed], "FCGI\t0.83\n");
    expect(r.stdout.trim()).toBe('{"dist":"FCGI","version":"0.83","advisories":["CPANSA-FCGI-2025-40907"]}');
    expect(r.stderr).not.toMatch(/CVE record/);
  });

  it("a --cve that is not a directory is a usage error", () => {
    for (const bad of [join(dir, "nope"), feed]) {
      const r = runCli(["advisories", "match", "--db", feed, "--cve", bad], "FCGI\t0.83\n");
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^cpansec: --cve .*: (no such directory|not a directory)\n$/);
    }
    const scan = runCli(["scan", feed, "--cve", cves]);
    expect(scan).toMatchObject({ status: 2, stderr: expect.stringMatching(/--cve needs --advisories FEED/) });
  });

  it("advisories export publishes the CVE-only advisory as its own OSV record", () => {
    const out = join(dir, "osv");
    const r = runCli(["advisories", "export", "--format", "osv", "--db", feed, "--cve", cves, "--out", out]);
    expect(r.status).toBe(0);
    const osv = JSON.parse(readFileSync(join(out, "CPAN", "CVE-2025-40916.json"), "utf8"));
    expect(osv).toMatchObject({ id: "CVE-2025-40916", affected: [{ package: { ecosystem: "CPAN", name: "Mojolicious-Plugin-CaptchaPNG" } }] });
    expect(existsSync(join(out, "CPAN", "CPANSA-FCGI-2025-40907.json"))).toBe(true);
  });

  it("run: the records are merged each refresh and what they gave is printed; a missing DIR is refused before anything is made", async () => {
    const mirror = await buildMirror(join(dir, "mirror"), [{ author: "ALICE", name: "Mojolicious-Plugin-CaptchaPNG", version: "1.05" }]);
    const trust = join(dir, "mirror-key.asc");
    writeFileSync(trust, mirror.publicKey);
    const data = join(dir, "run-data");
    const args = ["run", "--mirror", mirror.dir, "--trust-key", trust, "--data", data, "--advisories", feed, "--once"];
    const r = await runCliAsync([...args, "--cve", cves]);
    expect(r.stdout).toMatch(/\n {2}CVE records: 2 read, 2 refused; 1 advisories added, 1 already in the CPANSA feed \(1 conflicts\)\n/);
    const doc = JSON.parse(readFileSync(join(data, "releases/ALICE/Mojolicious-Plugin-CaptchaPNG-1.05.tar.gz/advisories.json"), "utf8"));
    expect(doc.findings.map((f: { advisory: string }) => f.advisory)).toEqual(["CVE-2025-40916"]);
    const missing = await runCliAsync([...args.map((a) => (a === data ? join(dir, "never") : a)), "--cve", join(dir, "nope")]);
    expect(missing).toMatchObject({ status: 2, stderr: expect.stringMatching(/--cve .*nope: no such directory/) });
    expect(existsSync(join(dir, "never"))).toBe(false);
  });
});
