/** The `cpansec` command: composition root of the embedded (no AWS) mode. */
import { Command, CommanderError } from "commander";
import pkg from "../package.json" with { type: "json" };
import { registerScan } from "./commands/scan";

export function buildProgram(): Command {
  const program = new Command()
    .name("cpansec")
    .description("Supply-chain security for CPAN uploads: verify, describe, match advisories, log")
    .version(pkg.version)
    .showHelpAfterError()
    .exitOverride();
  registerScan(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    process.stderr.write(`cpansec: ${(e as Error).stack ?? e}\n`);
    return 70;
  }
}
