// Every corpus archive with META: two schema-valid SBOMs whose runtime requirements equal what
// CPAN::Meta reports for the same META (differential against perl).
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { describeRelease } from "../../../shared/domain/cpan/release";
import { bundledKeep, detectBundled, generateSboms, moduleResolver } from "../../../shared/domain/sbom";
import { checkCycloneDx, checkSpdx } from "../../../shared/domain/sbom/check";
import { corpusFiles, fullCorpus } from "../../helpers/corpus";
import { announceSkip, perlMissing, runPerl } from "../../helpers/perl";
import { cycloneDxSchemaErrors, spdxSchemaErrors } from "../../helpers/sbom-validation";

const files = corpusFiles();
const missing = perlMissing("CPAN::Meta", "JSON::PP", "MIME::Base64");
if (missing) announceSkip("SBOMs over the corpus", missing);

const ORACLE = String.raw`
use CPAN::Meta; use JSON::PP; use MIME::Base64; $SIG{__WARN__} = sub {};
while (my $l = <STDIN>) { chomp $l; my ($kind, $b64) = split /\t/, $l; my $t = decode_base64($b64);
  my $m = eval { $kind eq 'META.json' ? CPAN::Meta->load_json_string($t) : CPAN::Meta->load_yaml_string($t) };
  print $m ? JSON::PP->new->canonical->encode($m->effective_prereqs->requirements_for('runtime', 'requires')->as_string_hash) : 'null', "\n"; }`;

describe.skipIf(missing)("SBOMs over the corpus", () => {
  it("are valid for every archive with META, and list CPAN::Meta's runtime requirements", async () => {
    const problems: string[] = [];
    const withMeta: { file: string; source: string; meta: Uint8Array; runtime: Record<string, string> }[] = [];
    for (const file of files) {
      const r = await describeRelease(file, readFileSync(file), { sha1: true, keep: bundledKeep });
      if (!r.metaSource) continue;
      const s = generateSboms({
        release: r,
        uploaded: new Date(0),
        tool: { name: "cpansec-pipeline", version: "0.1.0" },
        resolve: moduleResolver(),
        bundled: detectBundled(r.files),
      });
      const cdx = JSON.parse(s.cyclonedx);
      const spdx = JSON.parse(s.spdx);
      const errs = [await cycloneDxSchemaErrors(s.cyclonedx), spdxSchemaErrors(spdx), ...checkCycloneDx(cdx), ...checkSpdx(spdx)].filter(
        (e) => e && !(Array.isArray(e) && !e.length),
      );
      if (errs.length) problems.push(`${basename(file)}: ${JSON.stringify(errs).slice(0, 300)}`);
      const runtime: Record<string, string> = {};
      for (const c of cdx.components ?? []) {
        for (const p of c.properties ?? []) {
          const m = /^runtime requires (\S+) (.*)$/.exec(p.value);
          if (p.name === "cpansec:requirement" && m) runtime[m[1] as string] = m[2] as string;
        }
      }
      const metaPath = [...r.files.keys()].find((p) => p.endsWith(`/${r.metaSource}`)) as string;
      withMeta.push({ file, source: r.metaSource, meta: r.files.get(metaPath) as Uint8Array, runtime });
    }
    expect(problems).toEqual([]);
    const perl = runPerl(ORACLE, withMeta.map((w) => `${w.source}\t${Buffer.from(w.meta).toString("base64")}`).join("\n") + "\n")
      .trim()
      .split("\n");
    const differ: string[] = [];
    let compared = 0;
    withMeta.forEach((w, i) => {
      if (perl[i] === "null") return;
      compared++;
      const theirs = JSON.parse(perl[i] as string);
      try {
        expect(w.runtime).toEqual(theirs);
      } catch {
        differ.push(`${basename(w.file)}: sbom ${JSON.stringify(w.runtime)} / CPAN::Meta ${perl[i]}`);
      }
    });
    console.log(`corpus SBOMs: ${withMeta.length} archives with META, all valid; runtime requirements compared with CPAN::Meta for ${compared}`);
    expect(differ).toEqual([]);
    // Each of the dozen fixtures with META is compared; the full corpus has over 250 such.
    expect(compared).toBeGreaterThan(fullCorpus ? 250 : 8);
  });
});
