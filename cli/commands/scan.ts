import type { Command } from "commander";
import { compileFeed } from "../../shared/domain/advisories/match";
import type { MatchMode } from "../../shared/domain/advisories/ranges";
import { loadFeedOrExit } from "../feed-source";
import { type ScanOptions, scanOne } from "../scan-one";
import { modeOption } from "./advisories";

export function registerScan(program: Command): void {
  program
    .command("scan")
    .description("describe CPAN archives offline: identity, META, file manifest, log entry, advisories")
    .argument("<archive...>", "distribution archives (.tar.gz, .tgz, .tar.bz2, .tar.xz, .zip)")
    .option("--json", "one JSON object per archive per line")
    .option("--advisories <file|url>", "match against this CPAN security advisory feed (adds findings)")
    .addOption(modeOption())
    .option("--out <dir>", "write per-release results under DIR/<Dist>-<version>/ (advisories.json)")
    .addHelpText(
      "after",
      "\nOutput keeps the order of the arguments.\nExit status: 0 when every archive was read and nothing was found; 1 when an advisory affects a scanned release or code bundled in it; 3 when an archive could not be read; 2 on usage errors or a bad feed.",
    )
    .action(async (archives: string[], opts: { json?: boolean; advisories?: string; mode: MatchMode; out?: string }) => {
      const options: ScanOptions = { ...(opts.out ? { out: opts.out } : {}) };
      if (opts.advisories) {
        const feed = await loadFeedOrExit(opts.advisories);
        if (!feed) return;
        const other: MatchMode = opts.mode === "strict" ? "cpan-audit" : "strict";
        Object.assign(options, { advisories: { chosen: compileFeed(feed, opts.mode), other: compileFeed(feed, other) } });
      }
      let failed = 0;
      let vulnerable = 0;
      // One archive at a time: reading is synchronous CPU work (inflate, hash), and worker threads
      // measured no faster on this 2-core machine (docs/benchmarks.md).
      for (const file of archives) {
        const o = await scanOne(file, options);
        if (o.failed) failed++;
        if (o.vulnerable) vulnerable++;
        process.stdout.write(`${opts.json ? JSON.stringify(o.record) : o.text}\n`);
      }
      process.exitCode = failed ? 3 : vulnerable ? 1 : 0;
    });
}
