import type { Command } from "commander";
import { scanOne } from "../scan-one";

export function registerScan(program: Command): void {
  program
    .command("scan")
    .description("describe CPAN archives offline: identity, META, file manifest")
    .argument("<archive...>", "distribution archives (.tar.gz, .tgz, .tar.bz2, .tar.xz, .zip)")
    .option("--json", "one JSON object per archive per line")
    .addHelpText("after", "\nOutput keeps the order of the arguments.\nExit status: 0 when every archive was read, 1 when any could not be read, 2 on usage errors.")
    .action(async (archives: string[], opts: { json?: boolean }) => {
      let failed = 0;
      // One archive at a time: reading is synchronous CPU work (inflate, hash), and worker threads
      // measured no faster on this 2-core machine (docs/benchmarks.md).
      for (const file of archives) {
        const o = await scanOne(file);
        if (o.failed) failed++;
        process.stdout.write(`${opts.json ? JSON.stringify(o.record) : o.text}\n`);
      }
      process.exitCode = failed ? 1 : 0;
    });
}
