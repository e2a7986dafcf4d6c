/** The `cpansec` command: composition root of the embedded (no AWS) mode. */
import { Command, CommanderError } from "commander";
import pkg from "../package.json" with { type: "json" };
import { EXIT, reportFailure } from "./errors";

type Register = (program: Command) => void;
// Each command's module is loaded only when that command runs (or for the full help): start-up
// counts (`cpansec --version` should not load the SBOM library, SQLite and the log's crypto).
const COMMANDS: Record<string, () => Promise<Register>> = {
  scan: async () => (await import("./commands/scan")).registerScan,
  log: async () => (await import("./commands/log")).registerLog,
  advisories: async () => (await import("./commands/advisories")).registerAdvisories,
  run: async () => (await import("./commands/run")).registerRun,
  subscribe: async () => (await import("./commands/subscribe")).registerSubscribe,
  patch: async () => (await import("./commands/patch")).registerPatch,
  audit: async () => (await import("./commands/audit")).registerAudit,
};
// Commands registered by another command's module.
const ALIASES: Record<string, string> = { demo: "run" };

/** The registrations `argv` needs: its command's, none for a bare --version, all otherwise (help, unknown command). */
async function registrationsFor(argv: string[] | undefined): Promise<Register[]> {
  const name = argv?.find((a) => !a.startsWith("-"));
  const key = name && (ALIASES[name] ?? name);
  if (key && Object.hasOwn(COMMANDS, key)) return [await (COMMANDS[key] as () => Promise<Register>)()];
  if (!name && argv?.length && argv.every((a) => a === "--version" || a === "-V")) return [];
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}

/** The whole program, or (given the arguments) only the command they run. */
export async function buildProgram(argv?: string[]): Promise<Command> {
  const program = new Command()
    .name("cpansec")
    .description("Supply-chain security for CPAN uploads: verify, describe, match advisories, log")
    .version(pkg.version)
    // One line of hint, not the whole help text: the error itself is what the user needs to see.
    .showHelpAfterError("(cpansec <command> --help for usage)")
    .exitOverride()
    .addHelpText(
      "after",
      "\n--debug (anywhere on the line, or CPANSEC_DEBUG=1) prints the stack of an error.\nExit status: docs/cli.md; 2 is always a usage error, 70 a bug in cpansec.",
    );
  for (const register of await registrationsFor(argv)) register(program);
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
    await (await buildProgram(argv)).parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return reportFailure(e, debug);
  }
}
