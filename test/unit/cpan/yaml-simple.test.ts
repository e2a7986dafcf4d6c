// META.yml's common shape read without the YAML library (shared/domain/cpan/meta/yaml-simple.ts):
// wherever it answers, the answer must be the library's, exactly; elsewhere it must step aside.
import fc from "fast-check";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { simpleYaml } from "../../../shared/domain/cpan/meta/yaml-simple";
import { corpusMetas } from "../../helpers/corpus";

/** The library as ./load.ts calls it; undefined when it refuses the document. */
function library(text: string): unknown {
  const doc = parseDocument(text, { schema: "failsafe", uniqueKeys: false, strict: false, prettyErrors: false, logLevel: "error" });
  if (doc.errors.length) return undefined;
  try {
    return doc.toJS({ maxAliasCount: 50 });
  } catch {
    return undefined;
  }
}

/** Same answer, or the fast path stepped aside. */
const answered = { yes: 0, no: 0 };
function agrees(text: string): boolean {
  const fast = simpleYaml(text);
  answered[fast === undefined ? "no" : "yes"]++;
  if (fast === undefined) return true;
  expect(fast, JSON.stringify(text)).toStrictEqual(library(text));
  return true;
}

// Pieces META.yml is made of, and the characters that change what YAML reads.
const atoms = ["name", "version", "Foo::Bar", "requires", "1.10", "0", "~", "-1", "x", "a b", "http://x/y", "perl_5", ">= 1.0", "< 2", "é", "日本"];
const tricky = [
  " ",
  "#",
  ":",
  ": ",
  " #",
  "'",
  "''",
  '"',
  "\\",
  "-",
  "- ",
  "?",
  ",",
  "[",
  "]",
  "{",
  "}",
  "{}",
  "[]",
  "&a",
  "*a",
  "!",
  "|",
  ">",
  "%",
  "@",
  "`",
  "---",
  "...",
  "\t",
  "\r",
  "\u00a0",
  "\u2028",
  "\ufeff",
  "__proto__",
];
const word = fc
  .array(fc.oneof({ arbitrary: fc.constantFrom(...atoms), weight: 4 }, { arbitrary: fc.constantFrom(...tricky), weight: 1 }), { minLength: 0, maxLength: 3 })
  .map((xs) => xs.join(""));
const quoted = fc.oneof(
  word.map((w) => `'${w}'`),
  word.map((w) => `"${w}"`),
);
const indent = fc.constantFrom("", "", " ", "  ", "   ", "    ", "      ");
const line = fc.oneof(
  fc.tuple(indent, word, fc.oneof(word, quoted)).map(([i, k, v]) => `${i}${k}: ${v}`),
  fc.tuple(indent, word).map(([i, k]) => `${i}${k}:`),
  fc.tuple(indent, fc.oneof(word, quoted)).map(([i, v]) => `${i}- ${v}`),
  fc.tuple(indent, word).map(([i, w]) => `${i}${w}`),
  fc.constantFrom("", "# a comment", "  # indented comment", "---", "--- ", "...", "-"),
);
/** A block-style document made from a random tree: nested maps, sequences (of scalars, or of maps under a lone `-`), scalars plain or quoted. */
type Tree = string | Tree[] | { [k: string]: Tree };
const keyAtom = fc.oneof(
  { arbitrary: fc.constantFrom("name", "version", "requires", "Foo::Bar", "x_y", "meta-spec", "a b", "1", "perl", "Moo"), weight: 12 },
  { arbitrary: word, weight: 1 },
);
const scalarText = fc.oneof(
  { arbitrary: fc.constantFrom(...atoms), weight: 12 },
  { arbitrary: word, weight: 1 },
  { arbitrary: quoted, weight: 1 },
  { arbitrary: fc.constantFrom("{}", "[]", "''", '""'), weight: 1 },
);
const { tree } = fc.letrec<{ tree: Tree }>((t) => ({
  tree: fc.oneof(
    { depthSize: "small" },
    { arbitrary: scalarText, weight: 3 },
    { arbitrary: fc.dictionary(keyAtom, t("tree"), { minKeys: 1, maxKeys: 4 }), weight: 1 },
    { arbitrary: fc.array(t("tree"), { minLength: 1, maxLength: 3 }), weight: 1 },
  ),
}));
function render(v: Tree, indent: number, step: number, sameColumnSeq: boolean): string[] {
  const pad = " ".repeat(indent);
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) {
    return v.flatMap((item) => (typeof item === "string" ? [`${pad}- ${item}`] : [`${pad}-`, ...render(item, indent + step, step, sameColumnSeq)]));
  }
  return Object.entries(v).flatMap(([k, x]) => {
    if (typeof x === "string") return [`${pad}${k}: ${x}`];
    const inner = Array.isArray(x) && sameColumnSeq ? indent : indent + step;
    return [`${pad}${k}:`, ...render(x, inner, step, sameColumnSeq)];
  });
}
const metaShaped = fc
  .tuple(
    fc.dictionary(keyAtom, tree, { minKeys: 1, maxKeys: 6 }),
    fc.integer({ min: 1, max: 4 }),
    fc.boolean(),
    fc.constantFrom("", "---\n", "--- #YAML:1.0\n", "# c\n"),
  )
  .map(([doc, step, same, head]) => head + render(doc, 0, step, same).join("\n"));
