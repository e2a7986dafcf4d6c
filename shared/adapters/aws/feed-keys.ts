/**
 * The PGP keys trusted to sign the advisory feed, from their secret (refresh-advisories only). The
 * secret holds armored public key(s), or exactly `none` (the stack's default while the feed's
 * signing key is not configured): then the feed is used unverified and every advisories.json says
 * so. Anything else is a configuration error, so a mangled key never passes for "no key".
 */
import type { PublicKey } from "openpgp";
import { readTrustedKeys } from "../../domain/cpan/checksums-signature";
import type { ClientOptions } from "./clients";
import { type AwsEnv, ConfigError } from "./env";
import { readSecret } from "./secrets";

export const NO_FEED_KEY = "none";

export async function feedKeys(env: AwsEnv, o: ClientOptions): Promise<PublicKey[]> {
  if (!env.feedKeySecret) throw new ConfigError("FEED_KEY_SECRET_ARN: refresh-advisories needs the feed key secret (its value may be `none`)");
  const text = (await readSecret(o, env.feedKeySecret)).trim();
  if (text === NO_FEED_KEY) return [];
  if (!text.includes("-----BEGIN PGP PUBLIC KEY BLOCK-----"))
    throw new ConfigError(`secret ${env.feedKeySecret} holds neither an armored PGP public key nor \`${NO_FEED_KEY}\``);
  let keys: PublicKey[];
  try {
    keys = await readTrustedKeys(new TextEncoder().encode(text));
  } catch (e) {
    throw new ConfigError(`secret ${env.feedKeySecret}: not a readable PGP public key: ${(e as Error).message}`);
  }
  if (!keys.length) throw new ConfigError(`secret ${env.feedKeySecret} holds no PGP public key`);
  return keys;
}
