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
