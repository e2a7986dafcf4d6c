// The real-world corpus (test/fixtures/corpus, widened by ../shared/corpus): every archive must yield an identity.
import { describe, expect, it } from "vitest";
import { corpusFiles } from "../helpers/corpus";
import { runCli } from "../helpers/cli";

const files = corpusFiles();

describe("cpansec scan over the corpus", () => {
  it(`scans all ${files.length} archives in one process without a crash`, () => {
    const r = runCli(["scan", "--json", ...files]);
    expect(r.stderr).toBe("");
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(files.length);
    const unidentified = lines.filter((l) => !(l.distribution && l.version) && !l.error);
    expect(unidentified).toEqual([]);
    const errors = lines.filter((l) => l.error);
    expect(errors).toEqual([]);
    const bySource = new Map<string, number>();
    for (const l of lines) bySource.set(String(l.metaSource ?? "no META"), (bySource.get(String(l.metaSource ?? "no META")) ?? 0) + 1);
    // Identity is the CPAN path's; META's name and version are the author's claim, compared with it.
    expect(lines.filter((l) => l.source !== "filename")).toEqual([]);
    const disagree = lines.filter((l) => l.metaIdentity);
    console.log(
      `corpus: ${lines.length} archives; metadata from ${[...bySource].map(([k, n]) => `${k} ${n}`).join(", ")}; META name or version differs from the path in ${disagree.length}: ${disagree.map((l) => String(l.file).split("/").pop()).join(" ")}`,
    );
  });
});
