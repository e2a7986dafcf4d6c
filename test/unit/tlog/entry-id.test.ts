// entryIdOf, the id of an entry's bytes: what entryId gives for the strictly decoded text, without
// decoding text that cannot be one of the log's kinds; decoding's error for bytes that are not UTF-8.
import { describe, expect, it } from "vitest";
import { buildEntry, entryId, entryIdOf } from "../../../shared/domain/tlog/entry";
import { buildPatchEntry } from "../../../shared/domain/tlog/patch-entry";

const strict = new TextDecoder("utf-8", { fatal: true });
const hex = (b: Uint8Array) => () => Buffer.from(b).toString("hex");
const upload = buildEntry({ path: "authors/id/E/ET/ETHER/Foo-1.tar.gz", sha256: "c".repeat(64), size: 1, uploaded: "1700000000" });
const patch = buildPatchEntry({
  original: { path: "authors/id/R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz", sha256: "a".repeat(64) },
  patches: [{ path: "F/File-Find-Rule/0.34/CVE-2011-10007-r1.patch", sha256: "b".repeat(64) }],
  path: "authors/id/C/CP/CPANSEC/File-Find-Rule-0.34-PATCHED-CVE-2011-10007-r1.tar.gz",
  sha256: "d".repeat(64),
  size: 797,
});

const outcome = (f: () => string) => {
  try {
    return { id: f() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
};

describe("entryIdOf", () => {
  const cases: Array<[string, Uint8Array]> = [
    ["an upload entry", Buffer.from(upload)],
    ["a patch entry", Buffer.from(patch)],
    ["an upload entry after a byte-order mark (decoding drops it)", Buffer.from(`\ufeff${upload}`)],
    ["plain text", Buffer.from("entry 1")],
    ["plain text starting with c", Buffer.from("cpansec is not a header")],
    ["a broken upload entry", Buffer.from("cpansec-upload/v1\nbroken\n")],
    ["non-ASCII text", Buffer.from("\u00e9t\u00e9 \u{1f600}")],
    ["nothing", new Uint8Array(0)],
    ["bytes that are not UTF-8", new Uint8Array([0x61, 0xff])],
    ["an encoded surrogate (not UTF-8)", new Uint8Array([0xed, 0xa0, 0x80])],
    ["a truncated sequence starting with c", new Uint8Array([0x63, 0xc3])],
  ];
  it.each(cases)("of %s is entryId of its strictly decoded text", (_, bytes) => {
    expect(outcome(() => entryIdOf(bytes, hex(bytes)))).toEqual(outcome(() => entryId(strict.decode(bytes), hex(bytes))));
  });
  it("reads the kinds and hashes the rest", () => {
    expect(entryIdOf(Buffer.from(upload), () => "unused")).toBe("path:authors/id/E/ET/ETHER/Foo-1.tar.gz");
    expect(entryIdOf(Buffer.from("entry 1"), () => "f00")).toBe("sha256:f00");
    expect(() => entryIdOf(new Uint8Array([0x61, 0xff]), () => "f00")).toThrow(TypeError);
  });
});
