/**
 * What matching runs on: the feed the pointer names and the 02packages index, each with the
 * sha256 that identifies it, loaded from the artifacts store and kept while the pointers still
 * name them. Every backend reads the same objects, so a warm function never matches with a feed
 * the pointer has moved away from (the pointers are two small reads; the feed and the index are
 * parsed only when they change).
 */
import { createHash } from "node:crypto";
import { type Feed, type FeedVersion, parseFeed } from "../domain/advisories/feed";
import { type PackagesIndex, parsePackagesIndex } from "../domain/cpan/packages";
import { gunzipPackages } from "../domain/cpan/packages-text";
import { FEED_POINTER_KEY, PACKAGES_KEY, PACKAGES_POINTER_KEY, feedSnapshotKey } from "../domain/pipeline/keys";
import type { MatchIdentity } from "../domain/pipeline/record";
import type { BlobStore } from "../ports";
import type { FeedTrust, MatchInputs } from "../ports/deps";
import type { PatchSnapshot } from "../domain/patches/snapshot";
import { loadPatchSnapshot, readPatchPointer } from "./patch-inputs";

/** advisories/current.json. */
export interface FeedPointer extends FeedVersion {
  readonly takenAt: string;
  /** Absent in pointers written before signatures were checked: unverified. */
  readonly verified?: FeedTrust;
}

/** What advisories.json says about the feed it used. */
export type FeedRecord = FeedVersion & { readonly verified: FeedTrust };

const decode = <T>(b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as T;
export const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export function parsePackagesGz(gz: Uint8Array): PackagesIndex {
  return parsePackagesIndex(gunzipPackages(gz));
}

export async function readFeedPointer(blobs: BlobStore): Promise<FeedPointer | undefined> {
  const bytes = await blobs.read(FEED_POINTER_KEY);
  return bytes ? decode<FeedPointer>(bytes) : undefined;
}

/** The identity the pointers name now (null: no feed yet, no index yet; no `patches`: no patch registry). */
export async function currentIdentity(blobs: BlobStore): Promise<MatchIdentity> {
  const [f, p, patches] = await Promise.all([readFeedPointer(blobs), blobs.read(PACKAGES_POINTER_KEY), readPatchPointer(blobs)]);
  return {
    feed: f?.sha256 ?? null,
    feedKey: f?.verified ? f.verified.key : null,
    packages: p ? (decode<{ sha256?: string }>(p).sha256 ?? null) : null,
    ...(patches ? { patches: patches.sha256 } : {}),
  };
}

export async function loadFeedSnapshot(blobs: BlobStore, sha: string): Promise<Feed> {
  const bytes = await blobs.read(feedSnapshotKey(sha));
  if (!bytes) throw new Error(`${FEED_POINTER_KEY} names ${feedSnapshotKey(sha)}, which is missing`);
  return parseFeed(bytes);
}

/** A loader that re-reads the pointers on each call and re-parses only what they moved. */
export function matchInputsLoader(blobs: BlobStore): () => Promise<MatchInputs> {
  let feed: Feed | undefined;
  let packages: { sha: string; index: PackagesIndex } | undefined;
  let patches: { sha: string; snapshot: PatchSnapshot } | undefined;
  return async () => {
    const named = await currentIdentity(blobs);
    if (!named.feed) feed = undefined;
    else if (feed?.version.sha256 !== named.feed) feed = await loadFeedSnapshot(blobs, named.feed);
    if (named.packages ? packages?.sha !== named.packages : !packages) {
      const gz = await blobs.read(PACKAGES_KEY);
      packages = gz ? { sha: sha256(gz), index: parsePackagesGz(gz) } : undefined;
    }
    if (!named.patches) patches = undefined;
    else if (patches?.sha !== named.patches) patches = { sha: named.patches, snapshot: await loadPatchSnapshot(blobs, named.patches) };
    return {
      ...(feed ? { feed } : {}),
      trust: feed && named.feedKey ? { key: named.feedKey } : false,
      ...(packages ? { packages: packages.index } : {}),
      ...(patches ? { patches: patches.snapshot } : {}),
      identity: {
        feed: feed?.version.sha256 ?? null,
        feedKey: feed ? named.feedKey : null,
        packages: packages?.sha ?? null,
        ...(patches ? { patches: patches.sha } : {}),
      },
    };
  };
}

/**
 * Publishes a 02packages index: the bytes, then the pointer naming them (unchanged bytes: nothing).
 * An index that does not parse throws before anything is written: the previous one stays.
 */
export async function publishPackages(blobs: BlobStore, gz: Uint8Array): Promise<string> {
  const sha = sha256(gz);
  if ((await currentIdentity(blobs)).packages === sha) return sha;
  parsePackagesGz(gz);
  await blobs.publish(PACKAGES_KEY, gz);
  await blobs.publish(PACKAGES_POINTER_KEY, new TextEncoder().encode(`${JSON.stringify({ sha256: sha })}\n`));
  return sha;
}

/** The feed currently in use, or undefined before the first refresh. */
export async function currentFeed(blobs: BlobStore): Promise<Feed | undefined> {
  const ptr = await readFeedPointer(blobs);
  return ptr ? loadFeedSnapshot(blobs, ptr.sha256) : undefined;
}
