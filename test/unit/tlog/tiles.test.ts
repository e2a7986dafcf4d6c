import { describe, expect, it } from "vitest";
import { CheckpointError, formatCheckpoint, parseCheckpoint } from "../../../shared/domain/tlog/checkpoint";
import { EntryError, buildEntry, parseEntry } from "../../../shared/domain/tlog/entry";
import { EMPTY_ROOT, b64 } from "../../../shared/domain/tlog/hash";
import { TileFormatError, decodeBundle, encodeBundle, entriesPath, indexPath, tilePath, tilesAt } from "../../../shared/domain/tlog/tiles";

describe("tile paths", () => {
  it.each([
    [0, "000"],
    [1000, "x001/000"],
    [1234067, "x001/x234/067"],
    [999, "999"],
  ])("index %i is %s", (n, p) => expect(indexPath(n)).toBe(p));

  it("names full and partial tiles and bundles", () => {
    expect(tilePath(0, 272)).toBe("tile/0/272");
    expect(tilePath(1, 1, 17)).toBe("tile/1/001.p/17");
    expect(entriesPath(1234067, 5)).toBe("tile/entries/x001/x234/067.p/5");
    expect(() => tilePath(64, 0)).toThrow(TileFormatError);
    expect(() => tilePath(0, 0, 0)).toThrow(TileFormatError);
  });

  it("lists the tiles of a 70,000-entry tree as C2SP's example does", () => {
    const paths = [0, 1, 2, 3].flatMap((l) => tilesAt(l, 70_000).map((t) => tilePath(t.level, t.index, t.width)));
    expect(paths.filter((p) => p.startsWith("tile/0/"))).toHaveLength(274);
    expect(paths.slice(272, 274)).toEqual(["tile/0/272", "tile/0/273.p/112"]);
    expect(paths.slice(274)).toEqual(["tile/1/000", "tile/1/001.p/17", "tile/2/000.p/1"]);
  });
});

describe("entry bundles", () => {
  it("round-trips big-endian length-prefixed entries", () => {
    const bundle = encodeBundle([new TextEncoder().encode("one"), new TextEncoder().encode("two")]);
    expect(Buffer.from(bundle).toString("hex")).toBe("00036f6e65000374776f");
    expect(decodeBundle(bundle, "b", 2).map((e) => new TextDecoder().decode(e))).toEqual(["one", "two"]);
  });
  it("reports truncation and oversize precisely", () => {
    expect(() => decodeBundle(new Uint8Array([0, 5, 1, 2]), "tile/entries/000.p/1")).toThrow("tile/entries/000.p/1: entry 0 claims 5 bytes, only 2 left");
    expect(() => decodeBundle(new Uint8Array([0]), "b")).toThrow(/truncated length prefix/);
    expect(() => decodeBundle(encodeBundle([new Uint8Array(1)]), "b", 2)).toThrow(/1 entries, want 2/);
    expect(() => encodeBundle([new Uint8Array(65_536)])).toThrow(/over the 65535-byte limit/);
  });
});

describe("checkpoints and upload entries", () => {
  it("round-trips a checkpoint and refuses malformed ones", () => {
    const text = formatCheckpoint({ origin: "example.com/log", size: 0, root: EMPTY_ROOT, extensions: [] });
    expect(text).toBe(`example.com/log\n0\n${b64(EMPTY_ROOT)}\n`);
    expect(parseCheckpoint(text).size).toBe(0);
    for (const bad of [
      "example.com/log\n01\nx\n",
      "example.com/log\n1\n",
      `example.com/log\n1\n${b64(EMPTY_ROOT)}`,
      `o\n-1\n${b64(EMPTY_ROOT)}\n`,
      "o\n1\nAAAA\n",
    ]) {
      expect(() => parseCheckpoint(bad)).toThrow(CheckpointError);
    }
  });

  it("reads any non-empty origin, as transparency-dev does, but signs only URL-like ones", () => {
    // C2SP: the origin SHOULD have no spaces or '+'. A reader accepts another log's choice; this
    // log's own checkpoints keep to it (found by fuzzing, which had assumed one rule for both).
    const theirs = `log+v1 example\n3\n${b64(EMPTY_ROOT)}\n`;
    expect(parseCheckpoint(theirs).origin).toBe("log+v1 example");
    expect(() => formatCheckpoint(parseCheckpoint(theirs))).toThrow(/no spaces or '\+'/);
  });

  it("builds the exact entry bytes of docs/architecture.md and parses them back", () => {
    const e = { path: "authors/id/E/ET/ETHER/Try-Tiny-0.31.tar.gz", sha256: "a".repeat(64), size: 12345, uploaded: "1760978849.04324" };
    const text = buildEntry(e);
    expect(text).toBe(`cpansec-upload/v1\npath ${e.path}\nsha256 ${"a".repeat(64)}\nsize 12345\nuploaded 1760978849.04324\n`);
    expect(parseEntry(text)).toEqual(e);
    expect(() => buildEntry({ ...e, path: "authors/id/E/ET/ETHER/../x" })).toThrow(EntryError);
    expect(() => buildEntry({ ...e, sha256: "A".repeat(64) })).toThrow(EntryError);
    expect(() => parseEntry(`${text}extra\n`)).toThrow(EntryError);
  });
});
