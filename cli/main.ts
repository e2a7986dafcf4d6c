/** The `cpansec` command: composition root of the embedded (no AWS) mode. */
import { Command, CommanderError } from "commander";
import pkg from "../package.json" with { type: "json" };
import { registerAdvisories } from "./commands/advisories";
import { CommandFailure, registerLog } from "./commands/log";
import { registerRun } from "./commands/run";
import { registerScan } from "./commands/scan";
import { registerSubscribe } from "./commands/subscribe";

export function buildProgram(): Command {
  const program = new Command()
    .name("cpansec")
    .description("Supply-chain security for CPAN uploads: verify, describe, match advisories, log")
    .version(pkg.version)
    .showHelpAfterError()
    .exitOverride();
  registerScan(program);
  registerLog(program);
  registerAdvisories(program);
  registerRun(program);
  registerSubscribe(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    // Expected failures (bad input, failed verification) get one clear line; bugs get the stack.
    const err = e as Error & { code?: unknown };
    const known = e instanceof CommandFailure || typeof err.code === "string" || (/Error$/.test(err.name) && err.name !== "Error" && err.name !== "TypeError");
    process.stderr.write(`cpansec: ${known ? (e as Error).message : ((e as Error).stack ?? String(e))}\n`);
    return known ? 1 : 70;
  }
}
