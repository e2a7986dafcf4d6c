// Regression tests from fuzzing (test/fuzz): proof fields come from files, as `Number(json field)`.
import { describe, expect, it } from "vitest";
import { EMPTY_ROOT } from "../../../shared/domain/tlog/hash";
import { ProofError, consistentWithPrevious, verifyConsistency, verifyInclusion } from "../../../shared/domain/tlog/proof";

const h = new Uint8Array(32);

describe("proof verification of indexes and sizes that are not whole numbers", () => {
  // Found by the proof fuzz target: these reached BigInt() and crashed with a RangeError.
  it.each([
    ["a fractional index", () => verifyInclusion(1.5, 4, h, [h, h], h)],
    ["a NaN index", () => verifyInclusion(Number("x"), 4, h, [h, h], h)],
    ["a negative index", () => verifyInclusion(-1, 4, h, [h, h], h)],
    ["an infinite size1", () => consistentWithPrevious(Number.NEGATIVE_INFINITY, 0, [h], new Uint8Array(0), h)],
    ["a fractional size1", () => verifyConsistency(2.5, 8, [h, h], h, h)],
    ["a size2 past 2^53", () => verifyConsistency(1, 2 ** 53 + 2, [h], h, h)],
    ["a NaN size2 from the empty tree", () => consistentWithPrevious(0, Number.NaN, [], EMPTY_ROOT, h)],
  ])("refuses %s with ProofError", (_, f) => {
    expect(f).toThrow(ProofError);
    expect(f).toThrow(/not a whole number/);
  });
});
