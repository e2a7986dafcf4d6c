/**
 * ingest-release: fetch the archive, verify it against the author's PAUSE-signed CHECKSUMS, keep
 * it, parse it, write release.json, and fan out to the other steps. Integrity failures (a bad
 * signature, a hash that stays wrong, a CHECKSUMS that is not this upload's, a second hash for a
 * known release) are alerts, never silently processed; an unreadable archive is a recorded failure
 * that is still logged; a mirror that is behind is waited for (outcomes.ts).
 */
import { ChecksumsError } from "../../shared/domain/cpan/checksums";
import { verifyChecksums } from "../../shared/domain/cpan/checksums-signature";
import { FETCH_LIMITS } from "../../shared/domain/fetch-limits";
import { provenanceProblem } from "../../shared/domain/cpan/checksums-provenance";
import { releaseDocument } from "../../shared/domain/pipeline/documents";
import { archiveKey, sha256OwnerKey } from "../../shared/domain/pipeline/keys";
import type { IngestJob } from "../../shared/messages/jobs";
import { announceIfComplete, completeStep } from "../../shared/pipeline/complete";
import { createReleaseJson } from "../../shared/pipeline/documents";
import { describeStored } from "../../shared/pipeline/load-release";
import type { IngestDeps } from "../../shared/ports/deps";
import { TransientError } from "../../shared/ports/errors";
import { ConflictError, MirrorLimitError, MirrorRefusedError } from "../../shared/ports";
import { fanOut, integrityFailure, waitForMirror } from "./outcomes";

export { fanOut } from "./outcomes";
import { createHash } from "node:crypto";

/**
 * One author's CHECKSUMS covers all their uploads: verify each distinct file (by content and
 * trusted keys) once per process, not once per upload. Failures are not cached.
 */
const verifiedCache = new Map<string, Awaited<ReturnType<typeof verifyChecksums>>>();
async function verifyOnce(file: Uint8Array, deps: IngestDeps): Promise<Awaited<ReturnType<typeof verifyChecksums>>> {
  const key = `${createHash("sha256").update(file).digest("hex")}:${deps.trustedKeys.map((k) => k.getFingerprint()).join(",")}`;
  const hit = verifiedCache.get(key);
  if (hit) return hit;
  const v = await verifyChecksums(new TextDecoder().decode(file), deps.trustedKeys);
  if (verifiedCache.size >= 256) verifiedCache.delete(verifiedCache.keys().next().value as string);
  verifiedCache.set(key, v);
  return v;
}

/** The most a CHECKSUMS file may be (read while streaming, stopped at the limit). */
export const CHECKSUMS_MAX_BYTES = FETCH_LIMITS.checksums;

/** The author an archive's sha256 was first verified under (this one, if it is the first). */
async function claimSha256(deps: IngestDeps, sha256: string, author: string): Promise<string> {
  const key = sha256OwnerKey(sha256);
  try {
    await deps.blobs.create(key, new TextEncoder().encode(author));
    return author;
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
    return new TextDecoder().decode(await deps.blobs.read(key));
  }
}

