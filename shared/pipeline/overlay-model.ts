/**
 * The overlay's model (`cpansec-patched.json`) read back from its store, and the lookup findings
 * name the patched archives by (`patched`: the archive in force built with a patch). Small on
 * purpose: match-advisories reads it without the overlay's builders in its bundle.
 */
import type { BuiltLookup } from "../domain/patches/citations";
import { EMPTY_OVERLAY, MODEL_FILE, type OverlayModel, builtWith } from "../domain/overlay/model";
import type { ObjectStore } from "../ports";

export async function readOverlayModel(overlay: Pick<ObjectStore, "read">): Promise<OverlayModel> {
  const bytes = await overlay.read(MODEL_FILE);
  if (!bytes) return EMPTY_OVERLAY;
  const m = JSON.parse(new TextDecoder().decode(bytes)) as OverlayModel;
  if (m.v !== 1 || !Array.isArray(m.releases)) throw new Error(`${MODEL_FILE}: not an overlay model (v1)`);
  return m;
}

/** What findings name, read fresh from the overlay each time (the overlay step moves it, then queues the re-matches that read it). */
export const overlayLookup =
  (overlay: Pick<ObjectStore, "read">): (() => Promise<BuiltLookup>) =>
  async () =>
    builtWith(await readOverlayModel(overlay));
