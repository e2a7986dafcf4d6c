import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { describeRelease } from "../../../shared/domain/cpan/release";
import { metaJson, tarGz } from "../../helpers/archives";

const PATH = "authors/id/E/ET/ETHER/Foo-Bar-1.23.tar.gz";

describe("describeRelease", () => {
  it("takes identity and author from the path, metadata from META.json", async () => {
    const bytes = await tarGz([
      { name: "Foo-Bar-1.23/META.json", content: metaJson({ name: "Foo-Bar", version: "1.23", prereqs: { runtime: { requires: { Moo: "2" } } } }) },
      { name: "Foo-Bar-1.23/META.yml", content: "name: Wrong\nversion: 9\n" },
      { name: "Foo-Bar-1.23/lib/Foo/Bar.pm", content: "1;" },
    ]);
    const r = await describeRelease(PATH, bytes);
    expect(r).toMatchObject({
      distribution: "Foo-Bar",
      version: "1.23",
      source: "filename",
      metaSource: "META.json",
      metaIdentity: { name: "Foo-Bar", version: "1.23", agrees: true },
      developer: false,
      path: { author: "ETHER" },
    });
    expect(r.meta?.prereqs).toEqual({ runtime: { requires: { Moo: "2" } } });
    expect(r.problems).toEqual([]);
    expect(r.archive.size).toBe(bytes.length);
  });

  it("falls back to META.yml when META.json is broken, and says so", async () => {
    const r = await describeRelease(
      PATH,
      await tarGz([
        { name: "Foo-Bar-1.23/META.json", content: "{ not json" },
        { name: "Foo-Bar-1.23/META.yml", content: "name: Foo-Bar\nversion: 1.23\nrequires:\n  Moo: 2\n" },
      ]),
    );
    expect(r.metaSource).toBe("META.yml");
    expect(r.meta?.prereqs).toEqual({ runtime: { requires: { Moo: "2" } } });
    expect(r.problems[0]).toMatch(/^META.json unusable: META.json: /);
  });

  it("uses the file name when there is no META", async () => {
    const r = await describeRelease("Foo-Bar-1.23_01.tar.gz", await tarGz([{ name: "Foo-Bar-1.23_01/Makefile.PL", content: "" }]));
    expect(r).toMatchObject({ distribution: "Foo-Bar", version: "1.23_01", developer: true, source: "filename" });
    expect(r.problems).toContain("no META.json or META.yml: identity from the file name");
  });

  it("never throws on an unreadable archive: identity from the name, error with the reason", async () => {
    const r = await describeRelease(PATH, new TextEncoder().encode("garbage"));
    expect(r).toMatchObject({ distribution: "Foo-Bar", version: "1.23", source: "filename", error: { code: "not-an-archive" } });
    expect(r.archive.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("survives a 50 MB META.json: listed and hashed, not parsed", async () => {
    // Incompressible filler, so the kept-file limit is what stops it (not the bomb ratio).
    const huge = `{"name":"Foo-Bar","version":"1.23","x":"${randomBytes(37.5 * 2 ** 20).toString("base64")}"}`;
    const r = await describeRelease(PATH, await tarGz([{ name: "Foo-Bar-1.23/META.json", content: huge }]));
    expect(r.metaSource).toBeUndefined();
    expect(r.entries[0]?.size).toBe(huge.length);
    expect(r.problems.join("\n")).toMatch(/META.json is over the 4194304-byte limit/);
  });

  it("refuses a YAML alias bomb quickly", async () => {
    const lol = [
      "a: &a [x,x,x,x,x,x,x,x,x]",
      ...Array.from({ length: 8 }, (_, i) => `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`),
    ].join("\n");
    const started = Date.now();
    const r = await describeRelease(PATH, await tarGz([{ name: "Foo-Bar-1.23/META.yml", content: `name: Foo-Bar\nversion: 1\n${lol}\n` }]));
    expect(r.metaSource).toBeUndefined();
    expect(r.problems.join("\n")).toMatch(/META.yml unusable: .*alias/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("reports META.json that is not UTF-8", async () => {
    const bad = Buffer.concat([Buffer.from('{"name":"Foo-Bar","version":"1.23","abstract":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const r = await describeRelease(PATH, await tarGz([{ name: "Foo-Bar-1.23/META.json", content: bad }]));
    expect(r.problems).toContain("META.json unusable: META.json is not valid UTF-8");
  });

  it("keeps what it can from META with wrong types", async () => {
    const meta = JSON.stringify({
      "meta-spec": { version: 2 },
      name: ["Foo"],
      version: { v: 1 },
      license: 42,
      prereqs: { runtime: "everything", test: { requires: { "Test::More": { min: 1 }, "Bad Name!": "1" } } },
    });
    const r = await describeRelease(PATH, await tarGz([{ name: "Foo-Bar-1.23/META.json", content: meta }]));
    expect(r).toMatchObject({ distribution: "Foo-Bar", version: "1.23", source: "filename", metaSource: "META.json" });
    expect(r.meta?.prereqs).toEqual({ test: { requires: { "Test::More": "0" } } });
    expect(r.problems.join("\n")).toMatch(/name is a list[\s\S]*version is a object[\s\S]*prereqs.runtime is not a map[\s\S]*Bad Name/);
  });

  it("refuses a META that is not a map", async () => {
    const r = await describeRelease(PATH, await tarGz([{ name: "Foo-Bar-1.23/META.json", content: "[1,2]" }]));
    expect(r.problems).toContain("META.json unusable: META is a list, not a map");
  });

  it("flags a META name that is a module name, and disagreements with the path", async () => {
    const r = await describeRelease(PATH, await tarGz([{ name: "Foo-Bar-1.23/META.json", content: metaJson({ name: "Foo::Bar", version: "1.24" }) }]));
    expect(r).toMatchObject({ distribution: "Foo-Bar", version: "1.23", metaIdentity: { name: "Foo::Bar", version: "1.24", agrees: false } });
    expect(r.problems).toEqual([
      'META name "Foo::Bar" is a module name, not a distribution name',
      "META version 1.24 differs from the CPAN path's 1.23: the release is version 1.23; META's version is recorded, never matched on",
    ]);
  });
});

describe("describeRelease against impersonation", () => {
  const ATTACKER = "authors/id/A/AT/ATTACKER/Totally-Innocent-0.01.tar.gz";

  it("keeps the CPAN path's identity when META claims another distribution", async () => {
    const r = await describeRelease(
      ATTACKER,
      await tarGz([{ name: "Totally-Innocent-0.01/META.json", content: metaJson({ name: "Mojolicious", version: "99.0" }) }]),
    );
    expect(r).toMatchObject({
      distribution: "Totally-Innocent",
      version: "0.01",
      source: "filename",
      metaIdentity: { name: "Mojolicious", version: "99.0", agrees: false },
    });
    expect(r.meta?.name).toBe("Mojolicious"); // recorded as claimed
    expect(r.problems).toEqual([
      "META name Mojolicious differs from the CPAN path's Totally-Innocent: the release is Totally-Innocent; META's name is recorded, never matched or notified on",
      "META version 99.0 differs from the CPAN path's 0.01: the release is version 0.01; META's version is recorded, never matched on",
    ]);
  });

  it("reads no META from a second top directory that sorts first", async () => {
    const r = await describeRelease(
      ATTACKER,
      await tarGz([
        { name: "AAA/META.json", content: metaJson({ name: "Mojolicious", version: "99.0", prereqs: { runtime: { requires: { Evil: "1" } } } }) },
        { name: "Totally-Innocent-0.01/META.json", content: metaJson({ name: "Totally-Innocent", version: "0.01" }) },
      ]),
    );
    expect(r).toMatchObject({ distribution: "Totally-Innocent", version: "0.01" });
    expect(r.meta).toBeUndefined();
    expect(r.problems).toContain("the archive has 2 top-level entries and no META.json at its root: no directory's META.json is the distribution's, none used");
  });

  it("reads META at the archive root before any directory's", async () => {
    const r = await describeRelease(
      ATTACKER,
      await tarGz([
        { name: "AAA/META.json", content: metaJson({ name: "X", version: "1" }) },
        { name: "META.json", content: metaJson({ name: "Totally-Innocent", version: "0.01" }) },
      ]),
    );
    expect(r.metaIdentity).toEqual({ name: "Totally-Innocent", version: "0.01", agrees: true });
  });

  it("keeps the duplicate-META warning among the problems when a META was read", async () => {
    const r = await describeRelease(
      PATH,
      await tarGz([
        { name: "Foo-Bar-1.23/META.json", content: metaJson({ name: "Foo-Bar", version: "9" }) },
        { name: "Foo-Bar-1.23/META.json", content: metaJson({ name: "Foo-Bar", version: "1.23" }) },
      ]),
    );
    expect(r.metaIdentity?.agrees).toBe(true);
    expect(r.problems).toEqual(["duplicate entry Foo-Bar-1.23/META.json: the last copy wins, as extractors do"]);
  });

  it("tells a trial from its release: the comparable version drops -TRIAL, the path keeps it", async () => {
    const r = await describeRelease(
      "authors/id/S/SO/SOMEID/Foo-1.23-TRIAL.tar.gz",
      await tarGz([{ name: "Foo-1.23-TRIAL/META.json", content: metaJson({ name: "Foo", version: "1.23", release_status: "testing" }) }]),
    );
    expect(r).toMatchObject({ distribution: "Foo", version: "1.23", developer: true, path: { version: "1.23-TRIAL" } });
    expect(r.problems).toEqual([]);
  });
});
