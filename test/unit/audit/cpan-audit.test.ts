// Differential tests against CPAN::Audit itself (Debian's libcpan-audit-perl), run on our feed:
// the oracle replaces CPAN::Audit::DB's bundled database with the feed file, then runs the
// `deps` (snapshot) and `installed` commands as cpan-audit does, with --no-corelist (the audit
// reports what the input holds, not perl's core list). CPAN::Audit 1.301 reads the 2023 feed's
// string ranges; for the 2026 feed's arrays of elements the oracle ORs the elements (the feed's
// meaning, and what the advisory differential in test/unit/advisories does), all else unchanged.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTree } from "../../../cli/audit-inputs";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { compileFeed } from "../../../shared/domain/advisories/match";
import { installedInventory } from "../../../shared/domain/audit/installed";
import type { Inventory } from "../../../shared/domain/audit/inventory";
import { auditInventory } from "../../../shared/domain/audit/report";
import { parseSnapshot } from "../../../shared/domain/audit/snapshot";
import { compareVersions } from "../../../shared/domain/cpan/version";
import { moduleResolver } from "../../../shared/domain/sbom/resolve";
import { fixturePath, realFeeds } from "../../helpers/fixtures";
import { announceSkip, perlMissing, runPerl } from "../../helpers/perl";

const noPerl = perlMissing("CPAN::Audit", "CPAN::Audit::Installed", "Module::Extract::VERSION", "JSON::PP");
const missing = noPerl ? `${noPerl} (apt-get install libcpan-audit-perl; .ci/run does)` : null;
if (missing) announceSkip("audit differential tests against CPAN::Audit", missing);

const ORACLE = String.raw`
use strict; use warnings; use JSON::PP; use CPAN::Audit;
my ($feedfile, $cmd, @args) = @ARGV;
my $feed = decode_json(do { local $/; open my $fh, '<', $feedfile or die "$feedfile: $!"; <$fh> });
{
  no warnings 'redefine';
  *CPAN::Audit::DB::db = sub { $feed };
  my $includes = \&CPAN::Audit::Query::_includes;
  *CPAN::Audit::Query::_includes = sub { my ($r, $v) = @_; ref $r eq 'ARRAY' ? scalar(grep { $includes->($_, $v) } @$r) : $includes->($r, $v) };
}
my $r = CPAN::Audit->new(no_corelist => 1, quiet => 1)->command($cmd, @args);
die join("\n", @{ $r->{errors} }) if grep { defined } @{ $r->{errors} };
for my $d (sort keys %{ $r->{dists} }) {
  print join("\t", $d, $r->{dists}{$d}{version}, join(",", sort map { $_->{id} } @{ $r->{dists}{$d}{advisories} })), "\n";
}`;

interface Row {
  dist: string;
  version: string;
  ids: string;
}
const oracle = (feed: string, cmd: string, arg: string): Row[] =>
  runPerl(ORACLE, "", [feed, cmd, arg])
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [dist, version, ids] = l.split("\t") as [string, string, string];
      return { dist, version, ids };
    });

function ours(inv: Inventory, feedPath: string): Row[] {
  const feed = parseFeed(readFileSync(feedPath));
  const r = auditInventory(inv, {
    chosen: compileFeed(feed, "cpan-audit"),
    other: compileFeed(feed, "strict"),
    resolve: moduleResolver(undefined, feed.module2dist),
    scope: "requires",
    exclusions: [],
    today: "2026-01-01",
    tool: { name: "t", version: "0" },
  });
  return r.items
    .map((i) => ({
      dist: i.distribution,
      version: i.version as string,
      ids: i.advisories
        .map((a) => a.id)
        .sort()
        .join(","),
    }))
    .sort((a, b) => (a.dist < b.dist ? -1 : 1));
}

/** Same distributions and advisories, versions equal as Perl versions (CPAN::Audit numifies). */
function sameRows(a: Row[], b: Row[]): void {
  expect(a.map((r) => `${r.dist} ${r.ids}`)).toEqual(b.map((r) => `${r.dist} ${r.ids}`));
  a.forEach((r, i) => expect(compareVersions(r.version, (b[i] as Row).version), `${r.dist} ${r.version} vs ${(b[i] as Row).version}`).toBe(0));
}

