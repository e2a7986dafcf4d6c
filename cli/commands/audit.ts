import { writeFileSync } from "node:fs";
import { basename, dirname, relative, resolve as resolvePath } from "node:path";
import { type Command, Option } from "commander";
import pkg from "../../package.json" with { type: "json" };
import type { Severity } from "../../shared/domain/advisories/feed";
import type { DependencyScope } from "../../shared/domain/advisories/findings";
import { compileFeed } from "../../shared/domain/advisories/match";
import type { MatchMode } from "../../shared/domain/advisories/ranges";
import { buildAppSboms } from "../../shared/domain/audit/app-sbom";
import { type Exclusion, parseExclusions } from "../../shared/domain/audit/exclusions";
import { auditInventory, failsAt } from "../../shared/domain/audit/report";
import { buildSarif } from "../../shared/domain/audit/sarif";
import { reportText } from "../../shared/domain/audit/text";
import { moduleResolver } from "../../shared/domain/sbom/resolve";
import { type InputChoice, loadAuditFeed, loadPackages, readInventory, readText, unreadable } from "../audit-inputs";
import { EXIT, UserError } from "../errors";
import { DEFAULT_FEED_URL } from "../../shared/domain/advisories/feed";
import { cveOption } from "../cve-option";
import { modeOption } from "./advisories";
import { readPatchSnapshot } from "../patch-snapshot";
import { loadOverlay } from "../overlay-source";
import { withOverlay } from "../../shared/domain/audit/overlay-archives";

interface AuditOpts extends InputChoice {
  db: string;
  cve?: string;
  mode: MatchMode;
  packages?: string;
  mirror?: string;
  scope: DependencyScope;
  json?: boolean;
  format: "text" | "json" | "sarif";
  sbomOut?: string;
  name?: string;
  exclude?: string;
  patches?: string;
  overlay?: string;
  overlayKey?: string;
  failOn: Severity;
}

/** `app.cdx.json` → `app.cdx.vex.json`: the VEX beside its SBOM. */
export const vexPath = (sbom: string) => (sbom.endsWith(".json") ? `${sbom.slice(0, -5)}.vex.json` : `${sbom}.vex.json`);

