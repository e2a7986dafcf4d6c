// The options of `cpansec log`; each subcommand's code loads when it runs (../log-append.ts for
// append, the command run most often and with the most to do; ../log-impl.ts for the rest).
import { type Command, InvalidArgumentError } from "commander";

const wholeNumber = (name: string) => (v: string) => {
  if (!/^(0|[1-9][0-9]*)$/.test(v)) throw new InvalidArgumentError(`${name} takes a whole number`);
  return Number(v);
};

const ORIGIN_HELP = "the log's origin line, when it is not the key's name";

export function registerLog(program: Command): void {
  const log = program.command("log").description("the C2SP transparency log: keys, appends, proofs, verification, monitoring");

  log
    .command("keygen")
    .description("create an Ed25519 signing key for a log; prints the verifier key")
    .requiredOption("--origin <origin>", "the log's origin line, e.g. example.org/cpansec-log")
    .requiredOption("--out <keyfile>", "where to write the private key (created, never overwritten; mode 0600)")
    .action(async (o: { origin: string; out: string }) => (await import("../log-impl")).keygen(o));

  log
    .command("append")
    .description("append entries (JSON lines, each a JSON string holding one entry's exact text) in one batch")
    .requiredOption("--log <dir>", "the log directory")
    .requiredOption("--key <keyfile>", "the private key (its name is the origin)")
    .argument("[file]", "JSON lines to append (default: standard input)")
    .action(async (file: string | undefined, o: { log: string; key: string }) => (await import("../log-append")).append(file, o));

  log
    .command("verify")
    .description("check the checkpoint signature and rebuild every tile and the root from the entries")
    .requiredOption("--log <dir|url>", "log directory or HTTPS base URL")
    .requiredOption("--vkey <vkey>", "verifier key, or a file holding it")
    .option("--origin <origin>", ORIGIN_HELP)
    .action(async (o: { log: string; vkey: string; origin?: string }) => (await import("../log-impl")).verify(o));

  log
    .command("prove")
    .description("print an inclusion proof (--index) or a consistency proof (--from-size) as JSON")
    .requiredOption("--log <dir|url>", "log directory or HTTPS base URL")
    .option("--index <i>", "leaf index to prove included", wholeNumber("--index"))
    .option("--from-size <n>", "older tree size to prove consistent with the current one", wholeNumber("--from-size"))
    .option("--vkey <vkey>", "verifier key (or file): check the checkpoint's signature first")
    .action(async (o: { log: string; index?: number; fromSize?: number; vkey?: string }) => (await import("../log-impl")).prove(o));

  log
    .command("check-proof")
    .description("verify a proof file offline: a release's upload.tlog-proof or log.json, or what `log prove` printed")
    .argument("<proof>", "the proof file")
    .requiredOption("--vkey <vkey>", "the log's verifier key (its published vkey), or a file holding it")
    .option("--checkpoint <file>", "signed checkpoint to check against (default: the one in the proof)")
    .option("--origin <origin>", ORIGIN_HELP)
    .option("--entry <file>", "the logged entry's exact bytes, for a tlog-proof that does not carry them")
    .option("--archive <file>", "the release archive: check that it is the file the logged entry names (name, size, sha256)")
    .action(async (file: string, o: { vkey: string; checkpoint?: string; origin?: string; entry?: string; archive?: string }) =>
      (await import("../log-impl")).checkProofFile(file, o),
    );

  log
    .command("monitor")
    .description("verify the log's growth since the last run, print new entries, alert on misbehaviour")
    .requiredOption("--log <dir|url>", "log directory or HTTPS base URL")
    .requiredOption("--vkey <vkey>", "verifier key, or a file holding it")
    .requiredOption("--state <file>", "where the monitor keeps what it verified (created on first run)")
    .option("--origin <origin>", ORIGIN_HELP)
    .addHelpText(
      "after",
      "\nExit status: 0 when the log is consistent, 1 on an alert (a fork: a checkpoint of any size that is not the verified history; a rollback to an older checkpoint; a path logged with two hashes) or a failed check.",
    )
    .action(async (o: { log: string; vkey: string; state: string; origin?: string }) => (await import("../log-impl")).monitor(o));
}
