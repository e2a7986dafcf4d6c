/** Fuzz targets for the JSON/YAML/text documents the pipeline reads: META, RECENT, 02packages, the advisory feed. */
import fc from "fast-check";
import { stringify } from "yaml";
import { FeedError, parseFeed } from "../../../shared/domain/advisories/feed";
import { MetaSyntaxError, parseMeta } from "../../../shared/domain/cpan/meta";
import { PackagesIndexError, parsePackagesIndex } from "../../../shared/domain/cpan/packages";
import { RecentError, covers, newUploads, parseRecent } from "../../../shared/domain/cpan/recent";
import { type FuzzTarget, target } from "../harness";
import { bytesOf, mutated } from "../mutate";
import type { Seeds } from "./seeds";

/** Keys that mean something somewhere, and keys that could hurt a careless parser. */
const key = fc.oneof(
  fc.constantFrom(
    "version",
    "name",
    "requires",
    "runtime",
    "build",
    "x_foo",
    "perl",
    "Foo::Bar",
    "__proto__",
    "constructor",
    "toString",
    "",
    "0",
    "meta-spec",
    "url",
    "web",
  ),
  fc.string({ maxLength: 10 }),
);
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("1.0", "v1.2.3", "1.2_3", ">= 1, < 2", "undef", "<undef>", "0", "", "~", "http://x", "mailto:a@b", "perl_5", "gpl", "1.2beta", "2147483648"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const { value: anyJson } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(key, tie("value"), { maxKeys: 4 }),
  ),
}));

const moduleName = fc.oneof(
  fc.stringMatching(/^[A-Z][a-z]{0,6}(::[A-Z][a-z0-9]{0,6}){0,3}$/),
  fc.constantFrom("perl", "Foo::", "1Foo", "Foo::Bar::", "__proto__", "Foo-Bar"),
);
const versionish = fc.oneof(
  fc.constantFrom("0", "1.2", "v1.2.3", ">= 1.2, != 1.5, < 2", "== 1.0", "1.2beta", "undef", "", " 1.0 ", "1.2.3_4", "> 2, < 1"),
  scalar,
  anyJson,
);
const relMap = fc.oneof({ weight: 4, arbitrary: fc.dictionary(moduleName, versionish, { maxKeys: 4 }) }, { weight: 1, arbitrary: anyJson });
const prereqs = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.dictionary(
      fc.constantFrom("runtime", "build", "test", "configure", "develop", "x_custom", "custom", "x-foo"),
      fc.dictionary(fc.constantFrom("requires", "recommends", "suggests", "conflicts", "x_extra", "other"), relMap, { maxKeys: 3 }),
      { maxKeys: 3 },
    ),
  },
  { weight: 1, arbitrary: anyJson },
);

/** META documents shaped like the spec, every field sometimes of the wrong type. */
const metaDoc = fc.record(
  {
    "meta-spec": fc.oneof(fc.record({ version: fc.oneof(fc.constantFrom(2, "2", "1.4", "1.0", "2.0", "3", 1.4), anyJson) }), anyJson),
    name: fc.oneof(fc.constantFrom("Foo-Bar", "Foo::Bar"), scalar, anyJson),
    version: fc.oneof(fc.constantFrom("1.0", "1.0_1", "v1.2.3"), scalar, anyJson),
    abstract: fc.oneof(scalar, anyJson),
    author: fc.oneof(fc.array(fc.oneof(fc.string(), scalar), { maxLength: 3 }), anyJson),
    license: fc.oneof(fc.constantFrom("perl", "perl_5", "gpl", "apache", "restrictive"), fc.array(scalar, { maxLength: 3 }), anyJson),
    release_status: fc.oneof(fc.constantFrom("stable", "testing", "unstable"), scalar),
    dynamic_config: scalar,
    prereqs,
    requires: relMap,
    build_requires: relMap,
    configure_requires: relMap,
    recommends: relMap,
    conflicts: relMap,
    resources: fc.oneof(
      fc.record(
        {
          homepage: scalar,
          bugtracker: fc.oneof(scalar, fc.record({ web: scalar, mailto: scalar })),
          repository: fc.oneof(scalar, fc.record({ url: scalar, web: scalar, type: scalar })),
          license: fc.oneof(scalar, fc.array(scalar)),
        },
        { requiredKeys: [] },
      ),
      anyJson,
    ),
    x_spdx_expression: scalar,
  },
  { requiredKeys: [] },
);

