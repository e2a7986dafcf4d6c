// describeStored keeps the last few descriptions: the same path and bytes give the one answer, other bytes never do.
import { describe, expect, it } from "vitest";
import { describeRelease } from "../../../shared/domain/cpan/release";
import { bundledKeep } from "../../../shared/domain/sbom/bundled";
import { describeStored } from "../../../shared/pipeline/load-release";
import { metaJson, tarGz } from "../../helpers/archives";

const archive = (version: string, extra = "") =>
  tarGz([
    { name: `Memo-${version}/META.json`, content: metaJson({ name: "Memo", version }) },
    { name: `Memo-${version}/lib/Memo.pm`, content: `package Memo; our $VERSION = '${version}';${extra}\n1;\n` },
  ]);
const path = (v: string) => `authors/id/M/ME/MEMO/Memo-${v}.tar.gz`;

describe("describeStored", () => {
  it("describes as the steps need (SHA-1 and bundled samples) and answers a repeat from memory", async () => {
    const bytes = await archive("1.0");
    const first = await describeStored(path("1.0"), bytes);
    expect(first).toEqual(await describeRelease(path("1.0"), bytes, { sha1: true, keep: bundledKeep }));
    expect(first.entries.every((e) => e.sha1)).toBe(true);
    expect(await describeStored(path("1.0"), new Uint8Array(bytes))).toBe(first);
  });

  it("never answers other bytes under the same path, or the same bytes under another path, from memory", async () => {
    const a = await archive("2.0");
    const b = await archive("2.0", " # changed");
    const ra = await describeStored(path("2.0"), a);
    const rb = await describeStored(path("2.0"), b);
    expect(rb).not.toBe(ra);
    expect(rb.archive.sha256).not.toBe(ra.archive.sha256);
    const other = await describeStored("authors/id/O/OT/OTHER/Memo-2.0.tar.gz", a);
    expect(other.path.author).toBe("OTHER");
  });

  it("forgets the oldest beyond its bound", async () => {
    const bytes = await archive("3.0");
    const first = await describeStored(path("3.0"), bytes);
    for (let i = 0; i < 40; i++) await describeStored(path(`4.${i}`), await archive(`4.${i}`));
    const again = await describeStored(path("3.0"), bytes);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
