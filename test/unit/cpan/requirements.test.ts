import { describe, expect, it } from "vitest";
import { RequirementError, addRequirement, normalizeRange, rangeToString, satisfies } from "../../../shared/domain/cpan/requirements";

describe("CPAN::Meta::Requirements ranges", () => {
  it.each([
    ["", "0"],
    ["0", "0"],
    ["0.0", "0.0"],
    [">= 1.2, != 1.5, < 2", ">= 1.2, < 2, != 1.5"],
    ["1.2.3", "v1.2.3"],
    [">1", "> 1"],
    ["==1.0", "== 1.0"],
    ["== 1.0, >= 0.5", "== 1.0"],
    ["1,", "1"],
    [">= 1, >= 2, >= 1.5", "2"],
    ["<= 2, >= 2", "== 2"],
    [".5", "0.5"],
    ["v1.2", "v1.2.0"],
    ["1.2.3_4", "v1.2.34"],
    ["!= 1, != 1.0", "!= 1, != 1.0"],
    ["< 2, >= 0", "< 2"],
    ["> 0", "> 0"],
  ])("%j prints as %j", (input, want) => {
    expect(normalizeRange(input)).toBe(want);
  });

  it.each([", 1", " >= 1 ", "99999999999", "abc", "=1", "> 1, < 1", ">= 1, <= 0.5"])("rejects %j", (input) => {
    expect(() => normalizeRange(input)).toThrow(RequirementError);
  });

  it("merges requirements for one module", () => {
    const r = addRequirement(addRequirement(undefined, ">= 1.0"), "< 3, != 2");
    expect(rangeToString(r)).toBe(">= 1.0, < 3, != 2");
  });

  it.each([
    ["1.5", ">= 1.2, != 1.5, < 2", false],
    ["1.6", ">= 1.2, != 1.5, < 2", true],
    ["2", ">= 1.2, != 1.5, < 2", false],
    ["1.10", "1.9", false],
    ["v1.10", "v1.9", true],
    ["0", "0", true],
    ["1.23_01", "1.23", true],
  ] as const)("%s satisfies %j: %s", (v, range, want) => {
    expect(satisfies(v, range)).toBe(want);
  });
});
