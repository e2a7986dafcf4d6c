/**
 * The patched CPAN overlay on embedded storage: `<data>/patched-cpan/` (serve it as a CPAN mirror)
 * and its CHECKSUMS signing key `<data>/overlay.key`, created on first use (mode 0600), as log.key
 * is. Shared by `cpansec patch publish` and each `cpansec run` pass with a patch source. The
 * overlay step is loaded only then: it brings the patch applier and the SBOM builders.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { OverlayOutcome } from "../../functions/publish-patches/overlay-step";
import { FsObjectStore } from "../../shared/adapters/embedded/fs-object-store";
import { DEFAULT_OVERLAY_AUTHOR } from "../../shared/domain/overlay/model";
import { generateOverlayKey, readOverlayKey } from "../../shared/domain/overlay/sign";
import type { BuiltLookup } from "../../shared/domain/patches/citations";
import type { PipelineDeps } from "../../shared/ports/deps";

/** The overlay's author directory when none is chosen (authors/id/C/CP/CPANSEC/). */
export const OVERLAY_AUTHOR = DEFAULT_OVERLAY_AUTHOR;

export const overlayDir = (data: string) => join(data, "patched-cpan");

export async function overlayKey(data: string, now: Date) {
  const file = join(data, "overlay.key");
  if (!existsSync(file))
    writeFileSync(file, await generateOverlayKey("cpansec patched CPAN overlay", "overlay@cpansec.localhost", now), { flag: "wx", mode: 0o600 });
  return readOverlayKey(readFileSync(file, "utf8"));
}

/**
 * The overlay step for `cpansec run`, and the lookup findings name the patched archives by
 * (read from the overlay's model on first use, then what the step last built: one runner per data directory).
 */
export function embeddedOverlay(
  data: string,
  deps: PipelineDeps,
): { step: () => Promise<OverlayOutcome | undefined>; patched: () => Promise<BuiltLookup | undefined> } {
  const overlay = new FsObjectStore(overlayDir(data));
  let lookup: BuiltLookup | undefined;
  const step = async () => {
    const [{ refreshOverlay }, { appendingLog }] = await Promise.all([
      import("../../functions/publish-patches/overlay-step"),
      import("../../functions/publish-patches/overlay-log"),
    ]);
    const out = await refreshOverlay(deps, {
      overlay,
      log: appendingLog(deps.log),
      key: await overlayKey(data, deps.clock()),
      author: OVERLAY_AUTHOR,
      url: pathToFileURL(resolve(overlayDir(data))).href,
      clock: deps.clock,
      tool: deps.tool,
    });
    if (out) lookup = out.lookup;
    return out;
  };
  const patched = async () => {
    if (!lookup) {
      const [{ readOverlayModel }, { builtWith }] = await Promise.all([
        import("../../functions/publish-patches/publish-patches"),
        import("../../shared/domain/overlay/model"),
      ]);
      lookup = builtWith(await readOverlayModel(overlay));
    }
    return lookup;
  };
  return { step, patched };
}
