import { type Command, Option } from "commander";
import { compileFeed } from "../../shared/domain/advisories/match";
import { buildMatchTable } from "../../shared/domain/advisories/match-table";
import type { MatchMode } from "../../shared/domain/advisories/ranges";
import { DEFAULT_FEED_URL } from "../../shared/domain/advisories/feed";
import { cveOption } from "../cve-option";
import { feedMatchResolver, loadFeedOrExit, loadMatchDataOrExit } from "../feed-source";
import { matchLines } from "../match-lines";
import { readStdinText } from "../read-stdin";
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
      // With CVE records merged in, the answer is not the feed's alone: no cache.
      const data = o.cve
        ? await loadFeedOrExit(o.db, o.cve).then((f) => f && { table: buildMatchTable(compileFeed(f, o.mode)), module2dist: async () => f.module2dist })
        : await loadMatchDataOrExit(o.db, o.mode);
      if (!data) return;
      const packages = o.packages ? await loadPackagesOrExit(o.packages) : undefined;
      if (o.packages && !packages) return;
      const input = await readStdinText();
      const { matched, bad } = await matchLines(
        input,
        data.table,
        () => feedMatchResolver(data, packages),
        (chunk) => process.stdout.write(chunk),
        (message) => process.stderr.write(message),
      );
      process.exitCode = bad ? 2 : matched ? 1 : 0;
    });
  registerAdvisoriesExport(adv);
}
