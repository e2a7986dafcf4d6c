/**
 * Does a verified CHECKSUMS entry belong to this upload? A CHECKSUMS file names neither its
 * directory nor the time of the upload it covers, so a mirror can replay an old one, or relocate
 * one: PAUSE's signature alone says "PAUSE once signed this", not "for this upload". Two checks
 * tie it to the upload RECENT announced (docs/threat-model.md, "relocated or replayed CHECKSUMS"):
 * - PAUSE re-signs an author's CHECKSUMS after every change to the directory, so a signature made
 *   before the upload (beyond clock skew) cannot be the one that lists it;
 * - the entry's `mtime` (the file's date on PAUSE) is the upload's day, give or take a day of
 *   time zones.
 * A third (the same archive already verified as another author's) needs storage and lives in
 * ingest-release.
 */

/** PAUSE writes RECENT, then re-signs CHECKSUMS: the signature may trail, not lead, by more. */
export const SIGNATURE_SKEW_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

export function provenanceProblem(o: { readonly signedAt: Date; readonly mtime?: string; readonly uploaded: string }): string | undefined {
  const uploadedMs = Number(o.uploaded) * 1000;
  if (!Number.isFinite(uploadedMs)) return undefined; // epochs are checked where RECENT is parsed
  const upload = new Date(uploadedMs).toISOString();
  if (o.signedAt.getTime() < uploadedMs - SIGNATURE_SKEW_MS) {
    return `the signed CHECKSUMS is from ${o.signedAt.toISOString()}, before the upload (${upload}): a replayed CHECKSUMS or a replayed upload`;
  }
  if (o.mtime !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(o.mtime)) {
    const day = Date.parse(`${o.mtime}T00:00:00Z`);
    const uploadDay = Math.floor(uploadedMs / DAY_MS) * DAY_MS;
    if (Number.isFinite(day) && Math.abs(day - uploadDay) > DAY_MS) return `CHECKSUMS dates the file ${o.mtime}, but the upload is of ${upload.slice(0, 10)}`;
  }
  return undefined;
}
