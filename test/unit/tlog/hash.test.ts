// RFC 6962 hashing, as computed with one-shot crypto.hash and a shared scratch buffer, against the
// definition spelled out with a Hash object, on the sizes each path handles.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EMPTY_ROOT, leafHash, leafHashesInto, nodeHash, perfectRoot, perfectRootOfBytes } from "../../../shared/domain/tlog/hash";

const sha = (...parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash("sha256")).digest();
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe("Merkle hashing", () => {
  it("hashes leaves of every size H(0x00 ‖ entry), the scratch buffer's edge and beyond included", () => {
    for (const n of [0, 1, 32, 1000, 64 * 1024 - 2, 64 * 1024 - 1, 64 * 1024, 200_000])
      expect(Buffer.from(leafHash(bytes(n, n)))).toEqual(sha(Uint8Array.of(0), bytes(n, n)));
  });
  it("keeps each result its own (no view of the shared buffer)", () => {
    const a = leafHash(bytes(10, 1));
    const copy = Buffer.from(a);
    leafHash(bytes(10, 2));
    nodeHash(bytes(32, 3), bytes(32, 4));
    expect(Buffer.from(a)).toEqual(copy);
  });
  it("hashes nodes H(0x01 ‖ l ‖ r), and children that are not 32 bytes (a hostile proof) as they are", () => {
    for (const [l, r] of [
      [32, 32],
      [31, 32],
      [32, 33],
      [0, 0],
    ] as const)
      expect(Buffer.from(nodeHash(bytes(l, 5), bytes(r, 6)))).toEqual(sha(Uint8Array.of(1), bytes(l, 5), bytes(r, 6)));
  });
  it("writes leaf hashes into a tile's bytes in place, at an offset, large entries included", () => {
    const entries = [0, 1, 32, 64 * 1024 - 1, 64 * 1024, 200_000].map((n) => bytes(n, n + 7));
    const out = Buffer.alloc(32 * (entries.length + 2), 0xee);
    leafHashesInto(entries, out, 32);
    expect(out.subarray(0, 32)).toEqual(Buffer.alloc(32, 0xee));
    entries.forEach((e, i) => expect(out.subarray(32 * (i + 1), 32 * (i + 2))).toEqual(sha(Uint8Array.of(0), e)));
    expect(out.subarray(-32)).toEqual(Buffer.alloc(32, 0xee));
  });
  it("takes the root of 2^k hashes stored one after another as perfectRoot does, leaving them as they were", () => {
    for (const k of [0, 1, 2, 5, 8, 9]) {
      const hashes = Array.from({ length: 2 ** k }, (_, i) => sha(bytes(i, k)));
      const joined = Buffer.concat(hashes);
      const copy = Buffer.from(joined);
      expect(Buffer.from(perfectRootOfBytes(joined))).toEqual(Buffer.from(perfectRoot(hashes)));
      expect(joined).toEqual(copy);
    }
    expect(perfectRootOfBytes(new Uint8Array(0))).toEqual(EMPTY_ROOT);
  });
});
