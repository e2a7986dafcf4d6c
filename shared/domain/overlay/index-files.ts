/**
 * Every mutable file of the overlay, built from its model: per author directory a CHECKSUMS signed
 * with the deployment's key, modules/02packages.details.txt.gz, the RECENT files and
 * cpansec-patched.json (and the public key). The archives themselves are written once, elsewhere (./publish.ts).
 *
 * Which archive 02packages lists (docs/patches.md, "Which archive cpanm gets"): per original, the
 * last published (a new revision of a patch supersedes the archive built with the old one); per
 * package, the archive patched from the highest original version; and, when CPAN's own index is
 * given, only while it still resolves the package to the original that was patched, so a newer
 * upstream release is never hidden behind the overlay (cpanm takes the first mirror that lists a
 * package, whatever its version).
 */
import type { PrivateKey } from "openpgp";
import type { IndexedModule } from "../cpan/packages";
import { compareEpochs } from "../cpan/recent";
import { compareVersions, isValidVersion } from "../cpan/version";
import { byCodePoint } from "../order";
import { formatCksumDump } from "./checksums-write";
import { MODEL_FILE, type OverlayModel, type OverlayRelease } from "./model";
import { type PackageRow, format02packages } from "./packages-write";
import { type OverlayEvent, formatRecentFiles } from "./recent-write";
import { publicKeyOf, signChecksums } from "./sign";

export { MODEL_FILE } from "./model";
export const PACKAGES_FILE = "modules/02packages.details.txt.gz";
/** The public half of the key that signs the CHECKSUMS files (to be checked against what the deployment announces). */
export const KEY_FILE = "cpansec-overlay-key.asc";

export interface IndexOptions {
  readonly key: PrivateKey;
  readonly now: Date;
  /** The CHECKSUMS comment's writer, e.g. "cpansec-pipeline (v0.1.0)". */
  readonly writtenBy: string;
  /** The overlay's public URL, for 02packages' URL header. */
  readonly url: string;
  /** CPAN's 02packages, when known: packages it resolves elsewhere are left to CPAN. */
  readonly cpan?: ReadonlyMap<string, IndexedModule>;
}

const dirOf = (p: string) => p.slice(0, p.lastIndexOf("/"));
const byVersion = (a: OverlayRelease, b: OverlayRelease) =>
  isValidVersion(a.version) && isValidVersion(b.version) ? compareVersions(a.version, b.version) : byCodePoint(a.version, b.version);

/** The archives 02packages points at, per original the last published. */
export function inForce(model: OverlayModel): OverlayRelease[] {
  const last = new Map<string, OverlayRelease>();
  for (const r of model.releases) {
    const prev = last.get(r.original.path);
    if (!prev || compareEpochs(r.published, prev.published) > 0 || (r.published === prev.published && byCodePoint(r.path, prev.path) > 0))
      last.set(r.original.path, r);
  }
  return [...last.values()];
}

export function packageRows(model: OverlayModel, cpan?: ReadonlyMap<string, IndexedModule>): PackageRow[] {
  const best = new Map<string, { r: OverlayRelease; version: string | null }>();
  for (const r of inForce(model))
    for (const p of r.packages) {
      const upstream = cpan?.get(p.name);
      if (upstream && `authors/id/${upstream.path}` !== r.original.path) continue;
      const prev = best.get(p.name);
      if (!prev || byVersion(r, prev.r) > 0) best.set(p.name, { r, version: p.version });
    }
  return [...best].map(([name, { r, version }]) => ({ name, version, path: r.path.slice("authors/id/".length) }));
}

export async function overlayIndexFiles(model: OverlayModel, o: IndexOptions): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const dirs = new Map<string, Map<string, OverlayRelease["files"][string]>>();
  const events: OverlayEvent[] = [];
  for (const r of model.releases) {
    const dir = dirOf(r.path);
    const files = dirs.get(dir) ?? new Map();
    dirs.set(dir, files);
    for (const [name, fields] of Object.entries(r.files)) {
      files.set(name, fields);
      events.push({ epoch: r.published, path: `${dir}/${name}`, type: "new" });
    }
  }
  for (const [dir, files] of dirs) {
    const signed = await signChecksums(formatCksumDump(files, o.now, o.writtenBy), o.key, o.now);
    out.set(`${dir}/CHECKSUMS`, new TextEncoder().encode(signed));
    events.push({ epoch: lastEpoch(model, dir), path: `${dir}/CHECKSUMS`, type: "new" });
  }
  out.set(PACKAGES_FILE, format02packages(packageRows(model, o.cpan), `${o.url.replace(/\/$/, "")}/${PACKAGES_FILE.replace(/\.gz$/, "")}`, o.now));
  for (const [name, bytes] of formatRecentFiles(events, o.now, "cpansec-overlay-1")) out.set(name, bytes);
  out.set(KEY_FILE, new TextEncoder().encode(publicKeyOf(o.key)));
  out.set(MODEL_FILE, new TextEncoder().encode(`${JSON.stringify(model, null, 1)}\n`));
  return out;
}

/** A CHECKSUMS file changes when an archive is added to its directory: its event is the newest one's. */
function lastEpoch(model: OverlayModel, dir: string): string {
  return model.releases
    .filter((r) => dirOf(r.path) === dir)
    .map((r) => r.published)
    .reduce((a, b) => (compareEpochs(a, b) >= 0 ? a : b));
}
