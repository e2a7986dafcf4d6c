// Differential test: our version parsing and ordering against Perl's own version.pm.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareVersions, parseVersion } from "../../../shared/domain/cpan/version";
import { loadMetaJson, loadMetaYaml } from "../../../shared/domain/cpan/meta";
import { corpusMetas } from "../../helpers/corpus";
import { announceSkip, perlMissing, runPerl } from "../../helpers/perl";
import { realFeeds } from "../../helpers/fixtures";

const missing = perlMissing("version");
if (missing) announceSkip("version.pm differential tests", missing);
const corpusVersions = missing ? [] : await collectCorpusVersions();

const HAND_PICKED = [
  "1.02",
  "1.2",
  "v1.2.3",
  "1.002003",
  "1.23_01",
  "1.2.3_4",
  "v1.2.3_4",
  "01.02",
  "001.002",
  "1.2_3_4",
  "v1",
  "1",
  "",
  "undef",
  " undef",
  "undef ",
  " 1.2",
  "1.2 ",
  "1.2abc",
  "abc",
  "1.",
  ".5",
  "v.5",
  "1..2",
  "-1",
  "1_2",
  "1._2",
  "1.2_",
  "v1.2",
  "1.2.3.4.5",
  "99999999999",
  "00000000001.2",
  "1.99999999999",
  "v1.2147483648",
  "v1.2147483647",
  "2147483647",
  "2147483648",
  "1.2e3",
  "0x12",
  "1,2",
  "v1.2_3",
  "1.02_03",
  "1.0_1",
  "0",
  "00",
  "0.0",
  "1.10",
  "1.9",
  "v01.02",
  "1.2.3 ",
  "V1.2",
  "v1.2.3.",
  "1.2.3_",
  "_1",
  "1.234567",
  "3.14 beta",
  "1.2-TRIAL",
  "1.2 3",
  "1.2;",
  "1.2{",
  "1.2}",
  "1.2 ;x",
  "v1.2 3",
  "1.2.3_4_5",
  "1.2_3.4",
  "v1._2",
  "v1.2._3",
  "1.000000001",
  "0.000001",
  "1.2.0",
  "1.02.03",
  "v0",
  "v00",
  "v0.0.0",
  "\t1.5\t",
  "1.5\n",
  "1 2",
  "..1",
  ".1.2",
  "v1..2",
  "1.2..3",
  "1.2.3..",
  "1.2.",
  "v1.",
  "1.0.0_1",
  "3.0.0-rc1",
  "1.2.3-1",
  "1.2.3a",
  "v1.2.3a",
  "2.0_",
  "0.5_01",
  "5.008_001",
  "5.8.1",
  "v5.8.1",
  "1.2 # comment",
  "٣",
  "1.\u0663",
  "v1.\u00e9",
];

function collectFeedVersions(): string[] {
  const out: string[] = [];
  for (const { path: p } of realFeeds()) {
    const feed = JSON.parse(readFileSync(p, "utf8")) as {
      dists: Record<string, { versions?: { version: unknown }[]; advisories?: Record<string, unknown>[] }>;
    };
    for (const dist of Object.values(feed.dists)) {
      for (const v of dist.versions ?? []) if (typeof v.version === "string") out.push(v.version);
      for (const a of dist.advisories ?? []) {
        for (const key of ["affected_versions", "fixed_versions"]) {
          const raw = a[key];
          const list = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
          for (const el of list) for (const clause of String(el).split(",")) out.push(clause.trim().replace(/^[<>=!]+\s*/, ""));
        }
      }
    }
  }
  return out;
}

/** Versions written in the corpus METAs: the release version and every prerequisite range bound. */
async function collectCorpusVersions(): Promise<string[]> {
  const out: string[] = [];
  const visit = (v: unknown, inPrereqs: boolean): void => {
    if (typeof v === "string" && inPrereqs) for (const c of v.split(",")) out.push(c.trim().replace(/^[<>=!]+\s*/, ""));
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) visit(x, inPrereqs || /requires|recommends|suggests|conflicts|prereqs/.test(k));
  };
  for (const m of await corpusMetas()) {
    try {
      const raw = m.source === "META.json" ? loadMetaJson(m.bytes) : loadMetaYaml(m.bytes);
      const version = (raw as { version?: unknown }).version;
      if (typeof version === "string" || typeof version === "number") out.push(String(version));
      visit(raw, false);
    } catch {
      // unreadable METAs are the META tests' business
    }
  }
  return out;
}

function generated(): string[] {
  const alphabet = fc.constantFrom("0", "1", "2", "9", "0", "5", ".", ".", "_", "v", " ", "a", "-", ";", ",");
  return fc.sample(fc.string({ unit: alphabet, minLength: 1, maxLength: 12 }), { numRuns: 4000, seed: 20261125 });
}

const ORACLE = String.raw`
use version;
while (my $s = <STDIN>) {
  chomp $s; $s =~ s/\\n/\n/g; $s =~ s/\\t/\t/g; $s =~ s/\\\\/\\/g;
  my $v = eval { version->parse($s) };
  if ($@) { my $e = $@; $e =~ s/ at \S+ line \d+.*//s; $e =~ s/^Invalid version format \((.*)\)\s*$/$1/s; print "ERR\t$e\n"; next }
  print "OK\t", join(".", @{$v->{version}}), "\t$v\n";
}`;

const PAIRS_ORACLE = String.raw`
use version;
while (my $l = <STDIN>) { chomp $l; my ($a, $b) = split /\t/, $l; print version::vcmp(version->parse($a), version->parse($b)), "\n"; }`;

const escape = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");

describe.skipIf(missing)("version.pm differential", () => {
  const inputs = [...new Set([...HAND_PICKED, ...collectFeedVersions(), ...corpusVersions, ...generated()])];

  it(`parses ${inputs.length} strings as version.pm does`, () => {
    const lines = runPerl(ORACLE, inputs.map(escape).join("\n") + "\n").split("\n");
    const disagreements: string[] = [];
    inputs.forEach((input, i) => {
      const [status, a, b] = (lines[i] ?? "").split("\t");
      let ours: string;
      try {
        const v = parseVersion(input);
        ours = `OK\t${v.parts.join(".")}\t${v.original}`;
      } catch (e) {
        ours = `ERR\t${(e as { reason?: string }).reason ?? String(e)}`;
      }
      const theirs = status === "OK" ? `OK\t${a}\t${b}` : `ERR\t${a}`;
      if (ours !== theirs) disagreements.push(`${JSON.stringify(input)}: perl ${theirs} / ours ${ours}`);
    });
    expect(disagreements).toEqual([]);
  });

  it("orders random pairs of valid versions as vcmp does", () => {
    const valid = inputs.filter(
      (s) =>
        !/[\n\t]/.test(s) &&
        (() => {
          try {
            parseVersion(s);
            return true;
          } catch {
            return false;
          }
        })(),
    );
    const pairs = fc.sample(fc.tuple(fc.constantFrom(...valid), fc.constantFrom(...valid)), { numRuns: 20000, seed: 7 });
    const out = runPerl(PAIRS_ORACLE, pairs.map(([a, b]) => `${a}\t${b}`).join("\n") + "\n")
      .trim()
      .split("\n");
    const bad = pairs.filter(([a, b], i) => String(compareVersions(a, b)) !== out[i]).map(([a, b]) => `${a} <=> ${b}`);
    expect(bad).toEqual([]);
  });
});
