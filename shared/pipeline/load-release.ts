/** The steps after ingest work from the stored archive: re-read it (cheap next to the network). */
import { type Release, describeRelease } from "../domain/cpan/release";
import { archiveKey } from "../domain/pipeline/keys";
import type { ReleaseRecord } from "../domain/pipeline/record";
import { bundledKeep } from "../domain/sbom/bundled";
import { TransientError } from "../ports/errors";
import type { PipelineDeps } from "../ports/deps";

export async function loadRelease(deps: PipelineDeps, id: string): Promise<{ record: ReleaseRecord; release: Release }> {
  const record = await deps.releases.get(id);
  if (!record) throw new TransientError(`release ${id} is not in the releases table`);
  const bytes = await deps.blobs.read(archiveKey(record));
  if (!bytes) throw new TransientError(`${archiveKey(record)} is not stored yet`);
  return { record, release: await describeRelease(record.path, bytes, { sha1: true, keep: bundledKeep }) };
}