const FEEDS = realFeeds().map((f) => [f.name, f.path] as const);

describe.skipIf(missing)("audit in cpan-audit mode against CPAN::Audit", () => {
  it.each(FEEDS)("%s: the libki-server snapshot gives cpan-audit deps' advisories exactly", (_, feed) => {
    const dir = mkdtempSync(join(tmpdir(), "audit-deps-"));
    const snap = join(dir, "cpanfile.snapshot");
    writeFileSync(snap, readFileSync(fixturePath("apps", "libki-server", "cpanfile.snapshot")));
    const theirs = oracle(feed, "deps", dir);
    const mine = ours(parseSnapshot(readFileSync(snap, "utf8"), snap), feed);
    console.log(`${feed}: CPAN::Audit reports ${theirs.length} distributions, ${theirs.reduce((n, r) => n + r.ids.split(",").length, 0)} advisories`);
    sameRows(mine, theirs);
    expect(theirs.length).toBeGreaterThan(5);
  });

  let built: string | undefined;
  /** Built once: installs are the slow part. */
  function tree(): string {
    if (built) return built;
    const prefix = mkdtempSync(join(tmpdir(), "audit-inst-"));
    const lib = join(prefix, "lib", "perl5");
    // Real installs: generated distributions whose main module carries a vulnerable version,
    // installed the ordinary way (ExtUtils::MakeMaker writes the module and its .packlist).
    for (const [dist, module, version] of [
      ["YAML", "YAML", "1.24"],
      ["Archive-Zip", "Archive::Zip", "1.60"],
      ["File-Slurp", "File::Slurp", "9999.19"],
      ["Unknown-Dist", "Unknown::Dist", "1.0"],
    ] as const) {
      const src = join(prefix, "src", dist);
      mkdirSync(join(src, "lib", ...module.split("::").slice(0, -1)), { recursive: true });
      writeFileSync(join(src, "lib", `${module.replace(/::/g, "/")}.pm`), `package ${module};\nuse strict;\nour $VERSION = '${version}';\n1;\n`);
      writeFileSync(
        join(src, "Makefile.PL"),
        `use ExtUtils::MakeMaker;\nWriteMakefile(NAME => '${module}', VERSION_FROM => 'lib/${module.replace(/::/g, "/")}.pm');\n`,
      );
      execFileSync("sh", ["-c", `perl Makefile.PL INSTALL_BASE='${prefix}' >/dev/null && make >/dev/null && make install >/dev/null`], { cwd: src });
    }
    // What a cpanm install leaves: the module, and .meta/<Dist-Version>/install.json.
    mkdirSync(join(lib, "HTTP"), { recursive: true });
    writeFileSync(join(lib, "HTTP", "Daemon.pm"), "package HTTP::Daemon;\nour $VERSION = '6.01';\n1;\n");
    const meta = join(lib, "x86_64-linux", ".meta", "HTTP-Daemon-6.01");
    mkdirSync(meta, { recursive: true });
    writeFileSync(
      join(meta, "install.json"),
      JSON.stringify({
        name: "HTTP::Daemon",
        dist: "HTTP-Daemon-6.01",
        version: "6.01",
        pathname: "G/GA/GAAS/HTTP-Daemon-6.01.tar.gz",
        provides: { "HTTP::Daemon": { file: "lib/HTTP/Daemon.pm", version: "6.01" } },
      }),
    );
    return (built = lib);
  }

  it.each(FEEDS)("%s: an installed tree (MakeMaker installs and a cpanm .meta) gives cpan-audit installed's distributions and versions", (_, feed) => {
    const lib = tree();
    const theirs = oracle(feed, "installed", lib);
    const f = parseFeed(readFileSync(feed));
    const notes: string[] = [];
    const mine = ours(
      installedInventory([readTree(lib, notes)], { resolve: moduleResolver(undefined, f.module2dist), mainModule: (d) => f.dists[d]?.mainModule }),
      feed,
    );
    sameRows(mine, theirs);
    expect(theirs.map((r) => r.dist)).toEqual(["Archive-Zip", "File-Slurp", "HTTP-Daemon", "YAML"]);
  });
});
