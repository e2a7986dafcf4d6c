import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
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
    writeFileSync(good, await tarGz([{ name: "Foo-Bar-1.23/META.json", content: metaJson({ name: "Foo-Bar", version: "1.23", prereqs: { runtime: { requires: { Moo: ">= 2.0, < 3" } } } }) }, { name: "Foo-Bar-1.23/lib/Foo/Bar.pm", content: "1;" }]));
    const broken = join(dir, "Broken-0.01.tar.gz");
    writeFileSync(broken, "this is not gzip");
    const r = runCli(["scan", "--json", good, broken]);
    expect(r.status).toBe(3);
    const [a, b] = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(a).toEqual({
      file: good, distribution: "Foo-Bar", version: "1.23", author: "ETHER", developer: false, source: "META.json",
      license: ["perl_5"], prereqs: { runtime: { requires: { Moo: ">= 2.0, < 3" } } }, files: 2,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: expect.any(Number),
      logEntry: expect.stringMatching(/^cpansec-upload\/v1\npath authors\/id\/E\/ET\/ETHER\/Foo-Bar-1.23.tar.gz\nsha256 [0-9a-f]{64}\nsize \d+\nuploaded \d+\n$/),
      leafHash: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
    });
    expect(a.logEntry).toContain(`sha256 ${a.sha256}\nsize ${a.size}\n`);
    expect(a.leafHash).toBe(createHash("sha256").update(Buffer.concat([Buffer.from([0]), Buffer.from(a.logEntry)])).digest("base64"));
    expect(b.logEntry).toBeUndefined(); // no PAUSE id in its path: no log entry
    expect(b).toMatchObject({ file: broken, distribution: "Broken", version: "0.01", source: "filename", files: 0, error: expect.stringMatching(/not a gzip, bzip2, xz, tar or zip archive/) });
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
});
