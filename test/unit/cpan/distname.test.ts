import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { authorPath, parseCpanPath } from "../../../shared/domain/cpan/distname";
import { corpusFiles } from "../../helpers/corpus";
import { announceSkip, perlMissing, runPerl } from "../../helpers/perl";

const HAND_PICKED = [
  "authors/id/E/ET/ETHER/Try-Tiny-0.31.tar.gz",
  "authors/id/E/ET/ETHER/Moose-2.2207-TRIAL.tar.gz",
  "authors/id/A/AB/ABIGAIL/Acme-1.23_01.tar.gz",
  "id/D/DA/DAGOLDEN/sub/dir/Foo-Bar-v1.2.3.tar.bz2",
  "authors/id/X/XS/XSAWYERX/perl-5.37.1.tar.gz",
  "authors/id/S/SH/SHAY/perl-5.36.0.tar.xz",
  "authors/id/R/RJ/RJBS/perl-5.36.0-RC1.tar.gz",
  "CGI.pm-3.05.tar.gz",
  "Unicode-Collate-Standard-V3_1_1-0.1.tar.gz",
  "Task-Deprecations5_14-1.00.tar.gz",
  "libao-perl_0.03-1.tar.gz",
  "Foo-undef.tar.gz",
  "Foo-Bar-1.23-withoutworldwriteables.tar.gz",
  "Foo-Bar.zip",
  "Foo-1a.tgz",
  "Net-SSLeay-1.94_01.TAR.GZ",
  "a//b//authors/id/B/BO/BOB/X-1.0.tar.gz",
  "Bio-Graphics-2.40.tar.gz",
  "Config-IniHash-3.01.01.tar.gz",
  "README",
  "authors/id/E/ET/ETHER/CHECKSUMS",
  "Data-Dumper-2.183_001-TRIAL.tar.gz",
  "DBD-SQLite-1.74.tbz",
  "Foo-Bar-v1.2.txz",
];

describe("parseCpanPath", () => {
  it("reads author, distribution, version and maturity", () => {
    expect(parseCpanPath("authors/id/E/ET/ETHER/Moose-2.2207-TRIAL.tar.gz")).toEqual({
      pathname: "authors/id/E/ET/ETHER/Moose-2.2207-TRIAL.tar.gz",
      filename: "Moose-2.2207-TRIAL.tar.gz",
      author: "ETHER",
      distvname: "Moose-2.2207-TRIAL",
      extension: "tar.gz",
      dist: "Moose",
      version: "2.2207-TRIAL",
      developer: true,
    });
    expect(parseCpanPath("authors/id/A/AB/ABIGAIL/Acme-1.23_01.tar.gz")).toMatchObject({ dist: "Acme", version: "1.23_01", developer: true });
    expect(parseCpanPath("authors/id/S/SH/SHAY/perl-5.37.1.tar.xz")).toMatchObject({ dist: "perl", version: "5.37.1", developer: true });
    expect(parseCpanPath("README")).toEqual({ pathname: "README", filename: "README", developer: false });
  });

  // Found by fuzzing (test/fuzz, target distname): these names backtracked exponentially, so a
  // 40-character one in RECENT would have hung the watcher. Answers are CPAN::DistnameInfo's.
  it.each([
    ["1".repeat(40), "1".repeat(40), undefined],
    ["_".repeat(40), "_".repeat(40), undefined],
    [`${"_".repeat(40)}a-1.0`, `${"_".repeat(40)}a`, "1.0"],
    ["1".repeat(5000), "1".repeat(5000), undefined],
  ])("reads a pathological name in linear time: %#", (name, dist, version) => {
    const start = performance.now();
    const d = parseCpanPath(`authors/id/A/AB/ABC/${name}.tar.gz`);
    expect(performance.now() - start).toBeLessThan(500);
    expect([d.dist, d.version]).toEqual([dist, version]);
  });

  it("builds author paths", () => {
    expect(authorPath("ETHER", "Try-Tiny-0.31.tar.gz")).toBe("authors/id/E/ET/ETHER/Try-Tiny-0.31.tar.gz");
    expect(() => authorPath("../x", "f")).toThrow(/PAUSE id/);
  });
});

const missing = perlMissing("CPAN::DistnameInfo");
if (missing) announceSkip("CPAN::DistnameInfo differential test", `${missing} (apt-get install libcpan-distnameinfo-perl)`);

describe.skipIf(missing)("CPAN::DistnameInfo differential", () => {
  it("agrees on every corpus file name and the hand-picked paths", () => {
    const names = [...HAND_PICKED, ...corpusFiles().map((f) => basename(f))];
    // DistnameInfo 0.12 knows .tar.gz/.tgz/.tar.bz2/.zip; .tar.xz/.tbz/.txz are our documented extension,
    // so they are compared with the extension rewritten to one it knows.
    const asKnown = (p: string) => p.replace(/\.(tar\.xz|tbz|txz)$/i, ".tar.gz");
    const script = String.raw`use CPAN::DistnameInfo; while (my $p = <STDIN>) { chomp $p; my $d = CPAN::DistnameInfo->new($p);
      print join("\t", map { defined $_ ? $_ : "~" } $d->cpanid, $d->dist, $d->version, $d->maturity, $d->filename), "\n" }`;
    const out = runPerl(script, names.map(asKnown).join("\n") + "\n").split("\n");
    const bad = names.flatMap((n, i) => {
      const d = parseCpanPath(asKnown(n));
      const ours = [d.author ?? "~", d.dist ?? "~", d.version ?? "~", d.developer ? "developer" : "released", d.filename].join("\t");
      return ours === out[i] ? [] : [`${n}: perl ${out[i]} / ours ${ours}`];
    });
    expect(bad).toEqual([]);
  });
});
