/**
 * `cpansec patch publish`: the overlay on embedded storage. `<data>/patched-cpan/` is the overlay
 * (serve it as a CPAN mirror), `<data>/overlay.key` its CHECKSUMS signing key and `<data>/log` the
 * transparency log, both keys created on first use as `cpansec run` creates log.key.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import pkg from "../package.json" with { type: "json" };
import { type PublishResult, publishPatched } from "../functions/publish-patches/publish-patches";
import { appendingLog } from "../functions/publish-patches/overlay-log";
import { initLog } from "../functions/append-log/append-log";
import { FsObjectStore } from "../shared/adapters/embedded/fs-object-store";
import { embeddedLog } from "../shared/adapters/embedded/log";
import { authorPath, parseCpanPath } from "../shared/domain/cpan/distname";
import type { PackagesIndex } from "../shared/domain/cpan/packages";
import { describeRelease } from "../shared/domain/cpan/release";
import { type PatchSource, loadRegistry, patchesFor } from "../shared/domain/patches/registry";
import { logSigner } from "./embedded/pipeline";
import { overlayDir, overlayKey } from "./embedded/overlay";

export { overlayDir };
import { CommandFailure } from "./errors";

export interface PublishOptions {
  readonly data: string;
  readonly source: PatchSource;
  readonly author: string;
  readonly url?: string;
  readonly origin?: string;
  readonly packages?: PackagesIndex;
  /** The originals' uploader, for files whose path has no authors/id/ part. */
  readonly originalAuthor?: string;
  readonly clock?: () => Date;
}

/** The original's CPAN path: from an authors/id/A/AU/AUTHOR/ part of the file's path, else --original-author. */
function cpanPathOf(file: string, author?: string): string {
  const info = parseCpanPath(file.split(/[\\/]/).join("/"));
  const who = info.author ?? author;
  if (!who) throw new CommandFailure(`${file}: cannot tell who uploaded it: give a path under authors/id/A/AU/AUTHOR/, or --original-author`);
  return authorPath(who, info.filename.split("/").pop() as string);
}

export async function publishOverlay(files: readonly string[], o: PublishOptions): Promise<PublishResult & { skipped: string[] }> {
  const clock = o.clock ?? (() => new Date());
  const registry = await loadRegistry(o.source);
  const skipped: string[] = [];
  const pairs = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    const r = await describeRelease(file, bytes);
    const patches = r.distribution && r.version ? patchesFor(registry, r.distribution, r.version) : [];
    if (!patches.length) {
      skipped.push(`${file}: no patch in force for ${r.distribution ?? "?"} ${r.version ?? "?"}`);
      continue;
    }
    pairs.push({ original: { path: cpanPathOf(file, o.originalAuthor), bytes }, patches });
  }
  mkdirSync(o.data, { recursive: true });
  const signer = logSigner(o.data, o.origin ?? "cpansec.localhost/log");
  const log = { ...embeddedLog(join(o.data, "log")), signer, origin: signer.name };
  await initLog(log);
  const result = await publishPatched(
    {
      overlay: new FsObjectStore(overlayDir(o.data)),
      log: appendingLog(log),
      key: await overlayKey(o.data, clock()),
      author: o.author,
      url: o.url ?? pathToFileURL(resolve(overlayDir(o.data))).href,
      clock,
      tool: { name: pkg.name, version: pkg.version },
      ...(o.packages ? { cpan: o.packages.modules } : {}),
    },
    pairs,
  );
  return { ...result, skipped };
}
