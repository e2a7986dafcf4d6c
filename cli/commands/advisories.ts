import { text as readStream } from "node:stream/consumers";
import { type Command, Option } from "commander";
import { advisoryIds, compileFeed } from "../../shared/domain/advisories/match";
import type { MatchMode } from "../../shared/domain/advisories/ranges";
import { nameResolver } from "../../shared/domain/advisories/names";
import { DEFAULT_FEED_URL } from "../../shared/domain/advisories/feed";
import { cveOption } from "../cve-option";
import { loadFeedOrExit } from "../feed-source";
import { registerAdvisoriesExport } from "./advisories-export";
import { loadPackagesOrExit } from "../packages-source";

export const modeOption = () =>
  new Option("--mode <mode>", "range semantics: strict (docs/decisions/0005-advisory-ranges.md) or cpan-audit (CPAN::Audit's answers)")
    .choices(["strict", "cpan-audit"])
    .default("strict");

export function registerAdvisories(program: Command): void {
  const adv = program.command("advisories").description("the CPAN security advisory feed");
  adv
    .command("match")
    .description("match installed distributions: reads `Dist<TAB>version` (or `Module::Name<TAB>version`) lines on stdin, prints one JSON line each")
    .option("--db <file|url>", "advisory feed (cpan-security-advisory.json)", DEFAULT_FEED_URL)
    .option("--packages <file>", "02packages.details.txt(.gz): resolves more module names, and tells a clean distribution from an unknown name")
    .addOption(cveOption())
    .addOption(modeOption())
    .addHelpText(
      "after",
      '\nOutput: {"dist", "version", "advisories": [sorted unique ids]} per input line; for a module name also "input", "as": "module", "via"; for a name nobody knows "advisories": null and "unknown".\nExit status: 0 when nothing matched, 1 when something did, 2 on errors (bad feed, bad input line, unknown name).',
    )
    .action(async (o: { db: string; mode: MatchMode; packages?: string; cve?: string }) => {
      const loaded = await loadFeedOrExit(o.db, o.cve);
      if (!loaded) return;
      const packages = o.packages ? await loadPackagesOrExit(o.packages) : undefined;
      if (o.packages && !packages) return;
      const feed = compileFeed(loaded, o.mode);
      const resolve = nameResolver(loaded, packages);
      let matched = false;
      let bad = 0;
      // One write for the whole answer (in slices of about 1 MiB): a write per line was most of the time.
      let out = "";
      const lines = (await readStream(process.stdin)).split("\n");
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        if (!line.trim()) continue;
        const [name, version, ...rest] = line.split("\t").map((s) => s.trim());
        if (!name || !version || rest.length) {
          process.stderr.write(`line ${i + 1}: expected "Dist<TAB>version", got ${JSON.stringify(line)}\n`);
          bad++;
          continue;
        }
        const r = resolve(name);
        if (r.as === "unknown") {
          process.stderr.write(`line ${i + 1}: ${r.why}\n`);
          bad++;
          out += `${JSON.stringify({ dist: null, input: name, version, advisories: null, unknown: r.why })}\n`;
          continue;
        }
        // The version as written: it is echoed and compared, never reformatted.
        const ids =
          r.distributions.length === 1
            ? advisoryIds(feed, r.distributions[0] as string, version)
            : [...new Set(r.distributions.flatMap((d) => advisoryIds(feed, d, version)))].sort();
        if (ids.length) matched = true;
        if (r.as === "distribution") {
          // The common line, spelled out: the same bytes as JSON.stringify of the object, without building it.
          out += `{"dist":${JSON.stringify(r.distributions[0])},"version":${JSON.stringify(version)},"advisories":${JSON.stringify(ids)}}\n`;
        } else {
          const how = r.as === "module" ? { input: name, as: "module", via: r.via, ...(r.disagreement ? { disagreement: r.disagreement } : {}) } : {};
          out += `${JSON.stringify({ dist: r.distributions[0], version, advisories: ids, ...how })}\n`;
        }
        if (out.length > 1 << 20) {
          process.stdout.write(out);
          out = "";
        }
      }
      if (out) process.stdout.write(out);
      process.exitCode = bad ? 2 : matched ? 1 : 0;
    });
  registerAdvisoriesExport(adv);
}
