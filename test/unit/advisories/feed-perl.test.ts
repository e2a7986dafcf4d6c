// Differential tests over every (distribution, version) pair both feeds list: cpan-audit mode
// against CPAN::Audit's own in_range (composed as CPAN::Audit::Query does), strict mode against
// an independent Perl oracle of the strict semantics (docs/decisions/0005-advisory-ranges.md).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { advisoryIds, compileFeed } from "../../../shared/domain/advisories/match";
import type { MatchMode } from "../../../shared/domain/advisories/ranges";
import { announceSkip, perlMissing, runPerl } from "../../helpers/perl";
import { realFeeds } from "../../helpers/fixtures";

const FEEDS = realFeeds().map((f) => [f.name, f.path] as const);
const noPerl = perlMissing("CPAN::Audit::Version", "JSON::PP");
const missing = noPerl ? `${noPerl} (apt-get install libcpan-audit-perl)` : null;
if (missing) announceSkip("advisory matching differential tests", missing);

const ORACLE = String.raw`
use strict; use warnings; use JSON::PP; use version; use CPAN::Audit::Version;
my $audit = CPAN::Audit::Version->new;
my $feed = decode_json(do { local $/; open my $fh, '<', $ARGV[0] or die; <$fh> });
sub list { my $r = shift; return ref $r eq 'ARRAY' ? @$r : (defined $r && length $r ? ($r) : ()) }
sub strict_el {
  my ($v, $el, $kind) = @_;
  for my $c (map { s/^\s+|\s+$//gr } split /,/, $el, -1) {
    my ($op, $rv) = $c =~ /^(<=|<|>=|>|==|!=|=)?\s*(\S+)$/ or return 0;
    $op = $kind eq 'affected' ? '==' : '>=' unless defined $op;
    $op = '==' if $op eq '=';
    # (a version object for 0 is false in boolean context: test definedness)
    my $r = eval { local $SIG{__WARN__} = sub { die @_ }; version->parse($rv) };
    return 0 unless defined $r;
    my $cmp = version::vcmp($v, $r);
    my $ok = { '<' => $cmp < 0, '<=' => $cmp <= 0, '>' => $cmp > 0, '>=' => $cmp >= 0, '==' => $cmp == 0, '!=' => $cmp != 0 }->{$op};
    return 0 unless $ok;
  }
  return 1;
}
for my $dist (sort keys %{ $feed->{dists} }) {
  my $d = $feed->{dists}{$dist};
  for my $ver (map { $_->{version} } @{ $d->{versions} || [] }) {
    next unless defined $ver;
    my $pv = eval { version->parse($ver) };
    for my $mode ('strict', 'cpan-audit') {
      my %ids;
      if (defined $pv) {
        for my $a (@{ $d->{advisories} || [] }) {
          my ($aff, $fix);
          if ($mode eq 'strict') {
            $aff = grep { strict_el($pv, $_, 'affected') } list($a->{affected_versions});
            $fix = grep { strict_el($pv, $_, 'fixed') } list($a->{fixed_versions});
          } else {
            no warnings 'uninitialized';
            $aff = 0; $aff += $audit->in_range($ver, $_) for ref $a->{affected_versions} ? @{ $a->{affected_versions} } : ($a->{affected_versions});
            $fix = 0; $fix += $audit->in_range($ver, $_) for list($a->{fixed_versions});
          }
          $ids{ $a->{id} } = 1 if $aff && !$fix;
        }
      }
      print join("\t", $dist, $ver, $mode, join(",", sort keys %ids)), "\n";
    }
  }
}`;

describe.skipIf(missing)("advisory matching against Perl", () => {
  it.each(FEEDS)("%s: every listed (dist, version) in both modes", (_, path) => {
    const feed = parseFeed(readFileSync(path as string));
    const compiled: Record<MatchMode, ReturnType<typeof compileFeed>> = { strict: compileFeed(feed, "strict"), "cpan-audit": compileFeed(feed, "cpan-audit") };
    const lines = runPerl(ORACLE, "", [path as string])
      .split("\n")
      .filter((l) => l !== "");
    const bad: string[] = [];
    let matched = 0;
    for (const line of lines) {
      const [dist, version, mode, ids] = line.split("\t") as [string, string, MatchMode, string];
      const ours = advisoryIds(compiled[mode], dist, version).join(",");
      if (ours) matched++;
      if (ours !== ids) bad.push(`${dist} ${version} ${mode}: perl [${ids}] ours [${ours}]`);
    }
    console.log(`${path}: ${lines.length} (dist, version, mode) triples compared, ${matched} with findings`);
    expect(bad.slice(0, 20)).toEqual([]);
    expect(lines.length).toBeGreaterThan(1000);
  });
});
