// Benchmark: `cpansec scan` over the corpus versus Perl's CPAN::Meta + Archive::Tar on the same files.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRelease } from "../../shared/domain/cpan/release";
import { bundledKeep, detectBundled, generateSboms, moduleResolver } from "../../shared/domain/sbom";
import { repoRoot } from "../helpers/shared-data";
import { POOL_FROM } from "../../cli/scan-pool";
import { type ProcessRun, fmt, median, sideBySide, timeProcess, removeTree } from "./run";

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

/**
 * The floor, one core, whole process: read each archive, SHA-256 and SHA-512 of it, inflate it in
 * one call and SHA-256 every regular file's bytes (what scan computes), with no checks and no META.
 */
const FLOOR = String.raw`
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { hash } from "node:crypto";
let files = 0;
for (const f of process.argv.slice(1)) {
  const b = readFileSync(f);
  hash("sha256", b); hash("sha512", b);
  if (!f.endsWith(".gz")) continue;
  const t = gunzipSync(b);
  for (let off = 0; off + 512 <= t.length; ) {
    const h = t.subarray(off, off + 512);
    if (h[0] === 0) break;
    const size = parseInt(h.subarray(124, 136).toString("latin1").replace(/\0.*$/s, "").trim() || "0", 8);
    off += 512;
    if (h[156] === 48 || h[156] === 0) { hash("sha256", t.subarray(off, off + size)); files++; }
    off += Math.ceil(size / 512) * 512;
  }
}
console.log(files);`;

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

const cpu = (r: ProcessRun) => (r.cpuSeconds === undefined ? "n/a" : `${fmt(r.cpuSeconds, 2)} s`);

export async function benchScan(files: string[]): Promise<string[]> {
  // Archive::Tar reads .tar.xz only with IO::Uncompress::UnXz, absent here: compare on what both read.
  const both = files.filter((f) => !f.endsWith(".xz"));
  const cli = join(repoRoot, "dist/cpansec.mjs");
  const ours = median(3, () => timeProcess(process.execPath, [cli, "scan", "--json", ...both]));
  const perl = median(3, () => timeProcess("perl", ["-e", PERL_SCAN, ...both]));
  const gz = both.filter((f) => f.endsWith(".gz"));
  const floor = sideBySide(
    3,
    () => timeProcess(process.execPath, [cli, "scan", "--json", ...gz]),
    () => timeProcess(process.execPath, ["--input-type=module", "-e", FLOOR, ...gz]),
  );
  // From how many archives a second reading thread pays for itself (wall time, jobs 2 beside 1).
  const crossover = [24, 128, 298]
    .filter((n) => n < both.length)
    .map((n) => {
      const some = both.slice(0, n);
      const r = sideBySide(
        3,
        () => timeProcess(process.execPath, [cli, "scan", "--json", "--jobs", "2", ...some]),
        () => timeProcess(process.execPath, [cli, "scan", "--json", "--jobs", "1", ...some]),
      );
      return `${n}: ${fmt(r.ratio, 2)}x`;
    });
  const pool = sideBySide(
    3,
    () => timeProcess(process.execPath, [cli, "scan", "--json", "--jobs", "2", ...both]),
    () => timeProcess(process.execPath, [cli, "scan", "--json", "--jobs", "1", ...both]),
  );
  const out = mkdtempSync(join(tmpdir(), "cpansec-bench-sbom-"));
  const withSboms = median(3, () => timeProcess(process.execPath, [cli, "scan", "--json", "--out", out, ...both]));
  removeTree(out);
  const gen = await sbomOnly(both);
  const lines = ours.stdout.trim().split("\n").length;
  if (lines !== both.length) throw new Error(`scan printed ${lines} lines for ${both.length} archives`);
  return [
    `scan: ${both.length} archives (.tar.gz/.tar.bz2; whole process, median of 3)`,
    `  cpansec scan --json : ${fmt(ours.seconds, 2)} s (CPU ${cpu(ours)}) = ${fmt(both.length / ours.seconds)} archives/s, ${fmt((ours.seconds * 1000) / both.length, 2)} ms/archive, peak RSS ${ours.peakRssMiB ? `${fmt(ours.peakRssMiB)} MiB` : "n/a"}`,
    `  perl Archive::Tar + CPAN::Meta : ${fmt(perl.seconds, 2)} s (CPU ${cpu(perl)}) = ${fmt(both.length / perl.seconds)} archives/s, ${fmt((perl.seconds * 1000) / both.length, 2)} ms/archive, peak RSS ${perl.peakRssMiB ? `${fmt(perl.peakRssMiB)} MiB` : "n/a"}`,
    `  ratio: cpansec is ${fmt(perl.seconds / ours.seconds, 2)}x faster than Perl (target ≥ 4x); cpansec also hashes every file (sha256)`,
    `  the floor (${gz.length} .tar.gz, one core: inflate + the same hashes, nothing else): ${fmt(floor.b, 2)} s; scan --json beside it ${fmt(floor.a, 2)} s = ${fmt(floor.ratio, 2)}x the floor (target ≤ 1.5x)`,
    `  --jobs 2 beside --jobs 1: ${fmt(pool.a, 2)} s vs ${fmt(pool.b, 2)} s = ${fmt(pool.ratio, 2)}x (default: 2 threads from ${POOL_FROM} archives on 2 cores or more)`,
    `  --jobs 2 / --jobs 1 wall time by archive count (below 1 = the second thread pays): ${crossover.join(", ")}`,
    `  cpansec scan --json --out (parse + CycloneDX + SPDX written): ${fmt(withSboms.seconds, 2)} s (CPU ${cpu(withSboms)}) = ${fmt((withSboms.seconds * 1000) / both.length, 2)} ms/release, peak RSS ${withSboms.peakRssMiB ? `${fmt(withSboms.peakRssMiB)} MiB` : "n/a"}; ${fmt(perl.seconds / withSboms.seconds, 2)}x faster than Perl's parse alone (target ≥ 3x)`,
    `  SBOM generation alone (in process, after parsing): ${fmt(gen.ms / both.length, 2)} ms/release, ${fmt((gen.docs * 1000) / gen.ms, 0)} documents/s`,
  ];
}