export async function ingestRelease(deps: IngestDeps, job: IngestJob, receives: number): Promise<void> {
  const r = await deps.releases.get(job.id);
  if (!r) throw new TransientError(`release ${job.id} is not in the releases table yet`);
  if (r.steps.ingest) {
    await fanOut(deps, r); // a redelivery after ingest: make sure the next steps were queued
    return announceIfComplete(deps, r);
  }
  const dir = r.path.slice(0, r.path.lastIndexOf("/"));
  const file = r.path.slice(dir.length + 1);
  let bytes: Uint8Array | undefined;
  let checksumsFile: Uint8Array | undefined;
  try {
    bytes = await deps.mirror.fetch(r.path);
    checksumsFile = bytes && (await deps.mirror.fetch(`${dir}/CHECKSUMS`, { maxBytes: CHECKSUMS_MAX_BYTES }));
  } catch (e) {
    // A symlink, FIFO or refused path in place of the file, or a CHECKSUMS over its limit: what
    // the mirror offers is not a file we read. No hash of it goes anywhere.
    if (!(e instanceof MirrorRefusedError) && !(e instanceof MirrorLimitError && bytes)) throw e;
    return integrityFailure(deps, r, e.message, {});
  }
  if (!bytes) return waitForMirror(deps, r, `${r.path} is not on the mirror yet`, `${r.path} was not on the mirror`);
  if (!checksumsFile) return waitForMirror(deps, r, `${dir}/CHECKSUMS is not on the mirror yet`, `${dir}/CHECKSUMS was not on the mirror`);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  let verified: Awaited<ReturnType<typeof verifyChecksums>>;
  try {
    verified = await verifyOnce(checksumsFile, deps);
  } catch (e) {
    if (!(e instanceof ChecksumsError)) throw e;
    return integrityFailure(deps, r, e.message, { checksums: `${dir}/CHECKSUMS` });
  }
  const entry = verified.entries.get(file);
  // Not listed yet is mirror lag, not an integrity failure: PAUSE signed nothing false.
  if (!entry?.sha256) return waitForMirror(deps, r, `${dir}/CHECKSUMS does not list ${file} yet`, `not listed in ${dir}/CHECKSUMS`);
  if (entry.sha256 !== sha256 || (entry.size !== undefined && entry.size !== bytes.byteLength)) {
    if (receives < deps.checksumRetries) throw new TransientError(`${file}: the archive served does not match CHECKSUMS yet`);
    const signed = entry.size !== undefined ? { sha256: entry.sha256, size: entry.size } : undefined;
    const reason = `${file}: the archive served (${bytes.byteLength} bytes) does not match the signed CHECKSUMS (${entry.sha256}, ${entry.size ?? "?"} bytes)`;
    return integrityFailure(deps, r, reason, { expected: entry.sha256 }, { ...(signed ? { signed } : {}), unverified: { sha256, size: bytes.byteLength } });
  }
  const stale = provenanceProblem({ signedAt: verified.signedAt, ...(entry.mtime !== undefined ? { mtime: entry.mtime } : {}), uploaded: r.uploaded });
  if (stale) return integrityFailure(deps, r, `${file}: ${stale}`, { checksums: `${dir}/CHECKSUMS` });
  if (r.sha256 && r.sha256 !== sha256)
    return integrityFailure(deps, r, `a second sha256 for ${r.id}: ${sha256}, first seen ${r.sha256}`, { first: r.sha256, second: sha256 });
  // The same bytes verified under two authors: one CHECKSUMS and archive copied into another's directory.
  const owner = await claimSha256(deps, sha256, r.author);
  if (owner !== r.author)
    return integrityFailure(deps, r, `${file}: the same archive (sha256 ${sha256}) was verified earlier as ${owner}'s upload`, { sha256, firstAuthor: owner });
  try {
    await deps.blobs.create(archiveKey(r), bytes);
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
    return integrityFailure(deps, r, `a different archive is already stored for ${r.id}`, { actual: sha256 });
  }

  const rel = await describeStored(r.path, bytes);
  await createReleaseJson(deps.blobs, r, releaseDocument(r, rel, { signedBy: verified.signedBy, signedAt: verified.signedAt.toISOString() }));
  await deps.releases.update(r.id, ({ lag: _lag, ...x }) => ({
    ...x,
    sha256,
    size: bytes.byteLength,
    ...(rel.distribution ? { distribution: rel.distribution } : {}),
    ...(rel.version ? { version: rel.version } : {}),
    ...(rel.error ? { failure: { step: "ingest" as const, reason: rel.error.message } } : {}),
  }));
  const done = await completeStep(deps, r.id, "ingest", rel.error ? { status: "failed", reason: rel.error.message } : { status: "done" });
  await fanOut(deps, done);
}
