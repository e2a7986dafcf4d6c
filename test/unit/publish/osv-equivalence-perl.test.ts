// The differential form of the OSV equivalence test: the same algorithm run by perl, comparing
// with version.pm itself (version::vcmp), over every pair each feed lists and every other version
// asked there. Its answers must equal strict mode's on listed pairs and the TypeScript
// evaluation's everywhere, so the Perl order the exporter relies on is Perl's.
import { beforeAll, describe, expect, it } from "vitest";
import { advisoryIds } from "../../../shared/domain/advisories/match";
import { OSV_ECOSYSTEM } from "../../../shared/domain/publish/osv";
import { isVulnerable } from "../../helpers/osv-evaluate";
import { announceSkip, perlMissing, runPerl } from "../../helpers/perl";
import { type Exported, exportedFeeds, pairs, perlCompare } from "./equivalence-data";

const noPerl = perlMissing("version", "JSON::PP");
if (noPerl) announceSkip("OSV equivalence with perl as the comparator", noPerl);

const OSV_IN_PERL = String.raw`
use strict; use warnings; use JSON::PP; use version;
my $in = decode_json(do { local $/; <STDIN> });
my %v; sub V { my $s = shift; $v{$s} //= version->parse($s) }
sub cmpv { version::vcmp(V($_[0]), V($_[1])) }
sub key { my $e = shift; return undef if exists $e->{introduced} && $e->{introduced} eq '0'; return (grep { defined } map { $e->{$_} } qw(introduced fixed last_affected limit))[0] }
sub in_ranges {
  my ($v, $ranges) = @_;
  for my $r (@{ $ranges || [] }) {
    next unless $r->{type} eq 'ECOSYSTEM';
    my @ev = sort { my ($x, $y) = (key($a), key($b)); !defined $x ? (defined $y ? -1 : 0) : !defined $y ? 1 : cmpv($x, $y) } @{ $r->{events} };
    my $vul = 0;
    for my $e (@ev) {
      if (exists $e->{introduced} && ($e->{introduced} eq '0' || cmpv($v, $e->{introduced}) >= 0)) { $vul = 1 }
      elsif (exists $e->{fixed} && cmpv($v, $e->{fixed}) >= 0) { $vul = 0 }
      elsif (exists $e->{last_affected} && cmpv($v, $e->{last_affected}) > 0) { $vul = 0 }
    }
    return 1 if $vul;
  }
  return 0;
}
for my $q (@{ $in->{queries} }) {
  my ($dist, $v) = @$q;
  my @ids;
  for my $r (@{ $in->{records}{$dist} || [] }) {
    push @ids, $r->{id} if grep { (grep { $_ eq $v } @{ $_->{versions} || [] }) || in_ranges($v, $_->{ranges}) } @{ $r->{affected} };
  }
  print join("\t", $dist, $v, join(",", sort @ids)), "\n";
}`;

let feeds: Exported[] = [];
beforeAll(async () => {
  const e = await exportedFeeds();
  feeds = e.feeds;
  console.log(`OSV equivalence (perl comparator) over ${e.source}`);
});

describe.skipIf(!!noPerl)("OSV records evaluated by perl", () => {
  it("agree with strict mode on listed pairs and with the TypeScript evaluation on all pairs", () => {
    for (const e of feeds) {
      const { listed, extra } = pairs(e, feeds);
      const records = Object.fromEntries(
        [...e.byDist].map(([d, rs]) => [d, rs.map((r) => ({ id: r.id, affected: r.affected.filter((a) => a.package.name === d) }))]),
      );
      const out = runPerl(OSV_IN_PERL, JSON.stringify({ records, queries: [...listed, ...extra] }))
        .split("\n")
        .filter(Boolean);
      expect(out.length).toBe(listed.length + extra.length);
      const perl = new Map(
        out.map((l) => {
          const [d, v, ids] = l.split("\t");
          return [`${d}\t${v}`, ids ?? ""];
        }),
      );
      const strictWrong = listed.filter(([d, v]) => perl.get(`${d}\t${v}`) !== advisoryIds(e.compiled, d, v).join(","));
      expect(strictWrong.slice(0, 5)).toEqual([]);
      const ts = (d: string, v: string) =>
        (e.byDist.get(d) ?? [])
          .filter((r) => isVulnerable(r.affected, OSV_ECOSYSTEM, d, v, perlCompare))
          .map((r) => r.id)
          .sort()
          .join(",");
      expect([...listed, ...extra].filter(([d, v]) => perl.get(`${d}\t${v}`) !== ts(d, v)).slice(0, 5)).toEqual([]);
      console.log(`${e.name}: perl agrees on ${listed.length} listed and ${extra.length} other pairs`);
    }
  });
});
