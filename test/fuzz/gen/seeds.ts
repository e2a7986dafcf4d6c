/**
 * Seeds for mutation: real data from test/fixtures (the smallest archives of the corpus, their
 * META files, PAUSE CHECKSUMS vectors, the 2023 advisory feed) and documents built here.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { readArchive } from "../../../shared/domain/cpan/archive";
import { corpusFiles } from "../../helpers/corpus";
import { fixturePath, realFeeds } from "../../helpers/fixtures";
import { repoRoot } from "../../helpers/shared-data";
import { metaJson, tar, zip } from "../../helpers/archives";

export interface Seeds {
  /** Whole archives, every format. */
  readonly archives: Uint8Array[];
  /** Uncompressed tar streams (mutated, then compressed, to reach the tar parser past gzip's CRC). */
  readonly tars: Uint8Array[];
  readonly metaJson: Uint8Array[];
  readonly metaYml: Uint8Array[];
  readonly checksums: Uint8Array[];
  readonly checksumsKey?: Uint8Array;
  readonly feed: Uint8Array[];
  readonly notes: string[];
}

const enc = new TextEncoder();

function compress(tool: "bzip2" | "xz", bytes: Uint8Array): Uint8Array | undefined {
  try {
    return new Uint8Array(execFileSync(tool, ["-c"], { input: bytes }));
  } catch {
    return undefined; // the tool is missing: the fixtures still give one seed of the format
  }
}

/** The smallest archives of the corpus (fast to mutate and reread), and their META files. */
async function corpus(): Promise<{ archives: Uint8Array[]; json: Uint8Array[]; yml: Uint8Array[] }> {
  const files = corpusFiles()
    .map((f) => ({ f, size: statSync(f).size }))
    .sort((a, b) => a.size - b.size || (basename(a.f) < basename(b.f) ? -1 : 1));
  const archives = files.slice(0, 6).map(({ f }) => new Uint8Array(readFileSync(f)));
  const json: Uint8Array[] = [];
  const yml: Uint8Array[] = [];
  for (const { f } of files.slice(0, 40)) {
    const a = await readArchive(readFileSync(f), { keep: (p) => /META\.(json|yml)$/.test(p) }).catch(() => undefined);
    for (const [p, b] of a?.files ?? []) (p.endsWith(".json") ? json : yml).push(b);
  }
  return { archives, json: json.slice(0, 12), yml: yml.slice(0, 12) };
}

export async function buildSeeds(): Promise<Seeds> {
  const notes: string[] = [];
  const meta = metaJson({
    name: "Foo-Bar",
    version: "1.02",
    abstract: "x",
    author: ["A <a@example.com>"],
    release_status: "stable",
    prereqs: { runtime: { requires: { perl: "5.008", "Foo::Baz": ">= 1.2, < 2" } } },
  });
  const yml =
    "---\nname: Foo-Bar\nversion: 1.10\nlicense: perl\nrequires:\n  perl: 5.006\n  Carp: 0\nbuild_requires:\n  Test::More: 0.88\nmeta-spec:\n  version: 1.4\n";
  const plain = await tar([
    { name: "Foo-Bar-1.02/", type: "directory" },
    { name: "Foo-Bar-1.02/META.json", content: meta },
    { name: "Foo-Bar-1.02/META.yml", content: yml },
    { name: "Foo-Bar-1.02/lib/Foo/Bar.pm", content: "package Foo::Bar;\n1;\n" },
    { name: "Foo-Bar-1.02/link", type: "symlink", linkname: "lib/Foo/Bar.pm" },
    { name: "Foo-Bar-1.02/hard", type: "link", linkname: "Foo-Bar-1.02/META.yml" },
  ]);
  const longName = await tar([{ name: `Foo-1/${"d".repeat(120)}/${"f".repeat(120)}.pm`, content: "1;\n" }]);
  const tars = [new Uint8Array(plain), new Uint8Array(longName)];
  const fixtures = ["Small-Dist-0.01.tar.bz2", "Small-Dist-0.01.tar.xz"].map((f) => new Uint8Array(readFileSync(join(repoRoot, "test/fixtures/archives", f))));
  const c = await corpus();
  const archives = [
    ...tars,
    new Uint8Array(gzipSync(plain)),
    new Uint8Array(
      await zip([
        { name: "Z-1/META.json", content: meta },
        { name: "Z-1/lib/Z.pm", content: "1;\n" },
        { name: "Z-1/link", symlinkTo: "lib/Z.pm" },
      ]),
    ),
    ...fixtures,
    ...[compress("bzip2", plain), compress("xz", plain)].filter((b): b is Uint8Array => !!b),
    ...c.archives,
  ];
  const vectors = fixturePath("vectors", "checksums");
  const checksums = ["good", "strong", "good-extra-whitespace", "bad-prepend", "bad-double"].map((f) => new Uint8Array(readFileSync(join(vectors, f))));
  const key = new Uint8Array(readFileSync(join(vectors, "2E66557AB97C19C791AF8E20328DA867450F89EC.gpg")));
  const feedPath = realFeeds().find((f) => f.name === "cpansa-db-2023-03-09.json")?.path;
  const feed: Uint8Array[] = [];
  if (feedPath) {
    // Slices of the real feed: whole-feed inputs (1 MB) would make each run a JSON parse of a megabyte.
    const raw = JSON.parse(readFileSync(feedPath, "utf8")) as { meta?: unknown; module2dist?: Record<string, string>; dists: Record<string, unknown> };
    const names = Object.keys(raw.dists);
    for (let i = 0; i < 6; i++) {
      const pick = names.slice(i * 37, i * 37 + 3);
      feed.push(
        enc.encode(
          JSON.stringify({
            meta: raw.meta,
            module2dist: Object.fromEntries(Object.entries(raw.module2dist ?? {}).slice(i * 5, i * 5 + 5)),
            dists: Object.fromEntries(pick.map((n) => [n, raw.dists[n]])),
          }),
        ),
      );
    }
  }
  return { archives, tars, metaJson: [enc.encode(meta), ...c.json], metaYml: [enc.encode(yml), ...c.yml], checksums, checksumsKey: key, feed, notes };
}
