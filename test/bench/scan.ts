// Benchmark: `cpansec scan` over the corpus versus Perl's CPAN::Meta + Archive::Tar on the same files.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRelease } from "../../shared/domain/cpan/release";
import { bundledKeep, detectBundled, generateSboms, moduleResolver } from "../../shared/domain/sbom";
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

/** In process: SBOM generation alone, after the archives are parsed. */
async function sbomOnly(files: string[]): Promise<{ ms: number; docs: number }> {
  const releases = [];
  for (const f of files) releases.push(await describeRelease(f, readFileSync(f), { sha1: true, keep: bundledKeep }));
  const resolve = moduleResolver();
  const t = performance.now();
  for (const r of releases)
    generateSboms({ release: r, uploaded: new Date(0), tool: { name: "cpansec-pipeline", version: "0.1.0" }, resolve, bundled: detectBundled(r.files) });
  return { ms: performance.now() - t, docs: releases.length * 2 };
}

export async function benchScan(files: string[]): Promise<string[]> {
  // Archive::Tar reads .tar.xz only with IO::Uncompress::UnXz, absent here: compare on what both read.
  const both = files.filter((f) => !f.endsWith(".xz"));
  const cli = join(repoRoot, "dist/cpansec.mjs");
  const ours = median(3, () => timeProcess(process.execPath, [cli, "scan", "--json", ...both]));
  const perl = median(3, () => timeProcess("perl", ["-e", PERL_SCAN, ...both]));
  const out = mkdtempSync(join(tmpdir(), "cpansec-bench-sbom-"));
  const withSboms = median(3, () => timeProcess(process.execPath, [cli, "scan", "--json", "--out", out, ...both]));
  rmSync(out, { recursive: true, force: true });
  const gen = await sbomOnly(both);
  const lines = ours.stdout.trim().split("\n").length;
  if (lines !== both.length) throw new Error(`scan printed ${lines} lines for ${both.length} archives`);
  return [
    `scan: ${both.length} archives (.tar.gz/.tar.bz2; whole process, median of 3)`,
    `  cpansec scan --json : ${fmt(ours.seconds, 2)} s = ${fmt(both.length / ours.seconds)} archives/s, ${fmt((ours.seconds * 1000) / both.length, 2)} ms/archive, peak RSS ${ours.peakRssMiB ? `${fmt(ours.peakRssMiB)} MiB` : "n/a"}`,
    `  perl Archive::Tar + CPAN::Meta : ${fmt(perl.seconds, 2)} s = ${fmt(both.length / perl.seconds)} archives/s, ${fmt((perl.seconds * 1000) / both.length, 2)} ms/archive, peak RSS ${perl.peakRssMiB ? `${fmt(perl.peakRssMiB)} MiB` : "n/a"}`,
    `  ratio: cpansec is ${fmt(perl.seconds / ours.seconds, 2)}x faster than Perl (target ≥ 5x); cpansec also hashes every file (sha256)`,
    `  cpansec scan --json --out (parse + CycloneDX + SPDX written): ${fmt(withSboms.seconds, 2)} s = ${fmt((withSboms.seconds * 1000) / both.length, 2)} ms/release, peak RSS ${withSboms.peakRssMiB ? `${fmt(withSboms.peakRssMiB)} MiB` : "n/a"}; ${fmt(perl.seconds / withSboms.seconds, 2)}x faster than Perl's parse alone (target ≥ 3x)`,
    `  SBOM generation alone (in process, after parsing): ${fmt(gen.ms / both.length, 2)} ms/release, ${fmt((gen.docs * 1000) / gen.ms, 0)} documents/s`,
  ];
}
