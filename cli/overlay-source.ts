/**
 * `cpansec audit --overlay DIR|URL`: the patched CPAN overlay's model (`cpansec-patched.json`),
 * read under the fetch limits, and only the releases its signed CHECKSUMS confirm. The model is
 * not signed itself; each archive's sha256 is in its author directory's CHECKSUMS, clear-signed
 * with the deployment's key: `--overlay-key FILE` (from the deployment's announcement), else the
 * overlay's own `cpansec-overlay-key.asc` (which proves only that the overlay is self-consistent).
 */
import { readTrustedKeys, verifyChecksums } from "../shared/domain/cpan/checksums-signature";
import type { ChecksumEntry } from "../shared/domain/cpan/checksums";
import { FETCH_LIMITS } from "../shared/domain/fetch-limits";
import { confirmedReleases } from "../shared/domain/audit/overlay-archives";
import { KEY_FILE, MODEL_FILE } from "../shared/domain/overlay/index-files";
import type { OverlayModel } from "../shared/domain/overlay/model";
import { readSourceBytes } from "./feed-source";
import { readFileUnder } from "./read-file-under";

const AUTHOR_DIR = /^authors\/id\/[A-Z]\/[A-Z0-9]{2}\/[A-Z0-9-]+$/;
const SHA256 = /^[0-9a-f]{64}$/;
const KEY_LIMIT = 1024 * 1024;

const join = (base: string, rel: string) => `${base.replace(/\/+$/, "")}/${rel}`;
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function need(source: string, limit: number): Promise<Uint8Array> {
  const b = await readSourceBytes(source, limit);
  if (!b) throw new Error(`${source}: not found`);
  return b;
}

/** The model's shape, checked where the audit relies on it; a path outside an author directory is refused. */
export function parseOverlayModel(bytes: Uint8Array): OverlayModel {
  const m = JSON.parse(text(bytes)) as { v?: unknown; releases?: unknown };
  if (m?.v !== 1 || !Array.isArray(m.releases)) throw new Error(`${MODEL_FILE}: not an overlay model (v1)`);
  m.releases.forEach((r: Record<string, unknown>, i: number) => {
    const bad = (why: string) => new Error(`${MODEL_FILE}: release ${i}: ${why}`);
    if (typeof r?.path !== "string" || !AUTHOR_DIR.test(r.path.slice(0, r.path.lastIndexOf("/")))) throw bad("path is not an archive under authors/id/");
    if (typeof r.sha256 !== "string" || !SHA256.test(r.sha256)) throw bad("no sha256");
    if (typeof r.dist !== "string" || !r.dist || typeof r.version !== "string" || !r.version) throw bad("no dist or version");
    if (!Array.isArray(r.patches) || !r.patches.every((p: { cve?: unknown }) => typeof p?.cve === "string" && p.cve)) throw bad("patches without a CVE");
  });
  return m as OverlayModel;
}

export interface LoadedOverlay {
  readonly model: OverlayModel;
  /** Releases the model lists that the signed CHECKSUMS do not confirm (left out). */
  readonly unconfirmed: readonly string[];
}

export async function loadOverlay(root: string, keyFile?: string): Promise<LoadedOverlay> {
  const model = parseOverlayModel(await need(join(root, MODEL_FILE), FETCH_LIMITS.auditInput));
  const key = await readTrustedKeys(keyFile ? await readFileUnder(keyFile, KEY_LIMIT) : await need(join(root, KEY_FILE), KEY_LIMIT));
  const sums = new Map<string, ReadonlyMap<string, ChecksumEntry> | undefined>();
  for (const dir of new Set(model.releases.map((r) => r.path.slice(0, r.path.lastIndexOf("/"))))) {
    const bytes = await readSourceBytes(join(root, `${dir}/CHECKSUMS`), FETCH_LIMITS.checksums);
    sums.set(dir, bytes ? (await verifyChecksums(text(bytes), key)).entries : undefined);
  }
  return confirmedReleases(model, sums);
}
