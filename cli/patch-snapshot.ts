/**
 * A patch source (`--patches DIR|URL`) read into the snapshot findings cite: a directory's
 * patches are named by file: URLs, a site's by their URLs there (found through the feed's
 * references, as `cpansec patch list` finds them).
 */
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Feed } from "../shared/domain/advisories/feed";
import { DirPatchSource } from "../shared/adapters/embedded/dir-patch-source";
import { HttpPatchSource } from "../shared/adapters/http/patch-source";
import { PatchError } from "../shared/domain/patches/errors";
import { type PatchSource, loadRegistry } from "../shared/domain/patches/registry";
import { type PatchSnapshot, snapshotOf } from "../shared/domain/patches/snapshot";

export const isUrl = (s: string) => /^https?:\/\//.test(s);

export function patchSource(where: string, feed?: Feed): PatchSource {
  if (!isUrl(where)) return new DirPatchSource(where);
  if (!feed) throw new PatchError("layout", `${where} is a web site with no listing: give --advisories FEED, whose references name its patches`);
  const refs = Object.values(feed.dists).flatMap((d) => d.advisories.flatMap((a) => a.references));
  return new HttpPatchSource(where, HttpPatchSource.pathsUnder(where, refs));
}

/** The URL of a patch its source gives none for: where it was read. */
export const patchUrlFor = (where: string) => (path: string) => pathToFileURL(join(resolve(where), ...path.split("/"))).href;

export async function readPatchSnapshot(where: string, feed: Feed | undefined): Promise<PatchSnapshot> {
  const source = patchSource(where, feed);
  return snapshotOf(await loadRegistry(source), source.location, patchUrlFor(where));
}