/** The same, with lines dropped, repeated, swapped or re-indented: what a careless generator writes. */
const bent = fc
  .tuple(metaShaped, fc.array(fc.tuple(fc.nat(), fc.constantFrom("drop", "dup", "indent", "dedent", "comment")), { maxLength: 3 }))
  .map(([text, edits]) => {
    const ls = text.split("\n");
    for (const [at, how] of edits) {
      const i = at % ls.length;
      const l = ls[i] as string;
      if (how === "drop") ls.splice(i, 1);
      else if (how === "dup") ls.splice(i, 0, l);
      else if (how === "indent") ls[i] = ` ${l}`;
      else if (how === "dedent") ls[i] = l.replace(/^ /, "");
      else ls[i] = `${l} # c`;
      if (!ls.length) ls.push("a: b");
    }
    return ls.join("\n");
  });

describe("simpleYaml: META.yml's common shape without the YAML library", () => {
  it("reads a line with a long run of spaces in one pass (a trimming regex was quadratic: minutes for a few KB of gzip)", () => {
    // Four million spaces: quadratic trimming took about 14 s for a hundred thousand; the test's own timeout is the bound.
    const text = `abstract: x${" ".repeat(4_000_000)}y\nname: A\n`;
    expect(simpleYaml(text)).toStrictEqual({ abstract: `x${" ".repeat(4_000_000)}y`, name: "A" });
  });

  it("reads what the toolchain writes, as the library does", () => {
    const doc = [
      "---",
      "abstract: 'Does things, it''s said'",
      "author:",
      "  - 'A. Person <a@example.org>'",
      "build_requires:",
      "  ExtUtils::MakeMaker: '6.36'",
      "configure_requires: {}",
      "dynamic_config: 1",
      "generated_by: 'Module::Install version 1.19'",
      "license: perl",
      "meta-spec:",
      "  url: http://module-build.sourceforge.net/META-spec-v1.4.html",
      "  version: '1.4'",
      "name: Foo-Bar",
      "no_index:",
      "  directory:",
      "  - inc",
      "  - t",
      "requires:",
      "  perl: 5.006",
      "  Scalar::Util: 0",
      "resources:",
      "  license: http://dev.perl.org/licenses/",
      "version: '1.10'",
      "x_empty:",
      "x_tilde: ~",
      "",
    ].join("\n");
    expect(simpleYaml(doc)).toStrictEqual(library(doc));
    expect(simpleYaml(doc)).toMatchObject({ version: "1.10", requires: { perl: "5.006" }, no_index: { directory: ["inc", "t"] }, x_empty: "" });
  });

  it("steps aside for what it does not read: the library decides those", () => {
    for (const text of [
      "a: x\n   continued",
      "a: &x 1\nb: *x",
      "a: !!str 1",
      "a: [1, 2]",
      "a: |\n  block",
      "a: >= 1.0",
      "a: x # comment",
      "a: 1\na: 2",
      "a:\tb",
      "a: 1\r\nb: 2",
      '"a": "esc\\n"',
      "__proto__: x",
      "  a: 1",
      "- a\n- b",
      "%YAML 1.1\n---\na: 1",
      "a: 1\n...",
      // `...` at a line's start ends the document: never a key (a review found the fast path reading "... x" as one).
      "name: Foo\n... x: y",
      "name: Foo\n... x:",
      ".hidden: 1",
      `${Array.from({ length: 40 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")}\n${" ".repeat(40)}v: 1`,
    ]) {
      expect(simpleYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it("answers as the library does on generated documents, or not at all", () => {
    answered.yes = answered.no = 0;
    fc.assert(fc.property(metaShaped, agrees), { numRuns: 3000 });
    fc.assert(fc.property(bent, agrees), { numRuns: 3000 });
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 8 }).map((ls) => ls.join("\n")),
        agrees,
      ),
      { numRuns: 2000 },
    );
    // The comparison is only worth something where the fast path answered: a good share of the runs.
    console.log(`simpleYaml answered ${answered.yes} of ${answered.yes + answered.no} generated documents itself`);
    expect(answered.yes).toBeGreaterThan(1000);
  });

  it("answers as the library does on every META.yml of the corpus, and reads most of them itself", async () => {
    const files = (await corpusMetas()).filter((f) => f.source === "META.yml");
    expect(files.length).toBeGreaterThan(0);
    let read = 0;
    for (const f of files) {
      const text = new TextDecoder().decode(f.bytes);
      if (simpleYaml(text) !== undefined) read++;
      agrees(text);
    }
    console.log(`simpleYaml read ${read} of ${files.length} corpus META.yml itself; the library read the rest`);
    expect(read / files.length).toBeGreaterThan(0.5);
  });
});
