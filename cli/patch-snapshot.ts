/**
 * A patch source (`--patches DIR|URL`) read into the snapshot findings cite: a directory's
 * patches are named by file: URLs, a site's by their URLs there (found through the feed's
 * references, as `cpansec patch list` finds them).
 */
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Feed } from "../shared/domain/advisories/feed";
import { loadRegistry } from "../shared/domain/patches/registry";
import { type PatchSnapshot, snapshotOf } from "../shared/domain/patches/snapshot";
import { patchSource } from "./patch-impl";

export const isUrl = (s: string) => /^https?:\/\//.test(s);

/** The URL of a patch its source gives none for: where it was read. */
export const patchUrlFor = (where: string) => (path: string) => pathToFileURL(join(resolve(where), ...path.split("/"))).href;

export async function readPatchSnapshot(where: string, feed: Feed | undefined): Promise<PatchSnapshot> {
  const source = patchSource(where, feed);
  return snapshotOf(await loadRegistry(source), source.location, patchUrlFor(where));
}
