/**
 * The patched CPAN overlay's store on AWS: the public log bucket's `patched-cpan/` prefix
 * (public-read there). Apart from the signing key (./overlay.ts), so that match-advisories, which
 * reads the overlay's model, does not carry the key's code.
 */
import type { ObjectStore } from "../../ports";
import { prefixedStore } from "../prefixed-store";
import type { AwsClients } from "./clients";
import { type AwsEnv, publicLogBase } from "./env";
import { S3ObjectStore, contentTypeOf } from "./s3-object-store";

export const OVERLAY_PREFIX = "patched-cpan/";

/** The overlay's store and public URL: `patched-cpan/` of the log bucket. */
export function awsOverlayStore(env: AwsEnv, clients: Pick<AwsClients, "s3">): { store: ObjectStore; url: string } {
  // Archives, SBOMs and proofs never change; CHECKSUMS and the index files at most once per refresh.
  const cacheControl = (key: string) =>
    key.startsWith(`${OVERLAY_PREFIX}authors/`) && !key.endsWith("/CHECKSUMS") ? "public, max-age=31536000, immutable" : "public, max-age=300";
  const s3 = new S3ObjectStore(clients.s3, env.logBucket, { cacheControl, contentType: contentTypeOf });
  return { store: prefixedStore(s3, OVERLAY_PREFIX), url: `${publicLogBase(env)}/${OVERLAY_PREFIX}` };
}
