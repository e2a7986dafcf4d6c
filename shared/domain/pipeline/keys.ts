/** Object keys in the artifacts bucket (DESIGN.md §4): pure, so the layout is tested as a table. */
import type { ReleaseRecord } from "./record";

type Ref = Pick<ReleaseRecord, "author" | "filename">;

export const archiveKey = (r: Ref) => `archives/${r.author}/${r.filename}`;
const releaseDir = (r: Ref) => `releases/${r.author}/${r.filename}`;
export const releaseJsonKey = (r: Ref) => `${releaseDir(r)}/release.json`;
export const cyclonedxKey = (r: Ref) => `${releaseDir(r)}/sbom.cdx.json`;
export const spdxKey = (r: Ref) => `${releaseDir(r)}/sbom.spdx.json`;
export const advisoriesKey = (r: Ref) => `${releaseDir(r)}/advisories.json`;
export const logJsonKey = (r: Ref) => `${releaseDir(r)}/log.json`;
export const tlogProofKey = (r: Ref) => `${releaseDir(r)}/upload.tlog-proof`;
export const eventKey = (id: string) => `events/${id}.json`;
export const PACKAGES_KEY = "index/02packages.details.txt.gz";
/** The feed in use: a pointer (sha256, date, commit, verification) to an immutable snapshot. */
export const FEED_POINTER_KEY = "advisories/current.json";
export const feedSnapshotKey = (sha256: string) => `advisories/db/${sha256}.json`;
/** The sha256 of the 02packages bytes at PACKAGES_KEY, written after them. */
export const PACKAGES_POINTER_KEY = "index/02packages.json";
/** The 02packages every stored answer has been brought to (or queued for): what the next refresh diffs against. */
export const PACKAGES_REMATCHED_KEY = "index/02packages.rematched.txt.gz";
/** Cursor (CursorStore) naming the feed and 02packages every stored answer has been brought to. */
export const REMATCHED_CURSOR = "advisories.rematched";
