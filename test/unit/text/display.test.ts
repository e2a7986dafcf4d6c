import { describe, expect, it } from "vitest";
import { displayIdentifier, displayText } from "../../../shared/domain/text/display";

describe("displayText (free text from uploads and the feed, as shown)", () => {
  it.each([
    ["a right-to-left override", "Report\u202Efdp.exe", "Report<U+202E>fdp.exe"],
    ["bidi isolates and marks", "a\u2066b\u2069c\u200Fd\u061C", "a<U+2066>b<U+2069>c<U+200F>d<U+061C>"],
    ["CR and LF (a rendered line stays one line)", "Demo\r\nUnsubscribe: https://evil.example", "Demo<U+000D><U+000A>Unsubscribe: https://evil.example"],
    ["zero-width characters and a BOM", "pay\u200Bpal\uFEFF", "pay<U+200B>pal<U+FEFF>"],
    ["a Cyrillic look-alike inside a Latin word", "p\u0430ypal login", "p<U+0430>ypal login"],
    ["Greek omicron in a Latin word", "G\u03BFogle", "G<U+03BF>ogle"],
    ["fullwidth and mathematical letters", "\uFF24\uFF41\uFF54\uFF41 \u{1D403}ump", "Data Dump"],
    ["a tag character (invisible)", "ok\u{E0041}", "ok<U+E0041>"],
  ])("shows %s", (_, input, shown) => {
    expect(displayText(input)).toBe(shown);
  });

  it.each([
    ["German", "Müller über Straße"],
    ["Russian", "Модуль для JSON"],
    ["Greek", "Ελληνικά"],
    ["Japanese", "日本語のモジュール"],
    ["punctuation", "fast… ½ price — “quoted”"],
    ["emoji", "works 😀"],
  ])("leaves honest %s text alone", (_, s) => {
    expect(displayText(s)).toBe(s);
  });
});

describe("displayIdentifier (names, versions, ids, paths)", () => {
  it("shows anything but printable ASCII as a code point", () => {
    expect(displayIdentifier("D\u0430ta-Dumper")).toBe("D<U+0430>ta-Dumper");
    expect(displayIdentifier("Evil\u202E1.0")).toBe("Evil<U+202E>1.0");
    expect(displayIdentifier("Foo\nBar")).toBe("Foo<U+000A>Bar");
    expect(displayIdentifier("Try-Tiny 0.31_01 by ETHER")).toBe("Try-Tiny 0.31_01 by ETHER");
    expect(displayIdentifier("Ünicode-Dist")).toBe("Ünicode-Dist");
  });
});
