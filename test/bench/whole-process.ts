// Benchmarks of whole `cpansec` processes beside their references, in turn in the same run:
// `advisories match` over every (distribution, version) pair of the feed against CPAN::Audit's
// matching in Perl (the same loop over stdin lines, JSON out), and `cpansec --version` against
// a bare `node -e 0`; `log append` of one batch of 20,000 entries (no reference: a rate).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFeed } from "../../shared/domain/advisories/feed";
import { fmt, sideBySide, timeProcess, removeTree } from "./run";

const PERL_MATCH = String.raw`
use strict; use warnings; use JSON::PP; use CPAN::Audit::Version;
my $audit = CPAN::Audit::Version->new;
my $feed = decode_json(do { local $/; open my $fh, '<', $ARGV[0] or die; <$fh> });
my $json = JSON::PP->new->canonical;
my $found = 0;
while (my $line = <STDIN>) {
  chomp $line; next unless $line =~ /\S/;
  my ($dist, $ver) = split /\t/, $line;
  my %ids;
  for my $a (@{ ($feed->{dists}{$dist} || {})->{advisories} || [] }) {
    no warnings 'uninitialized';
    my $aff = 0; $aff += $audit->in_range($ver, $_) for @{ $a->{affected_versions} };
    my $fix = 0; $fix += $audit->in_range($ver, $_) for @{ $a->{fixed_versions} };
    $ids{ $a->{id} } = 1 if $aff && !$fix;
  }
  $found ||= %ids;
  print $json->encode({ dist => $dist, version => $ver, advisories => [sort keys %ids] }), "\n";
}
exit($found ? 1 : 0);`;

export function benchWholeProcess(cli: string, feedPath: string): string[] {
  const feed = parseFeed(readFileSync(feedPath));
  const pairs = Object.entries(feed.dists).flatMap(([d, e]) => e.versions.map((v) => `${d}\t${v}\n`));
  const dir = mkdtempSync(join(tmpdir(), "cpansec-bench-wp-"));
  try {
    writeFileSync(join(dir, "m.pl"), PERL_MATCH);
    const input = pairs.join("");
    const ok = [0, 1];
    const m = sideBySide(
      5,
      () => timeProcess(process.execPath, [cli, "advisories", "match", "--db", feedPath, "--mode", "cpan-audit"], input, ok),
      () => timeProcess("perl", [join(dir, "m.pl"), feedPath], input, ok),
    );
    const v = sideBySide(
      7,
      () => timeProcess(process.execPath, [cli, "--version"]),
      () => timeProcess(process.execPath, ["-e", "0"]),
    );
    timeProcess(process.execPath, [cli, "log", "keygen", "--origin", "bench.example/log", "--out", join(dir, "key")]);
    const entries = Array.from({ length: 20_000 }, (_, i) => `${JSON.stringify(`entry ${i}`)}\n`).join("");
    const appends = Array.from(
      { length: 5 },
      (_, i) => timeProcess(process.execPath, [cli, "log", "append", "--log", join(dir, `log${i}`), "--key", join(dir, "key")], entries).seconds,
    ).sort((a, b) => a - b);
    const append = appends[2] as number;
    return [
      `whole process (median of 5 runs each, in turn):`,
      `  advisories match, ${pairs.length} pairs, cpan-audit mode: ${fmt(m.a, 2)} s; CPAN::Audit's matching in Perl: ${fmt(m.b, 2)} s; ${fmt(1 / m.ratio, 1)}x faster (target ≥ 10x)`,
      `  cpansec --version: ${fmt(v.a * 1000, 0)} ms; node -e 0: ${fmt(v.b * 1000, 0)} ms (target < 150 ms)`,
      `  log append, one batch of 20,000 entries: ${fmt(append, 2)} s = ${fmt(20_000 / append, 0)} entries/s (target ≥ 40,000/s)`,
    ];
  } finally {
    removeTree(dir);
  }
}
