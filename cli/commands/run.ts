import { type Command, InvalidArgumentError } from "commander";
import { cveOption } from "../cve-option";
import { DEFAULT_FEED_URL } from "../../shared/domain/advisories/feed";

const seconds = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 1) throw new InvalidArgumentError("--interval takes a number of seconds ≥ 1");
  return n;
};
const collect = (v: string, prev: string[] = []) => [...prev, v];
const httpsUrl = (v: string) => {
  if (!/^https:\/\/[^\s/]+/.test(v) || !URL.canParse(v)) throw new InvalidArgumentError("--public-url takes an https:// URL");
  return v;
};
const smtpUrl = (v: string) => {
  if (!/^smtps?:\/\/[^\s/]+/.test(v)) throw new InvalidArgumentError("--smtp takes smtp://host:port or smtps://host:port");
  return v;
};

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("the whole pipeline on embedded storage: watch a mirror, verify, SBOMs, advisories, log")
    .requiredOption("--mirror <url|dir>", "CPAN mirror: an HTTP(S) base URL (e.g. https://www.cpan.org/) or a directory")
    .option("--data <dir>", "where results, the log and the tables go", "cpansec-data")
    .option("--advisories <file|url>", "CPAN security advisory feed, refreshed each pass (offline: the pass goes on with the feed in use)", DEFAULT_FEED_URL)
    .option("--no-advisories", "no advisory matching")
    .addOption(cveOption())
    .option(
      "--patches <dir|url>",
      "CPANSec patch source, refreshed each pass: a directory in its layout, or https://security.metacpan.org/patches/ (its patches found through the feed's references); findings name the patches for them",
    )
    .option(
      "--feed-key <file>",
      "OpenPGP key trusted to sign the advisory feed (repeatable): the feed's detached signature <feed>.gpg must verify, or the feed is not used",
      collect,
    )
    .option("--trust-key <file>", "OpenPGP key trusted to sign CHECKSUMS (repeatable; default: PAUSE's batch signing key)", collect)
    .option("--origin <origin>", "the log's origin line (first run only; default cpansec.localhost/log)")
    .option(
      "--public-url <url>",
      "the https URL <data>/public/ is served at, named in the published CSAF advisories (default https://cpansec.localhost/)",
      httpsUrl,
    )
    .option("--once", "one pass, then a summary and exit")
    .option("--interval <seconds>", "time between passes", seconds, 60)
    .option("--smtp <url>", "send notification email over SMTP, smtp://host:port (default: files in <data>/outbox/)", smtpUrl)
    .option("--email-from <addr>", "the From address of notification email")
    .option("--allow-loopback-webhooks", "allow plain http webhooks to 127.0.0.1/::1 (receivers on this machine; private addresses stay refused)")
    .addHelpText(
      "after",
      "\nWithout --once it runs until SIGTERM or Ctrl-C, riding out mirror and network outages.\nExit status (--once): 0 when every upload reached a terminal state; 1 when an upload raised an integrity alert or anything is in a dead-letter store; 2 on usage errors (a missing --mirror directory, another run on --data); 4 when the mirror cannot be reached.",
    )
    .action(
      async (o: {
        mirror: string;
        data: string;
        advisories?: string | false;
        trustKey?: string[];
        feedKey?: string[];
        cve?: string;
        origin?: string;
        publicUrl?: string;
        once?: boolean;
        interval: number;
        smtp?: string;
        emailFrom?: string;
        allowLoopbackWebhooks?: boolean;
        patches?: string;
      }) => {
        const { run } = await import("../run-impl");
        process.exitCode = await run(o);
      },
    );

  program
    .command("demo")
    .description("build a small CPAN mirror offline and run the pipeline over it")
    .option("--dir <dir>", "where the mirror and results go (default: a new temporary directory)")
    .option("--data <dir>", "results directory (default: <dir>/data)")
    .action(async (o: { dir?: string; data?: string }) => {
      const { demo } = await import("../demo/demo");
      process.exitCode = await demo(o);
    });
}
