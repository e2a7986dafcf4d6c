// Benchmark: `cpansec scan` over the corpus versus Perl's CPAN::Meta + Archive::Tar on the same files.
import { join } from "node:path";
import { repoRoot } from "../helpers/shared-data";
import { fmt, median, timeProcess } from "./run";

const PERL_SCAN = String.raw`
use strict; use warnings; use Archive::Tar; use CPAN::Meta;
$SIG{__WARN__} = sub {};
my $n = 0;
for my $file (@ARGV) {
  my $tar = Archive::Tar->new($file) or next;
  my ($meta) = grep { m{^[^/]+/META\.(?:json|yml)$} } sort $tar->list_files;
  my $m = $meta && eval { my $c = $tar->get_content($meta); $meta =~ /json$/ ? CPAN::Meta->load_json_string($c) : CPAN::Meta->load_yaml_string($c) };
  my $p = $m ? $m->effective_prereqs->as_string_hash : {};
  $n++;
}
print "$n\n";`;

export function benchScan(files: string[]): string[] {
  // Archive::Tar reads .tar.xz only with IO::Uncompress::UnXz, absent here: compare on what both read.
  const both = files.filter((f) => !f.endsWith(".xz"));
  const cli = join(repoRoot, "dist/cpansec.mjs");
  const ours = median(3, () => timeProcess(process.execPath, [cli, "scan", "--json", ...both]));
  const perl = median(3, () => timeProcess("perl", ["-e", PERL_SCAN, ...both]));
  const lines = ours.stdout.trim().split("\n").length;
  if (lines !== both.length) throw new Error(`scan printed ${lines} lines for ${both.length} archives`);
  return [
    `scan: ${both.length} archives (.tar.gz/.tar.bz2; whole process, median of 3)`,
    `  cpansec scan --json : ${fmt(ours.seconds, 2)} s = ${fmt(both.length / ours.seconds)} archives/s, ${fmt((ours.seconds * 1000) / both.length, 2)} ms/archive, peak RSS ${ours.peakRssMiB ? `${fmt(ours.peakRssMiB)} MiB` : "n/a"}`,
    `  perl Archive::Tar + CPAN::Meta : ${fmt(perl.seconds, 2)} s = ${fmt(both.length / perl.seconds)} archives/s, ${fmt((perl.seconds * 1000) / both.length, 2)} ms/archive, peak RSS ${perl.peakRssMiB ? `${fmt(perl.peakRssMiB)} MiB` : "n/a"}`,
    `  ratio: cpansec is ${fmt(perl.seconds / ours.seconds, 2)}x faster than Perl (target ≥ 5x); cpansec also hashes every file (sha256)`,
  ];
}
