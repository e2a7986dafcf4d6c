// The cpansec-patch/v1 log entry: exact bytes, strict parsing, its log id, and what the log's
// readers (monitor, check-proof) make of it.
import { describe, expect, it } from "vitest";
import { entryId, readLogEntry } from "../../../shared/domain/tlog/entry";
import { type PatchEntry, buildPatchEntry, parsePatchEntry } from "../../../shared/domain/tlog/patch-entry";

const e: PatchEntry = {
  original: { path: "authors/id/R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz", sha256: "a".repeat(64) },
  patches: [
    { path: "F/File-Find-Rule/0.34/CVE-2011-10007-r1.patch", sha256: "b".repeat(64) },
    { path: "F/File-Find-Rule/0.34/CVE-2026-10001-r2.patch", sha256: "c".repeat(64) },
  ],
  path: "authors/id/C/CP/CPANSEC/File-Find-Rule-0.34-PATCHED-CVE-2011-10007-r1-CVE-2026-10001-r2.tar.gz",
  sha256: "d".repeat(64),
  size: 797,
};

describe("cpansec-patch/v1", () => {
  it("is these exact bytes, and parses back", () => {
    const text = buildPatchEntry(e);
    expect(text).toBe(
      [
        "cpansec-patch/v1",
        `original ${e.original.path}`,
        `original-sha256 ${"a".repeat(64)}`,
        `patch F/File-Find-Rule/0.34/CVE-2011-10007-r1.patch ${"b".repeat(64)}`,
        `patch F/File-Find-Rule/0.34/CVE-2026-10001-r2.patch ${"c".repeat(64)}`,
        `path ${e.path}`,
        `sha256 ${"d".repeat(64)}`,
        "size 797",
        "",
      ].join("\n"),
    );
    expect(parsePatchEntry(text)).toEqual(e);
  });

  it.each([
    ["an original outside authors/id", { ...e, original: { ...e.original, path: "tmp/x.tar.gz" } }, /bad CPAN path/],
    ["a .. in the overlay path", { ...e, path: "authors/id/C/CP/CPANSEC/../x.tar.gz" }, /bad CPAN path/],
    ["an upper-case sha256", { ...e, sha256: "D".repeat(64) }, /bad sha256/],
    ["no patch", { ...e, patches: [] }, /0 patches/],
    ["a patch path not in the layout", { ...e, patches: [{ path: "../x.patch", sha256: "b".repeat(64) }] }, /expected <L>/],
    ["a negative size", { ...e, size: -1 }, /bad size/],
  ])("refuses %s", (_, bad, why) => {
    expect(() => buildPatchEntry(bad as PatchEntry)).toThrow(why);
  });

  it.each([
    ["a trailing line", `${buildPatchEntry(e)}extra\n`],
    ["no final newline", buildPatchEntry(e).slice(0, -1)],
    ["a patch line without its sha256", buildPatchEntry(e).replace(/( [b]{64})\n/, "\n")],
    ["a leading zero in the size", buildPatchEntry(e).replace("size 797", "size 0797")],
  ])("parsing refuses %s", (_, text) => {
    expect(() => parsePatchEntry(text)).toThrow(/not a cpansec-patch\/v1 entry/);
  });

  it("is deduplicated in the log by its overlay path; readLogEntry tells it from an upload entry", () => {
    const text = buildPatchEntry(e);
    expect(entryId(text, () => "unused")).toBe(`patched:${e.path}`);
    expect(readLogEntry(text)).toEqual({ patch: e });
    expect(readLogEntry("cpansec-patch/v1\nsomething else\n")).toEqual({});
    expect(entryId("plain text", () => "f00")).toBe("sha256:f00");
    expect(() => entryId("cpansec-patch/v1\nbroken\n", () => "x")).toThrow(/not a cpansec-patch\/v1 entry/);
  });
});
