/**
 * The patched CPAN overlay on AWS (docs/patches.md, "On AWS"): the public log bucket's
 * `patched-cpan/` prefix, and the OpenPGP key that signs its CHECKSUMS from the overlay key secret.
 * The secret holds an armored, unprotected private key the operator put there, or exactly `none`
 * (the stack's default): then there is no overlay. Anything else is a configuration error, so a
 * mangled key never passes for "no overlay". A module of its own: only the overlay's publisher
 * reads the secret, and the other bundles do not carry it.
 */
import type { PrivateKey } from "openpgp";
import { readOverlayKey } from "../../domain/overlay/sign";
import type { ObjectStore } from "../../ports";
import { prefixedStore } from "../prefixed-store";
import type { AwsClients, ClientOptions } from "./clients";
import { type AwsEnv, ConfigError, publicLogBase } from "./env";
import { S3ObjectStore, contentTypeOf } from "./s3-object-store";
import { readSecret } from "./secrets";

export const OVERLAY_PREFIX = "patched-cpan/";
export const NO_OVERLAY_KEY = "none";

/** The overlay's signing key; undefined when the secret says `none` (or no secret is configured). */
export async function overlayKeyFromSecret(env: AwsEnv, o: ClientOptions): Promise<PrivateKey | undefined> {
  if (!env.overlayKeySecret) return undefined;
  const text = (await readSecret(o, env.overlayKeySecret)).trim();
  if (text === NO_OVERLAY_KEY) return undefined;
  if (!text.includes("-----BEGIN PGP PRIVATE KEY BLOCK-----"))
    throw new ConfigError(`secret ${env.overlayKeySecret} holds neither an armored PGP private key nor \`${NO_OVERLAY_KEY}\``);
  try {
    return await readOverlayKey(text);
  } catch (e) {
    throw new ConfigError(`secret ${env.overlayKeySecret}: not a usable overlay signing key: ${(e as Error).message}`);
  }
}

/** The overlay's store and public URL: `patched-cpan/` of the log bucket (public-read there). */
export function awsOverlayStore(env: AwsEnv, clients: Pick<AwsClients, "s3">): { store: ObjectStore; url: string } {
  // Archives, SBOMs and proofs never change; CHECKSUMS and the index files at most once per refresh.
  const cacheControl = (key: string) =>
    key.startsWith(`${OVERLAY_PREFIX}authors/`) && !key.endsWith("/CHECKSUMS") ? "public, max-age=31536000, immutable" : "public, max-age=300";
  const s3 = new S3ObjectStore(clients.s3, env.logBucket, { cacheControl, contentType: contentTypeOf });
  return { store: prefixedStore(s3, OVERLAY_PREFIX), url: `${publicLogBase(env)}/${OVERLAY_PREFIX}` };
}
