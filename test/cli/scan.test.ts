import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { metaJson, tarGz } from "../helpers/archives";

describe("cpansec scan", () => {
  const dir = mkdtempSync(join(tmpdir(), "cpansec-scan-"));
  const mirror = join(dir, "authors/id/E/ET/ETHER");

  it("prints one JSON line per archive with identity, metadata and errors", async () => {
    const { mkdirSync } = await import("node:fs");
    mkdirSync(mirror, { recursive: true });
    const good = join(mirror, "Foo-Bar-1.23.tar.gz");
    writeFileSync(
      good,
      await tarGz([
        { name: "Foo-Bar-1.23/META.json", content: metaJson({ name: "Foo-Bar", version: "1.23", prereqs: { runtime: { requires: { Moo: ">= 2.0, < 3" } } } }) },
        { name: "Foo-Bar-1.23/lib/Foo/Bar.pm", content: "1;" },
      ]),
    );
    const broken = join(dir, "Broken-0.01.tar.gz");
    writeFileSync(broken, "this is not gzip");
    const r = runCli(["scan", "--json", good, broken]);
    expect(r.status).toBe(3);
    const [a, b] = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(a).toEqual({
      file: good,
      distribution: "Foo-Bar",
      version: "1.23",
      author: "ETHER",
      purl: "pkg:cpan/Foo-Bar@1.23?author=ETHER",
      developer: false,
      source: "filename",
      metaSource: "META.json",
      license: ["perl_5"],
      prereqs: { runtime: { requires: { Moo: ">= 2.0, < 3" } } },
      files: 2,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      size: expect.any(Number),
      logEntry: expect.stringMatching(
        /^cpansec-upload\/v1\npath authors\/id\/E\/ET\/ETHER\/Foo-Bar-1.23.tar.gz\nsha256 [0-9a-f]{64}\nsize \d+\nuploaded \d+\n$/,
      ),
      leafHash: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
    });
    expect(a.logEntry).toContain(`sha256 ${a.sha256}\nsize ${a.size}\n`);
    expect(a.leafHash).toBe(
      createHash("sha256")
        .update(Buffer.concat([Buffer.from([0]), Buffer.from(a.logEntry)]))
        .digest("base64"),
    );
    expect(b.logEntry).toBeUndefined(); // no PAUSE id in its path: no log entry
    expect(b).toMatchObject({
      file: broken,
      distribution: "Broken",
      version: "0.01",
      source: "filename",
      files: 0,
      error: expect.stringMatching(/not a gzip, bzip2, xz, tar or zip archive/),
    });
  });

  it("exits 0 when every archive was read, and prints a readable summary without --json", async () => {
    const f = join(dir, "Baz-2.tar.gz");
    writeFileSync(f, await tarGz([{ name: "Baz-2/Makefile.PL", content: "" }]));
    const r = runCli(["scan", f]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Baz 2");
    expect(r.stdout).toContain("identity from filename");
  });

  it("reports a missing file as an error and usage mistakes with exit 2", () => {
    expect(runCli(["scan", "--json", join(dir, "nope.tar.gz")]).stdout).toContain("ENOENT");
    expect(runCli(["scan"]).status).toBe(2);
    expect(runCli(["frobnicate"]).status).toBe(2);
    const help = runCli(["scan", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--json");
  });

  it("writes both SBOMs under --out, with --author and --upload-time for a bare archive", async () => {
    const f = join(dir, "Qux-0.5.tar.gz");
    writeFileSync(
      f,
      await tarGz([{ name: "Qux-0.5/META.json", content: metaJson({ name: "Qux", version: "0.5", prereqs: { runtime: { requires: { Moo: "2" } } } }) }]),
    );
    const out = join(dir, "out");
    const r = runCli(["scan", "--json", "--out", out, "--author", "QUXER", "--upload-time", "2026-08-16T14:31:00Z", f]);
    expect(r.status).toBe(0);
    const line = JSON.parse(r.stdout);
    expect(line.sbom).toEqual({
      cyclonedx: join(out, "QUXER", "Qux-0.5.tar.gz", "sbom.cdx.json"),
      spdx: join(out, "QUXER", "Qux-0.5.tar.gz", "sbom.spdx.json"),
    });
    expect(line.author).toBe("QUXER");
    expect(line.logEntry).toContain("path authors/id/Q/QU/QUXER/Qux-0.5.tar.gz\n");
    expect(line.logEntry).toContain("uploaded 1786890660\n");
    const cdx = JSON.parse(readFileSync(line.sbom.cyclonedx, "utf8"));
    expect(cdx.metadata).toMatchObject({ timestamp: "2026-08-16T14:31:00.000Z", component: { purl: "pkg:cpan/Qux@0.5?author=QUXER" } });
    expect(JSON.parse(readFileSync(line.sbom.spdx, "utf8")).creationInfo.created).toBe("2026-08-16T14:31:00Z");
    const again = runCli(["scan", "--json", "--out", out, "--author", "QUXER", "--upload-time", "1786890660", f]);
    expect(JSON.parse(again.stdout).logEntry).toBe(line.logEntry);
    expect(runCli(["scan", "--upload-time", "yesterday", f]).status).toBe(2);
    expect(runCli(["scan", "--author", "lower", f]).status).toBe(2);
  });

  it("keys --out folders by the file: a trial and its release never share one", async () => {
    const author = join(dir, "authors/id/S/SO/SOMEID");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(author, { recursive: true });
    const files = ["Foo-1.23.tar.gz", "Foo-1.23-TRIAL.tar.gz"].map((name) => join(author, name));
    for (const [i, f] of files.entries())
      writeFileSync(f, await tarGz([{ name: "Foo-1.23/META.json", content: metaJson({ name: "Foo", version: "1.23", abstract: `copy ${i}` }) }]));
    const out = join(dir, "out-by-file");
    const r = runCli(["scan", "--json", "--out", out, ...files]);
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.sbom.cyclonedx)).toEqual([
      join(out, "SOMEID", "Foo-1.23.tar.gz", "sbom.cdx.json"),
      join(out, "SOMEID", "Foo-1.23-TRIAL.tar.gz", "sbom.cdx.json"),
    ]);
    const purls = lines.map((l) => JSON.parse(readFileSync(l.sbom.cyclonedx, "utf8")).metadata.component.purl);
    expect(purls).toEqual(["pkg:cpan/Foo@1.23?author=SOMEID", "pkg:cpan/Foo@1.23-TRIAL?author=SOMEID"]);
  });

  it("does not let a second archive of the same name overwrite the first's results in one run", async () => {
    const [a, b] = [join(dir, "one"), join(dir, "two")];
    const { mkdirSync } = await import("node:fs");
    for (const [i, d] of [a, b].entries()) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, "Same-1.0.tar.gz"), await tarGz([{ name: "Same-1.0/README", content: `copy ${i}` }]));
    }
    const r = runCli(["scan", "--json", "--out", join(dir, "out-same"), join(a, "Same-1.0.tar.gz"), join(b, "Same-1.0.tar.gz")]);
    expect(r.status).toBe(3);
    const [first, second] = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(first.sbom.cyclonedx).toBe(join(dir, "out-same", "Same-1.0.tar.gz", "sbom.cdx.json"));
    expect(second.error).toMatch(/already holds the results of a different archive/);
  });

  it("stops at the first --out folder it cannot make, after the lines of the archives before it", async () => {
    const out = join(dir, "out-blocked");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(out, "POOL"), { recursive: true });
    const [a, b] = ["Ok-1.0", "Blocked-1.0"].map((n) => join(dir, `${n}.tar.gz`)) as [string, string];
    for (const f of [a, b]) writeFileSync(f, await tarGz([{ name: "X-1/README", content: f }]));
    writeFileSync(join(out, "POOL", "Blocked-1.0.tar.gz"), "a file where the folder goes");
    const r = runCli(["scan", "--json", "--author", "POOL", "--out", out, a, b, a]);
    expect(r.status).toBe(1); // a system refusal: the job was not done (cli/errors.ts)
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).file),
    ).toEqual([a]);
    expect(r.stderr).toBe(`cpansec: EEXIST: file already exists, mkdir '${join(out, "POOL", "Blocked-1.0.tar.gz")}'\n`);
  });
});
