import { type Command, InvalidArgumentError, Option } from "commander";
import type { DependencyScope } from "../../shared/domain/advisories/findings";
import { compileFeed } from "../../shared/domain/advisories/match";
import type { MatchMode } from "../../shared/domain/advisories/ranges";
import { loadFeedOrExit } from "../feed-source";
import { loadPackagesTextOrExit } from "../packages-source";
import { type ScanOptions, commitScan, parseUploadTime } from "../scan-one";
import { POOL_FROM, type PoolInit, renderAll, scanThreads } from "../scan-pool";
import { entryUrl } from "../self";

const uploadTime = (v: string) => {
  try {
    return parseUploadTime(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};
const pauseId = (v: string) => {
  if (!/^[A-Z][-A-Z0-9]*$/.test(v)) throw new InvalidArgumentError("a PAUSE id is upper-case letters, digits and '-'");
  return v;
};
const jobCount = (v: string) => {
  if (!/^[1-9][0-9]{0,2}$/.test(v)) throw new InvalidArgumentError("a whole number of threads, 1 to 999");
  return Number(v);
};
import { modeOption } from "./advisories";
import { cveOption } from "../cve-option";
import { UserError } from "../errors";

export function registerScan(program: Command): void {
  program
    .command("scan")
    .description("describe CPAN archives offline: identity, META, file manifest, log entry, advisories")
    .argument("<archive...>", "distribution archives (.tar.gz, .tgz, .tar.bz2, .tar.xz, .zip)")
    .option("--json", "one JSON object per archive per line")
    .option("--advisories <file|url>", "match against this CPAN security advisory feed (adds findings)")
    .addOption(cveOption())
    .addOption(modeOption())
    .option(
      "--out <dir>",
      "write per-release results under DIR/<AUTHOR>/<file name>/ (DIR/<file name>/ without a PAUSE id): sbom.cdx.json, sbom.spdx.json, advisories.json",
    )
    .option("--author <PAUSEID>", "uploader, for archives whose path has no authors/id/A/AU/AUTHOR/ (default: from the path)", pauseId)
    .option("--upload-time <time>", "ISO 8601 time or Unix epoch of the upload (default: the file's modification time)", uploadTime)
    .option("--packages <file>", "02packages.details.txt(.gz), to resolve prerequisites to distributions")
    .option("--jobs <n>", `threads that scan archives (default: 2 from ${POOL_FROM} archives on a machine with 2 cores or more, else 1)`, jobCount)
    .addOption(
      new Option(
        "--scope <scope>",
        "prerequisites dependency findings consider: requires (of runtime, configure, build, test) or all (recommends, suggests, develop too)",
      )
        .choices(["requires", "all"])
        .default("requires"),
    )
    .addHelpText(
      "after",
      "\nOutput keeps the order of the arguments.\nExit status: 0 when every archive was read and nothing was found; 1 when an advisory affects a scanned release or code bundled in it; 3 when an archive could not be read; 2 on usage errors or a bad feed.",
    )
    .action(
      async (
        archives: string[],
        opts: {
          json?: boolean;
          advisories?: string;
          cve?: string;
          mode: MatchMode;
          out?: string;
          author?: string;
          uploadTime?: { date: Date; epoch: string };
          packages?: string;
          scope: DependencyScope;
          jobs?: number;
        },
      ) => {
        const options: ScanOptions = {
          scope: opts.scope,
          ...(opts.out ? { out: opts.out, claimed: new Map<string, string>() } : {}),
          ...(opts.author ? { author: opts.author } : {}),
          ...(opts.uploadTime ? { uploaded: opts.uploadTime } : {}),
        };
        const threads = scanThreads(archives.length, opts.jobs, entryUrl);
        const init: { feed?: PoolInit["feed"]; packagesText?: string } = {};
        if (opts.packages) {
          const loaded = await loadPackagesTextOrExit(opts.packages);
          if (!loaded) return;
          Object.assign(options, { packages: loaded.index });
          // Kept only for the other threads to parse (a parsed index is slower to copy than its text).
          if (threads > 1) init.packagesText = loaded.text;
        }
        if (opts.cve && !opts.advisories) throw new UserError("--cve needs --advisories FEED: the records are merged with a feed");
        if (opts.advisories) {
          const feed = await loadFeedOrExit(opts.advisories, opts.cve);
          if (!feed) return;
          const other: MatchMode = opts.mode === "strict" ? "cpan-audit" : "strict";
          Object.assign(options, { advisories: { chosen: compileFeed(feed, opts.mode), other: compileFeed(feed, other) } });
          init.feed = { feed, mode: opts.mode };
        }
        let failed = 0;
        let vulnerable = 0;
        // Archives are worked out on one thread or several; what they print and write is done here, in order.
        const requests = archives.map((file) => ({ file, forSboms: !!opts.out, needMtime: !opts.uploadTime }));
        const { claimed, ...renderOptions } = options;
        const poolInit: PoolInit = {
          options: {
            ...(opts.out ? { out: opts.out } : {}),
            ...(opts.author ? { author: opts.author } : {}),
            ...(opts.uploadTime ? { uploaded: opts.uploadTime } : {}),
            scope: opts.scope,
          },
          ...init,
        };
        for await (const rendered of renderAll(requests, renderOptions, threads, entryUrl, poolInit, opts.jobs !== undefined)) {
          const o = commitScan(rendered, { ...(claimed ? { claimed } : {}) });
          if (o.failed) failed++;
          if (o.vulnerable) vulnerable++;
          process.stdout.write(`${opts.json ? o.json : o.text}\n`);
        }
        process.exitCode = failed ? 3 : vulnerable ? 1 : 0;
      },
    );
}
