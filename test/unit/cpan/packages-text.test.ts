import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { gunzipPackages, packagesText } from "../../../shared/domain/cpan/packages-text";
import { FETCH_LIMITS } from "../../../shared/domain/fetch-limits";

describe("02packages text under FETCH_LIMITS.packagesIndexText", () => {
  const text = "File: 02packages.details.txt\n\nFoo 1.0 A/AU/AUTHOR/Foo-1.0.tar.gz\n";

  it("reads the text gzipped or not", () => {
    expect(packagesText(gzipSync(text))).toBe(text);
    expect(packagesText(new TextEncoder().encode(text))).toBe(text);
  });

  it("stops a .gz that inflates past the limit, and refuses plain text over it", () => {
    const bomb = gzipSync(Buffer.alloc(FETCH_LIMITS.packagesIndexText + 1, 0x20));
    expect(bomb.byteLength).toBeLessThan(FETCH_LIMITS.packagesIndex);
    expect(() => gunzipPackages(bomb)).toThrow(/buffer|length/i);
    expect(() => packagesText(bomb)).toThrow(/buffer|length/i);
    expect(() => packagesText(new Uint8Array(FETCH_LIMITS.packagesIndexText + 1))).toThrow(/over the \d+-byte limit for 02packages text/);
  });
});
