import { type Command, InvalidArgumentError } from "commander";
import { loadRegistry } from "../../shared/domain/patches/registry";
import { loadFeedOrExit } from "../feed-source";
import { loadPackagesOrExit } from "../packages-source";
import { applyPatches, patchSource } from "../patch-impl";
import { overlayDir, publishOverlay } from "../patch-publish";
import { parseUploadTime } from "../scan-one";

const time = (v: string) => {
  try {
    return parseUploadTime(v).date;
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};
const pauseId = (v: string) => {
  if (!/^[A-Z][-A-Z0-9]*$/.test(v)) throw new InvalidArgumentError("a PAUSE id is upper-case letters, digits and '-'");
  return v;
};

export function registerPatch(program: Command): void {
  const patch = program.command("patch").description("security patches in CPANSec's layout: list a patch source, apply patches to a release (docs/patches.md)");
  patch
    .command("list")
    .description("read a patch source (a directory in <L>/<Dist>/<version>/<CVE>-r<N>.patch layout, or an HTTPS base URL with --advisories)")
    .argument("<source>", "directory or https://security.metacpan.org/patches/")
    .option("--advisories <file|url>", "advisory feed whose references name the patches of an HTTPS source")
    .option("--json", "one JSON document")
    .addHelpText("after", "\nExit status: 0 when every patch parses; 1 when some are refused (each is listed with why).")
    .action(async (source: string, opts: { advisories?: string; json?: boolean }) => {
      const feed = opts.advisories ? await loadFeedOrExit(opts.advisories) : undefined;
      if (opts.advisories && !feed) return;
      const reg = await loadRegistry(patchSource(source, feed));
      const show = (p: (typeof reg.current)[number]) => ({
        path: p.path,
        dist: p.dist,
        version: p.version,
        cve: p.cve,
        revision: p.revision,
        sha256: p.sha256,
        size: p.size,
        ...p.header,
        files: p.files,
        ...(p.url ? { url: p.url } : {}),
      });
      if (opts.json)
        process.stdout.write(`${JSON.stringify({ current: reg.current.map(show), superseded: reg.superseded.map((p) => p.path), problems: reg.problems })}\n`);
      else {
        for (const p of reg.current)
          process.stdout.write(
            `${p.dist} ${p.version} ${p.cve} r${p.revision} sha256 ${p.sha256}\n  ${p.header.subject ?? "(no subject)"}${p.header.author ? ` -- ${p.header.author}` : ""}\n  files: ${p.files.join(", ")}\n`,
          );
        for (const p of reg.superseded) process.stdout.write(`superseded: ${p.path}\n`);
        for (const p of reg.problems) process.stdout.write(`REFUSED ${p.path}: ${p.message}\n`);
        process.stdout.write(`${reg.current.length} current, ${reg.superseded.length} superseded, ${reg.problems.length} refused\n`);
      }
      process.exitCode = reg.problems.length ? 1 : 0;
    });
  patch
    .command("apply")
    .description("apply patches (-p1, inside the archive's top directory, no fuzz) and write <Dist>-<version>-PATCHED-<CVE>-r<N>.tar.gz with its SBOMs")
    .argument("<archive>", "the original distribution archive")
    .argument("[patch...]", "patch files, applied in this order (named <CVE>-r<N>.patch, ideally in the <L>/<Dist>/<version>/ layout)")
    .requiredOption("--out <dir>", "where the patched archive, <name>.cdx.json and <name>.spdx.json go")
    .option("--source <dir|url>", "with no patch files: apply every current patch this source has for the archive's distribution and version")
    .option("--advisories <file|url>", "advisory feed whose references name the patches of an HTTPS --source")
    .option("--author <PAUSEID>", "the original's uploader, for its purl (default: from an authors/id/ path)", pauseId)
    .option("--mtime <time>", "time of every entry and of the SBOMs (default: SOURCE_DATE_EPOCH, else the newest patch's Date, else 1970-01-01)", time)
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      "\nNothing is written unless every hunk of every patch applies exactly.\nExit status: 0 written; 1 a patch was refused or does not apply (the message names the hunk); 2 usage.",
    )
    .action(
      async (archive: string, files: string[], opts: { out: string; source?: string; advisories?: string; author?: string; mtime?: Date; json?: boolean }) => {
        if (!files.length && !opts.source) throw new InvalidArgumentError("give patch files, or --source");
        const feed = opts.advisories ? await loadFeedOrExit(opts.advisories) : undefined;
        if (opts.advisories && !feed) return;
        const r = await applyPatches(archive, files, {
          out: opts.out,
          ...(opts.source ? { source: opts.source } : {}),
          ...(feed ? { feed } : {}),
          ...(opts.author ? { author: opts.author } : {}),
          ...(opts.mtime ? { mtime: opts.mtime } : {}),
        });
        const patches = r.patches as { path: string }[];
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(r)}\n`
            : `${r.archive}\n  sha256 ${r.sha256 as string}\n  from ${archive} with ${patches.map((p) => p.path).join(", ")}\n  SBOMs ${r.cyclonedx as string}, ${r.spdx as string}\n`,
        );
      },
    );
  patch
    .command("publish")
    .description("build each original's patched archive once and publish the patched CPAN overlay under <data>/patched-cpan (docs/patches.md)")
    .argument("<original...>", "original archives (paths under authors/id/A/AU/AUTHOR/, or give --original-author)")
    .requiredOption("--source <dir|url>", "the patch source: patches in force for each original's distribution and version are applied")
    .requiredOption("--data <dir>", "the data directory: overlay in patched-cpan/, its key overlay.key, the log in log/ (keys created on first use)")
    .option("--advisories <file|url>", "advisory feed whose references name the patches of an HTTPS --source")
    .option("--author <PAUSEID>", "the overlay's author directory", pauseId, "CPANSEC")
    .option("--original-author <PAUSEID>", "the originals' uploader, for files not under authors/id/", pauseId)
    .option("--packages <file>", "CPAN's 02packages: list a package only while CPAN resolves it to the patched original, at its version")
    .option("--url <url>", "the overlay's public URL (02packages' URL header; default its file: URL)")
    .option("--origin <origin>", "the log's origin line (first run only; default cpansec.localhost/log)")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      "\nInstall from it: cpanm --mirror <overlay> --mirror https://cpan.metacpan.org --mirror-only Module\nExit status: 0 published (or nothing new); 1 some original could not be patched (each is named); 2 usage.",
    )
    .action(
      async (
        files: string[],
        opts: {
          source: string;
          data: string;
          advisories?: string;
          author: string;
          originalAuthor?: string;
          packages?: string;
          url?: string;
          origin?: string;
          json?: boolean;
        },
      ) => {
        const feed = opts.advisories ? await loadFeedOrExit(opts.advisories) : undefined;
        if (opts.advisories && !feed) return;
        const packages = opts.packages ? await loadPackagesOrExit(opts.packages) : undefined;
        if (opts.packages && !packages) return;
        const r = await publishOverlay(files, {
          data: opts.data,
          source: patchSource(opts.source, feed),
          author: opts.author,
          ...(opts.originalAuthor ? { originalAuthor: opts.originalAuthor } : {}),
          ...(packages ? { packages } : {}),
          ...(opts.url ? { url: opts.url } : {}),
          ...(opts.origin ? { origin: opts.origin } : {}),
        });
        if (opts.json) process.stdout.write(`${JSON.stringify({ overlay: overlayDir(opts.data), ...r })}\n`);
        else {
          for (const a of r.added)
            process.stdout.write(
              `${a.path}\n  sha256 ${a.sha256}, log index ${a.logIndex}\n  from ${a.original.path} with ${a.patches.map((p) => p.path).join(", ")}\n`,
            );
          for (const s of r.skipped) process.stdout.write(`skipped ${s}\n`);
          for (const f of r.failed) process.stdout.write(`FAILED ${f.path}: ${f.error}\n`);
          for (const m of r.mismatched) process.stderr.write(`ALERT: ${m} is already in the log with other bytes\n`);
          process.stdout.write(`${r.added.length} added, ${r.existing} already there; overlay ${overlayDir(opts.data)}\n`);
        }
        process.exitCode = r.failed.length || r.mismatched.length ? 1 : 0;
      },
    );
}