const JSON_TOKENS = ["{", "}", "[", "]", ",", ":", '"', "\\u0000", "\\ud800", "null", "1e999", '"__proto__"', '"prereqs"', "\uFEFF"];
const YAML_TOKENS = ["\n", ": ", "- ", "&a ", "*a", "!!binary ", "<<: ", "? ", "---\n", "...\n", "|\n", ">\n", "'", '"', "{", "[", "%YAML 1.2\n", "\t", "~"];

/** "Billion laughs": each level's list aliases the one before it ten times. */
const laughs = fc
  .integer({ min: 1, max: 12 })
  .map((n) =>
    bytesOf(`a0: &a0 [x]\n${Array.from({ length: n }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(",")}]`).join("\n")}\nname: X\n`),
  );

function metaTarget(source: "META.json" | "META.yml", seeds: readonly Uint8Array[]): FuzzTarget<Uint8Array> {
  const structured =
    source === "META.json"
      ? fc.oneof(metaDoc, anyJson).map((d) => bytesOf(JSON.stringify(d) ?? "null"))
      : fc.oneof(metaDoc, anyJson).map((d) => bytesOf(stringify(d)));
  const dictionary = source === "META.json" ? JSON_TOKENS : YAML_TOKENS;
  return {
    name: source === "META.json" ? "meta-json" : "meta-yml",
    parser: `cpan/meta parseMeta("${source}") (load + convert to spec 2)`,
    inputs: `spec-shaped META documents with random types in every field (prereqs, licences, resources, versions), arbitrary nested JSON values${source === "META.yml" ? ", alias bombs" : ""}; mutations (with a ${source === "META.json" ? "JSON" : "YAML"} token dictionary) of generated documents and of ${seeds.length} real META files`,
    arbitrary: fc.oneof(structured, mutated(structured, dictionary), mutated(seeds, dictionary), ...(source === "META.yml" ? [laughs] : [])),
    run: (b) => parseMeta(source, b),
    // TypeError is documented for one case: a document that is not a map.
    accepts: [MetaSyntaxError, { type: TypeError, message: /^META is a / }],
    runs: 400,
  };
}

const epoch = fc.oneof(
  fc.stringMatching(/^[0-9]{10}\.[0-9]{1,9}$/),
  fc.constantFrom("", "1e9", "-1", "1.", ".5", "1234567890123", "0"),
  fc.double(),
  fc.nat(),
  fc.constant(null),
);
const cpanPath = fc.oneof(
  fc
    .tuple(fc.stringMatching(/^[A-Z][A-Z0-9-]{1,8}$/), fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), fc.constantFrom(".tar.gz", ".zip", ".tar.xz", ".meta", ""))
    .map(([a, f, e]) => `authors/id/${a[0]}/${a.slice(0, 2)}/${a}/${f}${e}`),
  fc.constantFrom("authors/id/A/AB/ABC/../x.tar.gz", "authors/id/a/ab/abc/x.tar.gz", "authors/id/A/AB/ABC/x y.tar.gz"),
  fc.string({ maxLength: 30 }),
);
const recentDoc = fc
  .record(
    {
      meta: fc.oneof(
        fc.record(
          { minmax: fc.oneof(fc.record({ min: epoch, max: epoch }, { requiredKeys: [] }), anyJson), interval: scalar, dirtymark: scalar },
          { requiredKeys: [] },
        ),
        anyJson,
      ),
      recent: fc.oneof(
        {
          weight: 4,
          arbitrary: fc.array(
            fc.oneof(
              { weight: 4, arbitrary: fc.record({ epoch, path: cpanPath, type: fc.oneof(fc.constantFrom("new", "delete"), scalar) }, { requiredKeys: [] }) },
              { weight: 1, arbitrary: anyJson },
            ),
            { maxLength: 6 },
          ),
        },
        { weight: 1, arbitrary: anyJson },
      ),
    },
    { requiredKeys: [] },
  )
  .map((d) => bytesOf(JSON.stringify(d)));

const recent: FuzzTarget<[Uint8Array, string | undefined]> = {
  name: "recent",
  parser: "cpan/recent.ts parseRecent, then covers and newUploads with a random cursor",
  inputs: "RECENT documents with random events (epochs as strings, numbers, garbage; paths; types) and meta; mutations of generated ones",
  arbitrary: fc.tuple(fc.oneof(recentDoc, mutated(recentDoc, JSON_TOKENS)), fc.option(fc.stringMatching(/^[0-9]{1,12}(\.[0-9]{1,9})?$/), { nil: undefined })),
  run: ([bytes, cursor]) => {
    const file = parseRecent(bytes);
    covers(file, cursor);
    return newUploads(file, cursor, "1760978849.043");
  },
  accepts: [RecentError],
  runs: 400,
};

const packagesText = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc
          .tuple(fc.constantFrom("File", "Line-Count", "Written-By", "URL", "Bad Key"), fc.oneof(fc.nat({ max: 5 }).map(String), fc.string({ maxLength: 10 })))
          .map(([k, v]) => `${k}: ${v}`),
        fc.string({ maxLength: 20 }),
      ),
      { maxLength: 4 },
    ),
    fc.constantFrom("\n\n", "\r\n\r\n", "\n \n", "\n"),
    fc.array(
      fc.oneof(
        fc
          .tuple(
            moduleName,
            fc.constantFrom("undef", "1.02", "v1.2.3", "0"),
            cpanPath.map((p) => p.replace(/^authors\/id\//, "")),
          )
          .map((p) => p.join("  ")),
        fc.string({ maxLength: 30 }),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([h, sep, body]) => bytesOf(`${h.join("\n")}${sep}${body.join("\n")}\n`));

const packages: FuzzTarget<string> = {
  name: "packages",
  parser: "cpan/packages.ts parsePackagesIndex (02packages.details.txt)",
  inputs: "headers (with and without Line-Count) and module lines from random module names, versions and paths; mutations of generated indexes",
  arbitrary: fc.oneof(packagesText, mutated(packagesText, ["\n", "\r\n", ": ", "  ", "Line-Count: ", "undef", "/"])).map((b) => new TextDecoder().decode(b)),
  run: parsePackagesIndex,
  accepts: [PackagesIndexError],
  runs: 300,
};

const strOrList = fc.oneof(scalar, fc.array(fc.oneof(fc.constantFrom("<1.2", ">= 1, < 2", "==1.0"), fc.string({ maxLength: 8 })), { maxLength: 3 }), anyJson);
const advisory = fc.record(
  {
    id: fc.oneof(fc.constantFrom("CPANSA-Foo-2020-1", "CPANSA-DBD-SQLite-2020-13632-sqlite", ""), scalar),
    distribution: scalar,
    affected_versions: strOrList,
    fixed_versions: strOrList,
    cves: strOrList,
    description: scalar,
    reported: scalar,
    severity: fc.oneof(fc.constantFrom("low", "Moderate", "critical", "minor", "bogus"), scalar),
    references: strOrList,
    embedded_vulnerability: fc.oneof(fc.record({ name: scalar, distributed_version: scalar }, { requiredKeys: [] }), anyJson),
  },
  { requiredKeys: ["id"] },
);
export const feedDoc = fc
  .record(
    {
      meta: fc.oneof(fc.record({ commit: scalar, date: scalar, epoch: scalar }, { requiredKeys: [] }), anyJson),
      module2dist: fc.oneof(fc.dictionary(moduleName, fc.oneof(fc.string(), scalar)), anyJson),
      dists: fc.oneof(
        {
          weight: 4,
          arbitrary: fc.dictionary(
            key,
            fc.oneof(
              fc.record(
                {
                  main_module: scalar,
                  versions: fc.oneof(fc.array(fc.record({ version: scalar, date: scalar }, { requiredKeys: [] }), { maxLength: 3 }), anyJson),
                  advisories: fc.array(advisory, { maxLength: 3 }),
                },
                { requiredKeys: [] },
              ),
              anyJson,
            ),
            { maxKeys: 3 },
          ),
        },
        { weight: 1, arbitrary: anyJson },
      ),
    },
    { requiredKeys: ["dists"] },
  )
  .map((d) => bytesOf(JSON.stringify(d)));

function feedTarget(seeds: readonly Uint8Array[]): FuzzTarget<Uint8Array> {
  return {
    name: "feed",
    parser: "advisories/feed.ts parseFeed (the CPAN security advisory feed)",
    inputs: `feeds shaped like the schema with random types in every field; mutations of generated feeds and of ${seeds.length} slices of the real 2023 feed`,
    arbitrary: fc.oneof(feedDoc, mutated(feedDoc, JSON_TOKENS), ...(seeds.length ? [mutated(seeds, JSON_TOKENS)] : [])),
    run: parseFeed,
    accepts: [FeedError],
    runs: 300,
  };
}

export function documentTargets(seeds: Seeds): FuzzTarget[] {
  return [
    target(metaTarget("META.json", seeds.metaJson)),
    target(metaTarget("META.yml", seeds.metaYml)),
    target(recent),
    target(packages),
    target(feedTarget(seeds.feed)),
  ];
}
