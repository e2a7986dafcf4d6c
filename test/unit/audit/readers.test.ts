import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCpanfile } from "../../../shared/domain/audit/cpanfile";
import { moduleVersions } from "../../../shared/domain/audit/module-version";
import { parseSnapshot } from "../../../shared/domain/audit/snapshot";
import { fixturePath } from "../../helpers/fixtures";
import { announceSkip, perlMissing, runPerl } from "../../helpers/perl";

describe("cpanfile.snapshot", () => {
  it("libki-server: 305 distributions with the pathname's version and author, and the graph through provides", () => {
    const file = fixturePath("apps", "libki-server", "cpanfile.snapshot");
    const inv = parseSnapshot(readFileSync(file, "utf8"), file);
    expect(inv.distributions).toHaveLength(305);
    expect(inv.distributions[0]).toMatchObject({ name: "Algorithm-C3", version: "0.10", author: "HAARG", location: { line: 3 } });
    expect([...(inv.dependencies?.get("Any-Moose") ?? [])]).toEqual(["Moose"]); // Carp, strict, perl...: no entry provides them
  });
  it.each([
    ["no header", "DISTRIBUTIONS\n", /line 1/],
    ["a stray line", "# carton snapshot format: version 1.0\nDISTRIBUTIONS\n  A-1\n      stray\n", /line 4: unexpected indentation/],
    ["an unknown field", "# carton snapshot format: version 1.0\nDISTRIBUTIONS\n  A-1\n    path: x\n", /line 4: unknown field/],
  ])("refuses %s with its line", (_, text, re) => expect(() => parseSnapshot(text, "s")).toThrow(re));
});

describe("cpanfile, read as data", () => {
  it("reads requires, ranges, options, phases and shorthands; features are noted, not audited", () => {
    const r = parseCpanfile(
      `requires 'A';\nrequires "B", '>= 1.2, < 2';\nrequires 'C', 0.5, git => 'x';\nrequires 'D', git => 'x', ref => 'y';\nrecommends 'E';\n# comment\non test => sub {\n  requires 'T', '1';\n};\non('develop', sub { requires 'Dev' });\ntest_requires 'T2';\nfeature 'f', 'desc' => sub { requires 'F' };\n=pod\n\nrequires 'Pod';\n\n=cut\nrequires 'Z';\n__END__\nrequires 'After';\n`,
      "c",
    );
    expect(r.prereqs).toEqual({
      runtime: { requires: { A: "0", B: ">= 1.2, < 2", C: "0.5", D: "0", Z: "0" }, recommends: { E: "0" } },
      test: { requires: { T: "1", T2: "0" } },
      develop: { requires: { Dev: "0" } },
    });
    expect(r.lines.get("T")).toBe(8);
    expect(r.notes[0]).toContain('optional feature "f"');
  });
  it("libki-server's cpanfile: 69 modules, the pinned one kept as written", () => {
    const r = parseCpanfile(readFileSync(fixturePath("apps", "libki-server", "cpanfile"), "utf8"), "c");
    expect(Object.keys(r.prereqs.runtime?.requires ?? {})).toHaveLength(66);
    expect(r.prereqs.runtime?.requires?.["Getopt::Long::Descriptive"]).toBe("==0.116");
  });
  it.each([
    ["a conditional", "if ($^O eq 'MSWin32') { requires 'W' }"],
    ["interpolation", 'requires "Foo::$x";'],
    ["a function call", "requires 'A', version();"],
    ["an unknown keyword", "system 'rm';"],
  ])("refuses %s (it needs Perl to run)", (_, text) => expect(() => parseCpanfile(text, "c")).toThrow(/c: line 1: /));
});

const SOURCES: Record<string, string> = {
  quoted: "package A::Q;\nour $VERSION = '1.23';\n",
  double: 'package A::D;\n$VERSION = "2.000029";\n',
  bare: "package A::B;\nour $VERSION = 0.10;\n",
  vstring: "package A::V;\nour $VERSION = v1.2.3;\n",
  underscore: "package A::U;\nour $VERSION = '1.23_01';\n$VERSION = eval $VERSION;\n",
  qualified: "package A::Other;\n$A::Qual::VERSION = '3.1';\npackage A::Qual;\n1;\n",
  declare: "package A::Decl;\nuse version; our $VERSION = version->declare('v2.3.4');\n",
  qv: "package A::Qv;\nour $VERSION = qv('1.2.3');\n",
  packageVersion: "package A::PV 1.05;\n1;\n",
  pod: "package A::Pod;\n=head1 X\n\nour $VERSION = '9';\n\n=cut\nour $VERSION = '1.1';\n",
  parens: "package A::Par;\nour ($VERSION) = '4.5';\n",
};

const noMM = perlMissing("Module::Metadata", "JSON::PP");
if (noMM) announceSkip("module $VERSION differential against Module::Metadata", noMM);

describe("module $VERSION, without running Perl", () => {
  it("says when a $VERSION is not a literal, never guessing", () => {
    const [m] = moduleVersions('package Enc;\nour $VERSION = sprintf "%d.%02d", q$Revision: 3.17 $ =~ /(\\d+)/g;\n');
    expect(m).toMatchObject({ module: "Enc", unreadable: expect.stringContaining("line 2") });
    expect(m?.version).toBeUndefined();
  });
  it.skipIf(noMM)("agrees with Module::Metadata on the literal forms", () => {
    const perl = String.raw`use strict; use warnings; use JSON::PP; use Module::Metadata; use File::Temp qw(tempfile);
my $src = decode_json(do { local $/; <STDIN> }); my %out;
for my $k (sort keys %$src) { my ($fh, $f) = tempfile(SUFFIX => '.pm'); print $fh $src->{$k}; close $fh;
  my $m = Module::Metadata->new_from_file($f); my %v; for my $p ($m->packages_inside) { my $v = $m->version($p); $v{$p} = defined $v ? "$v" : undef } $out{$k} = \%v }
print encode_json(\%out);`;
    const theirs = JSON.parse(runPerl(perl, JSON.stringify(SOURCES))) as Record<string, Record<string, string | null>>;
    for (const [k, src] of Object.entries(SOURCES)) {
      const mine = Object.fromEntries(
        moduleVersions(src)
          .filter((m) => m.version !== undefined)
          .map((m) => [m.module, m.version]),
      );
      const want = Object.fromEntries(Object.entries(theirs[k] ?? {}).filter(([p, v]) => v !== null && p !== "main"));
      expect(mine, k).toEqual(want);
    }
  });
});