export function registerAudit(program: Command): void {
  program
    .command("audit")
    .description("audit an application: a Carton snapshot, a cpanfile, installed perl library trees or an SBOM, against the advisory feed")
    .option("--snapshot <file>", "cpanfile.snapshot (Carton's lock file): the exact distributions and versions")
    .option("--cpanfile <file>", "cpanfile: declared ranges, with the lowest safe version satisfying them all")
    .option("--installed [dir...]", "perl library trees (cpanm's .meta, .packlist files, module $VERSIONs); without DIR, the @INC of the perl on PATH")
    .option("--sbom <file>", "CycloneDX or SPDX JSON with pkg:cpan purls")
    .option("--db <file|url>", "advisory feed (cpan-security-advisory.json)", DEFAULT_FEED_URL)
    .addOption(cveOption())
    .addOption(modeOption())
    .option("--packages <file>", "02packages.details.txt(.gz), to resolve modules to distributions (then the feed's module2dist)")
    .option("--mirror <dir|url>", "a CPAN mirror whose modules/02packages.details.txt.gz resolves modules")
    .addOption(
      new Option("--scope <scope>", "cpanfile prerequisites considered: requires (runtime, configure, build, test) or all")
        .choices(["requires", "all"])
        .default("requires"),
    )
    .addOption(new Option("--format <format>", "output").choices(["text", "json", "sarif"]).default("text"))
    .option("--json", "same as --format json")
    .option("--sbom-out <file>", "write the application's CycloneDX 1.6 SBOM there, and its VEX beside it (<file>.vex.json)")
    .option("--name <name>", "the application's name in the SBOM (default: the input's directory name)")
    .option("--exclude <file>", "accepted risks: a YAML list of {id: advisory id or CVE, reason, expires: YYYY-MM-DD}")
    .option(
      "--patches <dir|url>",
      "CPANSec patch source (a directory in its layout, or https://security.metacpan.org/patches/): name the patches for each advisory",
    )
    .option("--overlay <dir|url>", "the patched CPAN overlay's root: snapshot and installed entries that are its archives (by full CPAN path) count as patched")
    .option("--overlay-key <file>", "the overlay's OpenPGP public key, to verify its CHECKSUMS (default: its cpansec-overlay-key.asc)")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when an advisory that counts is at or above this severity (unrated ones always count)")
        .choices(["low", "medium", "high", "critical"])
        .default("low"),
    )
    .addHelpText(
      "after",
      "\nExit status: 0 clean; 1 an advisory at or above --fail-on (accepted risks in force do not count); 2 usage; 3 an input that cannot be read; 4 an unreachable feed or mirror.\nSee docs/audit.md.",
    )
    .action(async (o: AuditOpts) => {
      const given = (["snapshot", "cpanfile", "installed", "sbom"] as const).filter((k) => o[k] !== undefined);
      if (given.length !== 1)
        throw new UserError(
          given.length ? `give one input, not ${given.map((g) => `--${g}`).join(" and ")}` : "give an input: --snapshot, --cpanfile, --installed or --sbom",
        );
      const warn = (s: string) => process.stderr.write(`cpansec: ${s}\n`);
      const feed = await loadAuditFeed(o.db, o.cve, warn);
      const packages = await loadPackages(o, warn);
      const resolve = moduleResolver(packages, feed.module2dist);
      const today = new Date().toISOString().slice(0, 10);
      const exclusions: Exclusion[] = o.exclude
        ? await unreadable(o.exclude, async () => parseExclusions(await readText(o.exclude as string), o.exclude as string))
        : [];
      const read = await readInventory(o, feed, resolve);
      const overlay = o.overlay ? await unreadable(`the overlay ${o.overlay}`, () => loadOverlay(o.overlay as string, o.overlayKey)) : undefined;
      for (const p of overlay?.unconfirmed ?? [])
        warn(`overlay archive not used: ${p} is not in its signed CHECKSUMS with the model's sha256 and the name its distribution, version and patches give`);
      // snapshot and install.json entries name CPAN paths; an SBOM says it is patched by its pedigree
      const inventory = read.kind === "snapshot" || read.kind === "installed" ? withOverlay(read, overlay?.model, o.overlay) : read;
      const patches = o.patches ? await unreadable(`the patch source ${o.patches}`, () => readPatchSnapshot(o.patches as string, feed)) : undefined;
      for (const p of patches?.problems ?? []) warn(`patch not used: ${p.message}`);
      const other: MatchMode = o.mode === "strict" ? "cpan-audit" : "strict";
      const tool = { name: "cpansec", version: pkg.version };
      const report = auditInventory(inventory, {
        chosen: compileFeed(feed, o.mode),
        other: compileFeed(feed, other),
        resolve,
        scope: o.scope,
        exclusions,
        today,
        tool,
        ...(patches ? { patches } : {}),
      });
      if (o.sbomOut) {
        const first = inventory.files[0] ?? ".";
        const name = o.name ?? basename(o.snapshot || o.cpanfile || o.sbom ? dirname(resolvePath(first)) : resolvePath(first));
        const epoch = Number(process.env.SOURCE_DATE_EPOCH);
        const { sbom, vex } = buildAppSboms(inventory, report, {
          name,
          timestamp: Number.isFinite(epoch) && process.env.SOURCE_DATE_EPOCH ? new Date(epoch * 1000) : new Date(),
          tool,
          ...(/^https?:/.test(o.db) ? { feedUrl: o.db } : {}),
        });
        writeFileSync(o.sbomOut, sbom);
        writeFileSync(vexPath(o.sbomOut), vex);
      }
      const format = o.json ? "json" : o.format;
      if (format === "json") process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (format === "sarif")
        process.stdout.write(
          `${JSON.stringify(
            buildSarif(report, (f) => relative(process.cwd(), resolvePath(f)).split("\\").join("/")),
            null,
            2,
          )}\n`,
        );
      else process.stdout.write(reportText(report));
      process.exitCode = failsAt(report, o.failOn) ? EXIT.found : EXIT.ok;
    });
}
