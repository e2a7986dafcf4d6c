// Benchmark: every (distribution, version) pair of the advisory feed matched in both modes,
// beside CPAN::Audit's Perl doing the cpan-audit matching on the same pairs.
import { readFileSync } from "node:fs";
import { parseFeed } from "../../shared/domain/advisories/feed";
import { advisoryIds, compileFeed } from "../../shared/domain/advisories/match";
import { runPerl } from "../helpers/perl";
import { fmt } from "./run";

const PERL = String.raw`
use strict; use warnings; use JSON::PP; use Time::HiRes qw(time); use CPAN::Audit::Version;
my $audit = CPAN::Audit::Version->new;
my $t0 = time;
my $feed = decode_json(do { local $/; open my $fh, '<', $ARGV[0] or die; <$fh> });
my $t1 = time;
my ($pairs, $hits) = (0, 0);
for my $rounds (1 .. $ARGV[1]) {
  for my $d (values %{ $feed->{dists} }) {
    for my $ver (map { $_->{version} } @{ $d->{versions} || [] }) {
      $pairs++;
      my %ids;
      for my $a (@{ $d->{advisories} }) {
        no warnings 'uninitialized';
        my $aff = 0; $aff += $audit->in_range($ver, $_) for @{ $a->{affected_versions} };
        my $fix = 0; $fix += $audit->in_range($ver, $_) for @{ $a->{fixed_versions} };
        $ids{ $a->{id} } = 1 if $aff && !$fix;
      }
      $hits += keys %ids;
    }
  }
}
printf "%d %d %.6f %.6f\n", $pairs, $hits, $t1 - $t0, time - $t1;`;

export function benchAdvisories(path: string): string[] {
  const rounds = 3;
  const t0 = performance.now();
  const feed = parseFeed(readFileSync(path));
  const tLoad = performance.now() - t0;
  const pairs = Object.entries(feed.dists).flatMap(([d, e]) => e.versions.map((v) => [d, v] as const));
  const lines = [`advisories: ${pairs.length} (distribution, version) pairs of ${path.split("/").pop()}, ${rounds} rounds each`];
  lines.push(`  feed load and validation: ${fmt(tLoad, 0)} ms`);
  const results: Record<string, number> = {};
  for (const mode of ["strict", "cpan-audit"] as const) {
    const t = performance.now();
    const compiled = compileFeed(feed, mode);
    const tCompile = performance.now() - t;
    const s = performance.now();
    let hits = 0;
    for (let r = 0; r < rounds; r++) for (const [d, v] of pairs) hits += advisoryIds(compiled, d, v).length;
    const sec = (performance.now() - s) / 1000;
    results[mode] = (pairs.length * rounds) / sec;
    lines.push(
      `  cpansec ${mode.padEnd(10)}: ${fmt(results[mode] as number, 0)} pairs/s (compile ${fmt(tCompile, 0)} ms; ${hits / rounds} advisory hits per round)`,
    );
  }
  const [p, h, load, match] = runPerl(PERL, "", [path, String(rounds)])
    .trim()
    .split(" ")
    .map(Number) as [number, number, number, number];
  const perlRate = p / match;
  lines.push(`  CPAN::Audit (Perl)  : ${fmt(perlRate, 0)} pairs/s (JSON load ${fmt(load * 1000, 0)} ms; ${h / rounds} hits per round)`);
  lines.push(
    `  ratio: cpan-audit mode ${fmt((results["cpan-audit"] as number) / perlRate, 1)}x, strict mode ${fmt((results.strict as number) / perlRate, 1)}x faster than Perl (target ≥ 10x)`,
  );
  return lines;
}
