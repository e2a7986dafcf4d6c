/** Object keys in the artifacts bucket (docs/architecture.md, storage layout): pure, so the layout is tested as a table. */
import type { ReleaseRecord } from "./record";

import { FILE_NAME, PAUSE_ID } from "../cpan/upload-path";

type Ref = Pick<ReleaseRecord, "author" | "filename">;

/**
 * AUTHOR/filename as two key segments, checked: an author that is not a PAUSE id (undefined, say)
 * or a file name with a `/` would make keys nest (`archives/A/x.tar.gz/y.tar.gz` turns another
 * release's archive key into a directory) or land in the wrong place. Watch never creates such a
 * release; this keeps it so for every caller.
 */
function segments(r: Ref): string {
  if (typeof r.author !== "string" || !PAUSE_ID.test(r.author)) throw new Error(`not a PAUSE id: ${JSON.stringify(r.author)}`);
  if (typeof r.filename !== "string" || !FILE_NAME.test(r.filename)) throw new Error(`not a single file name: ${JSON.stringify(r.filename)}`);
  return `${r.author}/${r.filename}`;
}

export const archiveKey = (r: Ref) => `archives/${segments(r)}`;
const releaseDir = (r: Ref) => `releases/${segments(r)}`;
export const releaseJsonKey = (r: Ref) => `${releaseDir(r)}/release.json`;
export const cyclonedxKey = (r: Ref) => `${releaseDir(r)}/sbom.cdx.json`;
export const spdxKey = (r: Ref) => `${releaseDir(r)}/sbom.spdx.json`;
export const advisoriesKey = (r: Ref) => `${releaseDir(r)}/advisories.json`;
/** CycloneDX VEX: what matching decided, as statements on the components of sbom.cdx.json. */
export const vexKey = (r: Ref) => `${releaseDir(r)}/vex.cdx.json`;
export const logJsonKey = (r: Ref) => `${releaseDir(r)}/log.json`;
export const tlogProofKey = (r: Ref) => `${releaseDir(r)}/upload.tlog-proof`;
export const eventKey = (id: string) => `events/${id}.json`;
export const PACKAGES_KEY = "index/02packages.details.txt.gz";
/** The feed in use: a pointer (sha256, date, commit, verification) to an immutable snapshot. */
export const FEED_POINTER_KEY = "advisories/current.json";
export const feedSnapshotKey = (sha256: string) => `advisories/db/${sha256}.json`;
/** The patch registry in use: a pointer (sha256, source, counts) to an immutable snapshot. */
export const PATCHES_POINTER_KEY = "patches/current.json";
export const patchSnapshotKey = (sha256: string) => `patches/db/${sha256}.json`;
/** Each patch's bytes, by their sha256 (what findings cite). */
export const patchFileKey = (sha256: string) => {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${JSON.stringify(sha256)}`);
  return `patches/files/${sha256}.patch`;
};
/** The sha256 of the 02packages bytes at PACKAGES_KEY, written after them. */
export const PACKAGES_POINTER_KEY = "index/02packages.json";
/** The 02packages every stored answer has been brought to (or queued for): what the next refresh diffs against. */
export const PACKAGES_REMATCHED_KEY = "index/02packages.rematched.txt.gz";
/** Cursor (CursorStore) naming the feed and 02packages every stored answer has been brought to. */
export const REMATCHED_CURSOR = "advisories.rematched";
/** Which author an archive (by sha256) was first verified under: create-only, so the first one holds. */
export const sha256OwnerKey = (sha256: string) => {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${JSON.stringify(sha256)}`);
  return `index/sha256/${sha256}`;
};

/**
 * The published advisory index (publish-advisories): its root in the public log bucket, and
 * `<data>/public/advisories/` embedded. Events link a file of it as `public/advisories/<path>`,
 * which the notify wiring turns into the log bucket's public URL (AWS) or a file URL (embedded).
 */
export const PUBLIC_ADVISORIES_PREFIX = "advisories/";
export const PUBLIC_LINK_PREFIX = "public/";
export const publicLink = (path: string) => `${PUBLIC_LINK_PREFIX}${PUBLIC_ADVISORIES_PREFIX}${path}`;
