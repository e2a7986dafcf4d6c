import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { InvalidVersionError, compareVersions, laxOrderKey, normalVersion, orderKey, parseVersion, versionOrderKey } from "../../../shared/domain/cpan/version";
import { realFeeds } from "../../helpers/fixtures";
import { byCodePoint } from "../../../shared/domain/order";

describe("parseVersion", () => {
  it.each([
    ["1.02", [1, 20], "1.02"],
    ["1.2", [1, 200], "1.2"],
    ["1.002003", [1, 2, 3], "1.002003"],
    ["v1.2.3", [1, 2, 3], "v1.2.3"],
    ["1.2.3", [1, 2, 3], "1.2.3"],
    ["1.23_01", [1, 230, 100], "1.23_01"],
    ["1.2.3_4", [1, 2, 34], "1.2.3_4"],
    ["v1", [1, 0, 0], "v1"],
    ["undef", [0], "0"],
    [" 1.2 ", [1, 200], "1.2"],
    ["1.2 3", [1, 200], "1.2"],
    [".5", [0, 500], ".5"],
    ["1.", [1, 0], "1."],
    ["99999999999", [0x7fffffff], "v.Inf"],
  ])("%s", (input, parts, original) => {
    const v = parseVersion(input);
    expect(v.parts).toEqual(parts);
    expect(v.original).toBe(original);
  });

  it.each([
    ["", "version required"],
    ["abc", "non-numeric data"],
    ["1.2abc", "non-numeric data"],
    ["1..2", "fractional part required"],
    ["-1", "negative version number"],
    ["1_2", "alpha without decimal"],
    ["1.2_", "misplaced underscore"],
    ["1.2_3_4", "multiple underscores"],
    ["v1.2.3.", "trailing decimal"],
    ["v.5", "dotted-decimal versions require at least three parts"],
    ["1.2-TRIAL", "non-numeric data"],
  ])("rejects %j (%s)", (input, reason) => {
    expect(() => parseVersion(input)).toThrow(InvalidVersionError);
    expect(() => parseVersion(input)).toThrow(reason);
  });
});

describe("compareVersions", () => {
  it.each([
    ["1.10", "1.9", -1],
    ["v1.10", "v1.9", 1],
    ["1.02", "1.2", -1],
    ["v1.2.3", "1.002003", 0],
    ["1.2", "1.2.0", 1],
    ["1.23_01", "1.23", 1],
    ["1.23_01", "1.24", -1],
    ["1.0", "1", 0],
    ["v1.2.0.0", "v1.2", 0],
    ["0.001", "0.0009", 1],
  ] as const)("%s <=> %s is %i", (a, b, want) => {
    expect(compareVersions(a, b)).toBe(want);
    expect(compareVersions(b, a)).toBe(-want || 0);
  });

  it("normalises", () => {
    expect(normalVersion("1.02")).toBe("v1.20.0");
    expect(normalVersion("v1")).toBe("v1.0.0");
  });
});

describe("versionOrderKey", () => {
  const version = fc.oneof(
    fc.tuple(fc.nat(200), fc.stringMatching(/^[0-9]{1,7}$/)).map(([i, f]) => `${i}.${f}`),
    fc.array(fc.nat(1200), { minLength: 1, maxLength: 5 }).map((p) => `v${p.join(".")}`),
    fc.nat(3000).map(String),
    fc.constantFrom("1.23_01", "v1.2.0.0", "1.0", "not a version", "1.2.3.4_5"),
  );
  it("orders keys as vcmp orders versions", () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        const want = (() => {
          try {
            return compareVersions(a, b);
          } catch {
            return undefined;
          }
        })();
        if (want === undefined) return;
        expect(Math.sign(byCodePoint(versionOrderKey(a), versionOrderKey(b)))).toBe(want);
      }),
      { numRuns: 5000 },
    );
  });
  it("sorts what does not parse last", () => {
    expect(byCodePoint(versionOrderKey("junk"), versionOrderKey("99999.9"))).toBe(1);
    expect(versionOrderKey("1.10")).toBe("0000000001.0000000100");
  });
});

describe("laxOrderKey", () => {
  /** What it stands for: the key of what parseVersion reads, or nothing where parseVersion throws. */
  const parsed = (s: string) => {
    try {
      return orderKey(parseVersion(s));
    } catch {
      return undefined;
    }
  };
  it("is the key parseVersion gives, for text of digits, dots, underscores, v and spaces", () => {
    const text = fc.stringMatching(/^v?[0-9._]{0,12}[ v0-9]?$/);
    fc.assert(
      fc.property(text, (s) => {
        expect(laxOrderKey(s)).toBe(parsed(s));
      }),
      { numRuns: 20000 },
    );
  });
  it("is the key parseVersion gives where the shapes it reads directly end", () => {
    for (const s of [
      "1",
      "007",
      "123456789",
      "1234567890",
      "2147483648",
      "1.",
      ".5",
      "1.2_3",
      "1.2_3_4",
      "1_2",
      "v1_2",
      "v1",
      "v1.2_3",
      "1.2_3.4",
      "0.0.0_01",
      "1.2.3_",
      "1.234_5",
      "1.0000000001.1",
      "v1.2.3_4_5",
      "1.2 ",
      " 1.2",
      "1.2\n",
      "v.1",
      "00.00",
      "0.000",
      "1.23456789012345678",
    ])
      expect(laxOrderKey(s), s).toBe(parsed(s));
  });
  it.each(realFeeds())("is the key parseVersion gives for every version the real feed $name lists", ({ path }) => {
    const versions = Object.values(parseFeed(readFileSync(path)).dists).flatMap((d) => d.versions);
    for (const s of versions) expect(laxOrderKey(s), s).toBe(parsed(s));
  });
});
