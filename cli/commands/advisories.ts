import { text as readStream } from "node:stream/consumers";
import { type Command, Option } from "commander";
import { advisoryIds, compileFeed } from "../../shared/domain/advisories/match";
import type { MatchMode } from "../../shared/domain/advisories/ranges";
import { DEFAULT_FEED_URL, loadFeedOrExit } from "../feed-source";
import { registerAdvisoriesExport } from "./advisories-export";

export const modeOption = () => new Option("--mode <mode>", "range semantics: strict (DESIGN.md) or cpan-audit (CPAN::Audit's answers)").choices(["strict", "cpan-audit"]).default("strict");

export function registerAdvisories(program: Command): void {
  const adv = program.command("advisories").description("the CPAN security advisory feed");
  adv
    .command("match")
    .description("match installed distributions: reads `Dist<TAB>version` lines on stdin, prints one JSON line each")
    .option("--db <file|url>", "advisory feed (cpan-security-advisory.json)", DEFAULT_FEED_URL)
    .addOption(modeOption())
    .addHelpText("after", '\nOutput: {"dist", "version", "advisories": [sorted unique ids]} per input line.\nExit status: 0 when nothing matched, 1 when something did, 2 on errors (bad feed, bad input line).')
    .action(async (o: { db: string; mode: MatchMode }) => {
      const loaded = await loadFeedOrExit(o.db);
      if (!loaded) return;
      const feed = compileFeed(loaded, o.mode);
      let matched = false;
      let bad = 0;
      const lines = (await readStream(process.stdin)).split("\n");
      lines.forEach((line, i) => {
        if (!line.trim()) return;
        const [dist, version, ...rest] = line.split("\t").map((s) => s.trim());
        if (!dist || !version || rest.length) {
          process.stderr.write(`line ${i + 1}: expected "Dist<TAB>version", got ${JSON.stringify(line)}\n`);
          bad++;
          return;
        }
        const ids = advisoryIds(feed, dist, version);
        if (ids.length) matched = true;
        process.stdout.write(`${JSON.stringify({ dist, version, advisories: ids })}\n`);
      });
      process.exitCode = bad ? 2 : matched ? 1 : 0;
    });
  registerAdvisoriesExport(adv);
}
