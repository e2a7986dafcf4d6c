/**
 * A Carton snapshot or an installed tree names each distribution by its CPAN path. When that path
 * is one of the patched CPAN overlay's archives (by full path: the author directory is the
 * deployment's, and anyone can upload a file of the same name under their own id), the entry is a
 * patched release: it is matched at its original's distribution and version, and the CVEs its
 * patches resolve count as fixed, the same route an SBOM's pedigree takes (./pedigree.ts). A path
 * that only looks patched is audited under its parsed name at the version it says it was made from
 * (before `-PATCHED-`: the parsed version, 0.34-PATCHED-CVE-..., matches no range), nothing fixed,
 * with a note that it is not confirmed.
 */
import { patchedFor, type OverlayModel, type OverlayRelease } from "../overlay/model";
import type { ChecksumEntry } from "../cpan/checksums";
import type { Inventory } from "./inventory";
import { patchedName } from "../patches/layout";

const CVE = /^CVE-[0-9]{4}-[0-9]{4,9}$/;

const withAuthors = (p: string) => (p.startsWith("authors/id/") ? p : `authors/id/${p}`);
const dirOf = (p: string) => p.slice(0, p.lastIndexOf("/"));
const baseOf = (p: string) => p.slice(p.lastIndexOf("/") + 1);

/**
 * The model's releases the overlay's signed CHECKSUMS confirm: its directory's CHECKSUMS (verified
 * by the caller) lists the archive with the model's sha256, and the archive's file name is the one
 * the overlay builds from the model's distribution, version and patches (CVE and revision). The model
 * itself is not signed: only the signed file name pins what it says the archive is and fixes.
 * `checksums` is by directory (authors/id/C/CP/CPANSEC); the others are returned as `unconfirmed` paths.
 */
export function confirmedReleases(
  model: OverlayModel,
  checksums: ReadonlyMap<string, ReadonlyMap<string, ChecksumEntry> | undefined>,
): { model: OverlayModel; unconfirmed: string[] } {
  const named = (r: OverlayRelease) =>
    r.patches.length > 0 &&
    r.patches.every((p) => CVE.test(p.cve) && Number.isInteger(p.revision) && p.revision > 0) &&
    baseOf(r.path) === `${patchedName(r.dist, r.version, r.patches)}.tar.gz`;
  const ok = (r: OverlayRelease) => named(r) && checksums.get(dirOf(r.path))?.get(baseOf(r.path))?.sha256 === r.sha256;
  return { model: { v: 1, releases: model.releases.filter(ok) }, unconfirmed: model.releases.filter((r) => !ok(r)).map((r) => r.path) };
}

/** The inventory with each overlay archive a patched release of its original. */
export function withOverlay(inv: Inventory, model: OverlayModel | undefined, source?: string): Inventory {
  const notes = [...inv.notes];
  const distributions = inv.distributions.map((d) => {
    if (!d.pathname) return d;
    const release = model?.releases.find((r) => r.path === withAuthors(d.pathname as string));
    const resolves = model && release ? patchedFor(model, { path: release.path, sha256: release.sha256 }) : [];
    if (release && resolves.length) return { ...d, name: release.dist, pedigree: { resolves, base: release.version } };
    const claimed = /^(.+?)-PATCHED-/.exec(d.version ?? "")?.[1];
    if (!claimed) return d;
    notes.push(
      `${d.pathname} looks like a patched archive but could not be confirmed (${source ? `not in the overlay ${source}` : "no --overlay given"}): audited as ${d.name} ${claimed}, nothing counted as fixed`,
    );
    return { ...d, version: claimed };
  });
  return { ...inv, distributions, notes };
}
