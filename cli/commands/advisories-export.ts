/**
 * `cpansec advisories export`: the feed as OSV records or CSAF 2.0 advisories, in the directory
 * layout osv.dev and CSAF providers serve (docs/publishing.md). The previous export in --out is
 * read back so that unchanged advisories keep their `modified` time and CSAF revision; files are
 * rewritten only when their bytes change.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { type Command, Option } from "commander";
import pkg from "../../package.json" with { type: "json" };
import type { PublishedFile } from "../../shared/domain/publish/published";
import { DEFAULT_FEED_URL } from "../../shared/domain/advisories/feed";
import { cveOption } from "../cve-option";
import { loadFeedOrExit } from "../feed-source";

interface ExportOptions {
  format: "osv" | "csaf";
  db: string;
  cve?: string;
  out: string;
  baseUrl?: string;
  publisherName: string;
  publisherNamespace: string;
  json?: boolean;
}

function inside(out: string, path: string): string {
  const full = resolve(out, path);
  const rel = relative(resolve(out), full);
  if (!rel || rel.startsWith("..") || rel.split(sep).includes("..")) throw new Error(`refusing to write ${path} outside ${out}`);
  return full;
}

async function readIfThere(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** Writes the files whose bytes differ (each through a temporary file and a rename); returns how many. */
async function writeChanged(out: string, files: readonly PublishedFile[]): Promise<number> {
  let changed = 0;
  for (const f of files) {
    const path = inside(out, f.path);
    const old = await readIfThere(path);
    if (old && Buffer.from(old).equals(Buffer.from(f.bytes))) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, f.bytes);
    await rename(`${path}.tmp`, path);
    changed++;
  }
  return changed;
}

async function run(o: ExportOptions): Promise<void> {
  if (o.format === "csaf" && !(o.baseUrl && /^https:\/\/[^/]/.test(o.baseUrl))) {
    process.stderr.write(
      "cpansec: --format csaf needs --base-url https://... (where the directory will be served; the documents and provider-metadata.json name it)\n",
    );
    process.exitCode = 2;
    return;
  }
  const feed = await loadFeedOrExit(o.db, o.cve);
  if (!feed) return;
  const started = performance.now();
  const readPrevious = (path: string) => readIfThere(inside(o.out, path));
  let result: { files: readonly PublishedFile[]; problems: readonly string[]; count: number };
  if (o.format === "osv") {
    const { exportOsv } = await import("../../shared/domain/publish/export-osv");
    const r = await exportOsv(feed, readPrevious);
    result = { ...r, count: r.records.length };
  } else {
    const { exportCsaf } = await import("../../shared/domain/publish/export-csaf");
    const publisher = { category: "coordinator" as const, name: o.publisherName, namespace: o.publisherNamespace };
    const r = await exportCsaf(feed, readPrevious, { publisher, baseUrl: o.baseUrl!, engine: { name: "cpansec", version: pkg.version } });
    result = { ...r, count: r.documents };
  }
  const written = await writeChanged(o.out, result.files);
  const ms = Math.round(performance.now() - started);
  for (const p of result.problems) process.stderr.write(`cpansec: ${p}\n`);
  const summary = { format: o.format, out: o.out, documents: result.count, files: result.files.length, written, problems: result.problems.length, ms };
  process.stdout.write(
    o.json
      ? `${JSON.stringify(summary)}\n`
      : `${o.format}: ${result.count} documents, ${result.files.length} files in ${o.out} (${written} written, the rest unchanged) in ${ms} ms\n`,
  );
  process.exitCode = result.problems.length ? 1 : 0;
}

export function registerAdvisoriesExport(adv: Command): void {
  adv
    .command("export")
    .description("publish the feed as OSV records or CSAF 2.0 advisories, laid out as osv.dev and CSAF providers serve them")
    .addOption(new Option("--format <format>", "osv or csaf").choices(["osv", "csaf"]).makeOptionMandatory())
    .option("--db <file|url>", "advisory feed (cpan-security-advisory.json)", DEFAULT_FEED_URL)
    .addOption(cveOption())
    .requiredOption("--out <dir>", "output directory; a previous export there is read to keep unchanged documents unchanged")
    .option("--base-url <url>", "csaf: the URL the output directory is served at (e.g. https://example.org/.well-known/csaf)")
    .option("--publisher-name <name>", "csaf: document publisher", "CPAN Security Group")
    .option("--publisher-namespace <url>", "csaf: publisher namespace", "https://security.metacpan.org")
    .option("--json", "print the summary as JSON")
    .addHelpText("after", "\nExit status: 0 when every advisory was published, 1 when some could not be (each named on stderr), 2 on a bad feed or usage.")
    .action((o: ExportOptions) => run({ ...o, out: join(o.out) }));
}
