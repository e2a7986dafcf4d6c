// Installable distributions built from scratch for the overlay's cpanm test: File-Find-Rule-0.34
// whose lib/File/Find/Rule.pm holds the exact lines CPANSec's CVE-2011-10007-r1 patch changes (so
// the real, published patch applies to it), and Text-Glob-0.11, a dependency only the base mirror
// has. Both are tiny pure-Perl ExtUtils::MakeMaker distributions with one passing test.
import { type TarEntry, metaJson, tarGz } from "./archives";

export const FFR_PATCH = "F/File-Find-Rule/0.34/CVE-2011-10007-r1.patch";
/** The line the patch replaces, and its replacement: what tells an installed copy apart. */
export const VULNERABLE_LINE = "        open FILE, $_ or return;\n";
export const PATCHED_LINE = "        open FILE, '<', $_ or return;\n";

// The patch's hunk (context and '-' lines) inside a complete, compilable module.
const RULE_PM = `package File::Find::Rule;
use strict;
use vars qw($VERSION);
$VERSION = '0.34';

sub new { my $class = shift; return bless {}, $class }
sub exec { my ($self, $code) = @_; $self->{code} = $code; return $self }

sub grep {
    my $self = shift;
    my @pattern = @_;

    $self->exec( sub {
        local *FILE;
${VULNERABLE_LINE}        local ($_, $.);
        while (<FILE>) {
            for my $p (@pattern) {
                return 1 if $_ =~ $p;
            }
        }
        return;
    } );
}

1;
`;

const makefile = (name: string, from: string, prereqs: Record<string, string>) =>
  `use ExtUtils::MakeMaker;\nWriteMakefile(NAME => '${name}', VERSION_FROM => '${from}', PREREQ_PM => { ${Object.entries(prereqs)
    .map(([m, v]) => `'${m}' => '${v}'`)
    .join(", ")} });\n`;

function dist(
  top: string,
  name: string,
  version: string,
  pm: string,
  source: string,
  prereqs: Record<string, string>,
  extra: TarEntry[] = [],
): Promise<Buffer> {
  const module = name.replace(/-/g, "::");
  const entries: TarEntry[] = [
    { name: `${top}/Makefile.PL`, content: makefile(module, pm, prereqs) },
    { name: `${top}/META.json`, content: metaJson({ name, version, abstract: `${module} (test fixture)`, prereqs: { runtime: { requires: prereqs } } }) },
    { name: `${top}/${pm}`, content: source },
    { name: `${top}/t/load.t`, content: `use strict;\nprint "1..1\\n";\nrequire ${module};\nprint "ok 1\\n";\n` },
    ...extra,
  ];
  return tarGz(entries);
}

/** `extra` entries make another archive of the same name (an impostor's upload, in a test). */
export const fileFindRule = (extra: TarEntry[] = []) =>
  dist("File-Find-Rule-0.34", "File-Find-Rule", "0.34", "lib/File/Find/Rule.pm", RULE_PM, { "Text::Glob": "0" }, extra);

export const textGlob = () =>
  dist(
    "Text-Glob-0.11",
    "Text-Glob",
    "0.11",
    "lib/Text/Glob.pm",
    "package Text::Glob;\nuse strict;\nour $VERSION = '0.11';\nsub glob_to_regex { qr/^\\Q$_[0]\\E$/ }\n1;\n",
    {},
  );
