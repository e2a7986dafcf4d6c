// Differential test: range parsing, printing and acceptance against CPAN::Meta::Requirements.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accepts, normalizeRange, parseRange } from "../../../shared/domain/cpan/requirements";
import { isValidVersion } from "../../../shared/domain/cpan/version";
import { announceSkip, perlMissing, runPerl } from "../../helpers/perl";

const missing = perlMissing("CPAN::Meta::Requirements");
if (missing) announceSkip("CPAN::Meta::Requirements differential tests", missing);

const ORACLE = String.raw`
use CPAN::Meta::Requirements;
$SIG{__WARN__} = sub {};
while (my $l = <STDIN>) {
  chomp $l; my ($s, @vs) = split /\t/, $l, -1;
  my $r = CPAN::Meta::Requirements->new;
  eval { $r->add_string_requirement('M', $s) };
  if ($@) { print "ERR\n"; next }
  print join("\t", $r->requirements_for_module('M'), map { $r->accepts_module('M', $_) ? 1 : 0 } @vs), "\n";
}`;

const VERSIONS = ["0", "0.5", "1", "1.0", "1.2", "1.5", "1.10", "1.9", "2", "v1.2.3", "1.002003", "1.23_01", "3.0"];

function generated(): string[] {
  const version = fc.constantFrom(...VERSIONS, "v1.10", "1.2.3", "abc", "", ".5", "1.2.3_4");
  const clause = fc.tuple(fc.constantFrom("", ">=", ">", "<=", "<", "==", "!=", "=", ">= ", " < "), version).map(([op, v]) => op + v);
  const range = fc.array(clause, { minLength: 1, maxLength: 4 }).chain((cs) => fc.constantFrom(", ", ",", " , ").map((sep) => cs.join(sep)));
  return fc.sample(range, { numRuns: 3000, seed: 42 });
}

describe.skipIf(missing)("CPAN::Meta::Requirements differential", () => {
  it("parses, prints and accepts as Perl does", () => {
    const ranges = [...new Set(generated())];
    const out = runPerl(ORACLE, ranges.map((r) => [r, ...VERSIONS].join("\t")).join("\n") + "\n").split("\n");
    const bad: string[] = [];
    ranges.forEach((r, i) => {
      let ours: string;
      try {
        const range = parseRange(r);
        ours = [normalizeRange(r), ...VERSIONS.map((v) => (accepts(range, v) ? 1 : 0))].join("\t");
      } catch {
        ours = "ERR";
      }
      if (ours !== out[i]) bad.push(`${JSON.stringify(r)}: perl ${out[i]} / ours ${ours}`);
    });
    expect(VERSIONS.every(isValidVersion)).toBe(true);
    expect(bad).toEqual([]);
  });
});
