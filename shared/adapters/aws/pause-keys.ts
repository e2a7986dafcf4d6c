/** The PGP keys trusted to sign CHECKSUMS, from their secret (ingest-release only: it brings OpenPGP). */
import type { PublicKey } from "openpgp";
import { readTrustedKeys } from "../../domain/cpan/checksums-signature";
import type { ClientOptions } from "./clients";
import { type AwsEnv, ConfigError } from "./env";
import { readSecret } from "./secrets";

export async function pauseKeys(env: AwsEnv, o: ClientOptions): Promise<PublicKey[]> {
  const keys = await readTrustedKeys(new TextEncoder().encode(await readSecret(o, env.pauseKeySecret)));
  if (!keys.length) throw new ConfigError(`secret ${env.pauseKeySecret} holds no PGP public key`);
  return keys;
}
