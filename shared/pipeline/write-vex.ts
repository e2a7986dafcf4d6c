/**
 * A release's vex.cdx.json, from its stored sbom.cdx.json and advisories.json. generate-sbom and
 * match-advisories run side by side, and each calls this after writing its document and before
 * marking its step: each writes first and reads the other's after, so (reads seeing every write
 * before them) at least one of the two sees both and writes the VEX before the release can
 * complete. A re-match calls it too: the VEX is rewritten when its statements change.
 */
import { advisoriesKey, cyclonedxKey, vexKey } from "../domain/pipeline/keys";
import type { ReleaseRecord } from "../domain/pipeline/record";
import { type MatchAnswer, releaseVex } from "../domain/sbom/release-vex";
import type { PipelineDeps } from "../ports/deps";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Writes the VEX when both documents are there; "unchanged" when the stored one already says the same. */
export async function writeVex(
  deps: Pick<PipelineDeps, "blobs" | "clock" | "tool">,
  r: Pick<ReleaseRecord, "author" | "filename">,
): Promise<"written" | "unchanged" | "waiting"> {
  const [sbom, answer] = await Promise.all([deps.blobs.read(cyclonedxKey(r)), deps.blobs.read(advisoriesKey(r))]);
  if (!sbom || !answer) return "waiting";
  const previous = await deps.blobs.read(vexKey(r));
  const vex = releaseVex(text(sbom), JSON.parse(text(answer)) as MatchAnswer, {
    tool: deps.tool,
    now: deps.clock(),
    ...(previous ? { previous: text(previous) } : {}),
  });
  if (!vex) return "unchanged";
  await deps.blobs.publish(vexKey(r), new TextEncoder().encode(vex));
  return "written";
}
