/**
 * The patched CPAN overlay on AWS (docs/patches.md, "On AWS"): the public log bucket's
 * `patched-cpan/` prefix (./overlay-store.ts), and the OpenPGP key that signs its CHECKSUMS from
 * the overlay key secret.
 * The secret holds an armored, unprotected private key the operator put there, or exactly `none`
 * (the stack's default): then there is no overlay. Anything else is a configuration error, so a
 * mangled key never passes for "no overlay". A module of its own: only the overlay's publisher
 * reads the secret, and the other bundles do not carry it.
 */
import type { PrivateKey } from "openpgp";
import { readOverlayKey } from "../../domain/overlay/sign";
import { DEFAULT_OVERLAY_AUTHOR } from "../../domain/overlay/model";
import type { OverlayTarget } from "../../ports/deps";
import type { AwsClients, ClientOptions } from "./clients";
import { DynamoLogIndex } from "./dynamo-log";
import { type AwsEnv, ConfigError } from "./env";
import { awsOverlayStore } from "./overlay-store";
import { S3ObjectStore } from "./s3-object-store";
import { readSecret } from "./secrets";

export { OVERLAY_PREFIX, awsOverlayStore } from "./overlay-store";
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

/**
 * publish-overlay's target: the overlay's store, the key from its secret (read for each job, so a
 * key the operator puts there is used from the next refresh on), and the log read only (its index
 * table and the public files of the log bucket).
 */
export function awsOverlayTarget(env: AwsEnv, clients: AwsClients): OverlayTarget {
  const { store, url } = awsOverlayStore(env, clients);
  return {
    store,
    url,
    author: DEFAULT_OVERLAY_AUTHOR,
    key: () => overlayKeyFromSecret(env, clients.options),
    log: { index: new DynamoLogIndex(clients.dynamo, env.tables.logIndex), files: new S3ObjectStore(clients.s3, env.logBucket) },
  };
}
