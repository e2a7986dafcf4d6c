/** The `cpansec` command: composition root of the embedded (no AWS) mode. */
import { Command, CommanderError } from "commander";
import pkg from "../package.json" with { type: "json" };
import { registerAdvisories } from "./commands/advisories";
import { registerAudit } from "./commands/audit";
import { CommandFailure, registerLog } from "./commands/log";
import { registerPatch } from "./commands/patch";
import { registerRun } from "./commands/run";
import { registerScan } from "./commands/scan";
import { registerSubscribe } from "./commands/subscribe";
import { EXIT, classify } from "./errors";

export function buildProgram(): Command {
  const program = new Command()
    .name("cpansec")
    .description("Supply-chain security for CPAN uploads: verify, describe, match advisories, log")
    .version(pkg.version)
    // One line of hint, not the whole help text: the error itself is what the user needs to see.
    .showHelpAfterError("(cpansec <command> --help for usage)")
    .exitOverride()
    .addHelpText("after", "\n--debug (anywhere on the line, or CPANSEC_DEBUG=1) prints the stack of an error.\nExit status: docs/cli.md; 2 is always a usage error, 70 a bug in cpansec.");
  registerScan(program);
  registerLog(program);
  registerAdvisories(program);
  registerRun(program);
  registerSubscribe(program);
  registerPatch(program);
  registerAudit(program);
  return program;
}

/** `--debug` is taken out wherever it is (before a `--`), so every subcommand has it. */
function takeDebug(argv: string[]): { argv: string[]; debug: boolean } {
  const end = argv.indexOf("--");
  const head = end < 0 ? argv : argv.slice(0, end);
  const rest = end < 0 ? [] : argv.slice(end);
  const debug = head.includes("--debug") || process.env.CPANSEC_DEBUG === "1";
  return { argv: [...head.filter((a) => a !== "--debug"), ...rest], debug };
}

export async function main(args: string[]): Promise<number> {
  const { argv, debug } = takeDebug(args);
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const c = e instanceof CommandFailure ? { exitCode: EXIT.found, message: e.message, bug: false } : classify(e);
    const stack = debug ? `\n${(e as Error).stack ?? ""}` : c.bug ? "\n(a bug in cpansec: --debug shows where; please report it)" : "";
    process.stderr.write(`cpansec: ${c.message}${stack}\n`);
    return c.exitCode;
  }
}
