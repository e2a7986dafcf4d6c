/**
 * ingest-release: fetch the archive, verify it against the author's PAUSE-signed CHECKSUMS, keep
 * it, parse it, write release.json, and fan out to the other steps. Integrity failures (a bad
 * signature, a hash that stays wrong, a second hash for a known release) are alerts, never
 * silently processed; an unreadable archive is a recorded failure that is still logged.
 */
import { ChecksumsError } from "../../shared/domain/cpan/checksums";
import { verifyChecksums } from "../../shared/domain/cpan/checksums-signature";
import { type Release, describeRelease } from "../../shared/domain/cpan/release";
import { archiveKey, releaseJsonKey } from "../../shared/domain/pipeline/keys";
import type { ReleaseRecord } from "../../shared/domain/pipeline/record";
import { bundledKeep } from "../../shared/domain/sbom/bundled";
import { releasePurl } from "../../shared/domain/sbom/input";
import type { IngestJob } from "../../shared/messages/jobs";
import { announceIfComplete, completeStep, emit } from "../../shared/pipeline/complete";
import { type PipelineDeps, TransientError } from "../../shared/pipeline/deps";
import { ConflictError } from "../../shared/ports";
import { createHash } from "node:crypto";

/**
 * One author's CHECKSUMS covers all their uploads: verify each distinct file (by content and
 * trusted keys) once per process, not once per upload. Failures are not cached.
 */
const verifiedCache = new Map<string, Awaited<ReturnType<typeof verifyChecksums>>>();
async function verifyOnce(file: Uint8Array, deps: PipelineDeps): Promise<Awaited<ReturnType<typeof verifyChecksums>>> {
  const key = `${createHash("sha256").update(file).digest("hex")}:${deps.trustedKeys.map((k) => k.getFingerprint()).join(",")}`;
  const hit = verifiedCache.get(key);
  if (hit) return hit;
  const v = await verifyChecksums(new TextDecoder().decode(file), deps.trustedKeys);
  if (verifiedCache.size >= 256) verifiedCache.delete(verifiedCache.keys().next().value as string);
  verifiedCache.set(key, v);
  return v;
}

const json = (v: unknown) => new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`);

/**
 * Marks the release, raises the alert, and — when PAUSE's signed CHECKSUMS says what the upload
 * is — still logs the upload with the signed sha256 and size, not the bytes the mirror served.
 */
async function integrityFailure(deps: PipelineDeps, r: ReleaseRecord, reason: string, detail: Record<string, unknown>, signed?: { sha256: string; size: number }): Promise<void> {
  await deps.releases.update(r.id, (x) => ({ ...x, ...(signed && !x.sha256 ? signed : {}), failure: { step: "ingest", reason, integrity: true } }));
  await emit(deps, "integrity.alert", r, `${r.id}\n${reason}`, { reason, ...detail });
  const done = await completeStep(deps, r.id, "ingest", { status: "failed", reason });
  await fanOut(deps, done);
}

export function releaseDocument(r: ReleaseRecord, rel: Release, checksums: { signedBy: string; signedAt: string }): unknown {
  return {
    id: r.id,
    path: r.path,
    author: r.author,
    uploaded: r.uploaded,
    distribution: rel.distribution ?? null,
    version: rel.version ?? null,
    purl: releasePurl(rel, r.author, r.path),
    developer: rel.developer,
    identitySource: rel.source,
    metaSource: rel.metaSource ?? null,
    metaIdentity: rel.metaIdentity ?? null,
    archive: { ...rel.archive },
    checksums,
    meta: rel.meta ? { name: rel.meta.name, version: rel.meta.version, abstract: rel.meta.abstract, license: rel.meta.license, prereqs: rel.meta.prereqs, resources: rel.meta.resources } : null,
    files: rel.entries,
    problems: rel.problems,
    ...(rel.error ? { error: rel.error } : {}),
  };
}

export async function fanOut(deps: PipelineDeps, r: ReleaseRecord): Promise<void> {
  const job = [{ v: 1 as const, id: r.id }];
  if (r.steps.ingest?.status === "done") await Promise.all([deps.queues.sbom.send(job), deps.queues.advisories.send(job)]);
  if (r.sha256) await deps.queues.log.send(job);
}

export async function ingestRelease(deps: PipelineDeps, job: IngestJob, receives: number): Promise<void> {
  const r = await deps.releases.get(job.id);
  if (!r) throw new TransientError(`release ${job.id} is not in the releases table yet`);
  if (r.steps.ingest) {
    await fanOut(deps, r); // a redelivery after ingest: make sure the next steps were queued
    return announceIfComplete(deps, r);
  }
  const bytes = await deps.mirror.fetch(r.path);
  if (!bytes) throw new TransientError(`${r.path} is not on the mirror (yet)`);
  const sha256 = createHash("sha256").update(bytes).digest("hex");

  const dir = r.path.slice(0, r.path.lastIndexOf("/"));
  const file = r.path.slice(dir.length + 1);
  const checksumsFile = await deps.mirror.fetch(`${dir}/CHECKSUMS`);
  if (!checksumsFile) throw new TransientError(`${dir}/CHECKSUMS is not on the mirror`);
  let verified: Awaited<ReturnType<typeof verifyChecksums>>;
  try {
    verified = await verifyOnce(checksumsFile, deps);
  } catch (e) {
    if (!(e instanceof ChecksumsError)) throw e;
    return integrityFailure(deps, r, e.message, { checksums: `${dir}/CHECKSUMS` });
  }
  const entry = verified.entries.get(file);
  const lagging = receives < deps.checksumRetries;
  if (!entry?.sha256) {
    if (lagging) throw new TransientError(`${dir}/CHECKSUMS has no sha256 for ${file} yet`);
    return integrityFailure(deps, r, `${dir}/CHECKSUMS has no sha256 for ${file}`, {});
  }
  if (entry.sha256 !== sha256 || (entry.size !== undefined && entry.size !== bytes.byteLength)) {
    if (lagging) throw new TransientError(`${file}: sha256 ${sha256} does not match CHECKSUMS yet (mirror lag?)`);
    const signed = entry.size !== undefined ? { sha256: entry.sha256, size: entry.size } : undefined;
    return integrityFailure(deps, r, `${file}: the archive's sha256 ${sha256} (${bytes.byteLength} bytes) does not match the signed CHECKSUMS (${entry.sha256}, ${entry.size ?? "?"} bytes)`, { expected: entry.sha256, actual: sha256 }, signed);
  }
  if (r.sha256 && r.sha256 !== sha256) return integrityFailure(deps, r, `a second sha256 for ${r.id}: ${sha256}, first seen ${r.sha256}`, { first: r.sha256, second: sha256 });
  try {
    await deps.blobs.create(archiveKey(r), bytes);
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
    return integrityFailure(deps, r, `a different archive is already stored for ${r.id}`, { actual: sha256 });
  }

  const rel = await describeRelease(r.path, bytes, { sha1: true, keep: bundledKeep });
  await deps.blobs.create(releaseJsonKey(r), json(releaseDocument(r, rel, { signedBy: verified.signedBy, signedAt: verified.signedAt.toISOString() }))).catch((e: unknown) => {
    if (!(e instanceof ConflictError)) throw e; // written by an earlier attempt
  });
  await deps.releases.update(r.id, (x) => ({
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
