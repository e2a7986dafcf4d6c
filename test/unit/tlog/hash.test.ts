// RFC 6962 hashing, as computed with one-shot crypto.hash and a shared scratch buffer, against the
// definition spelled out with a Hash object, on the sizes each path handles.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { leafHash, nodeHash } from "../../../shared/domain/tlog/hash";

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
});
