// Regression tests from fuzzing (test/fuzz, targets meta-json and meta-yml) and review: objects where CPAN::Meta
// expects a scalar. String() of `{"toString": null}` throws a TypeError, which discarded the whole META.
import { describe, expect, it } from "vitest";
import { parseMeta } from "../../../shared/domain/cpan/meta";
import { MAX_YAML_DEPTH, MetaSyntaxError, loadMetaYaml } from "../../../shared/domain/cpan/meta/load";

const enc = new TextEncoder();

describe("META with objects where scalars belong", () => {
  it("reads a meta-spec version that is a map as no version (fuzz counterexample, META.json)", () => {
    const m = parseMeta("META.json", enc.encode('{"meta-spec":{"version":{"toString":null}}}'));
    expect(m.spec).toBe("1.2");
  });

  it("reads the same from META.yml (fuzz counterexample)", () => {
    expect(parseMeta("META.yml", enc.encode("meta-spec:\n  version:\n    toString: null\n")).spec).toBe("1.2");
  });

  it("takes a list as meta-spec version to be no version, as Perl's ARRAY(0x...) never matches", () => {
    expect(parseMeta("META.json", enc.encode('{"meta-spec":{"version":["2"]},"requires":{"A":"1"}}')).spec).toBe("1.2");
  });

  it("treats a dynamic_config that is a list or map as true (a Perl reference is true)", () => {
    expect(parseMeta("META.json", enc.encode('{"name":"A","version":"1","dynamic_config":{"toString":null}}')).dynamicConfig).toBe(true);
    expect(parseMeta("META.json", enc.encode('{"name":"A","version":"1","dynamic_config":[]}')).dynamicConfig).toBe(true);
    expect(parseMeta("META.json", enc.encode('{"name":"A","version":"1","dynamic_config":0}')).dynamicConfig).toBe(false);
  });

  it("drops non-scalars in a list of module names as not names", () => {
    const problems: string[] = [];
    const m = parseMeta("META.json", enc.encode('{"name":"A","version":"1","requires":["Foo::Bar",{"toString":null}]}'), problems);
    expect(m.prereqs).toEqual({ runtime: { requires: { "Foo::Bar": "0" } } });
    expect(problems).toContain('prereqs.runtime.requires: ignored "", not a module name');
  });
});

describe("META.yml nested deeper than any META", () => {
  // Where the YAML library's recursion overflows depends on the thread's stack: a fixed limit keeps
  // the answer the same on every thread (a review found a scan's answer changing with the thread).
  it.each([
    ["flow", (n: number) => `name: A\nversion: 1\nx_deep: ${"[".repeat(n)}${"]".repeat(n)}\n`],
    ["block", (n: number) => `name: A\nversion: 1\n${Array.from({ length: n }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")}\n${" ".repeat(n)}v: 1\n`],
  ])("refuses %s nesting past the limit, plainly, and reads it below", (_, doc) => {
    expect(() => loadMetaYaml(enc.encode(doc(MAX_YAML_DEPTH + 50)))).toThrow(new MetaSyntaxError(`META.yml nests deeper than ${MAX_YAML_DEPTH} levels`));
    expect(() => loadMetaYaml(enc.encode(doc(5000)))).toThrow(MetaSyntaxError);
    expect(loadMetaYaml(enc.encode(doc(MAX_YAML_DEPTH - 10)))).toMatchObject({ name: "A" });
  });
});

describe("META.yml and the process's warnings", () => {
  it("reads a collection used as a key without a process warning an uploader could repeat into our logs", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      expect(parseMeta("META.yml", enc.encode("? [a, b]\n: 1\nname: X\nversion: 1\n")).name).toBe("X");
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((w) => w.message)).toEqual([]);
  });
});
