/**
 * Secrets Manager reads, for the two functions that hold secrets: append-log (the log signing key)
 * and ingest-release (the PGP keys trusted to sign CHECKSUMS, pause-keys.ts). A module of its own,
 * so the other functions' bundles do not carry the client.
 */
import { createHash } from "node:crypto";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Signer } from "../../domain/tlog/note";
import { type ClientOptions, clientConfig } from "./clients";
import { type AwsEnv, ConfigError, signerFromSecret } from "./env";

export async function readSecret(o: ClientOptions, id: string): Promise<string> {
  const out = await new SecretsManagerClient(clientConfig(o)).send(new GetSecretValueCommand({ SecretId: id }));
  if (!out.SecretString) throw new ConfigError(`secret ${id} has no string value`);
  return out.SecretString;
}

export async function logSigner(env: AwsEnv, o: ClientOptions): Promise<Signer> {
  return signerFromSecret(await readSecret(o, env.logKeySecret), env.logOrigin);
}

/** The unsubscribe links' HMAC key: SHA-256 of the secret's string. */
export async function unsubscribeKey(env: AwsEnv, o: ClientOptions): Promise<Uint8Array | undefined> {
  if (!env.unsubscribeKeySecret) return undefined;
  return createHash("sha256")
    .update(await readSecret(o, env.unsubscribeKeySecret))
    .digest();
}
