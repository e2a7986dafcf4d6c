/**
 * The Lambda environment, validated at cold start: every variable the stack sets, each problem
 * named (ConfigError), and the log signer from its secret's text.
 */
import { createHash } from "node:crypto";
import * as z from "zod/mini";
import { type Signer, parsePrivateKey, signerFromSeed } from "../../domain/tlog/note";
import { ENV, TABLES, type TableKey } from "./resources";
import { QUEUE_WORKERS, type QueueKey } from "../../steps";

const name = z.string().check(z.minLength(1));
const url = z.url({ protocol: /^https?$/ });

const schema = z.object({
  tables: z.object(Object.fromEntries(Object.keys(TABLES).map((k) => [k, name])) as Record<TableKey, typeof name>),
  queues: z.object(Object.fromEntries(Object.keys(QUEUE_WORKERS).map((k) => [k, url])) as Record<QueueKey, typeof url>),
  artifactsBucket: name,
  logBucket: name,
  mirrorUrl: url,
  feedUrl: url,
  // CPANSec's site (https:), or the artifacts bucket's patch-source/ prefix (s3:, refresh-advisories checks which).
  patchesUrl: z.optional(z.url({ protocol: /^(https|s3)$/ })),
  logOrigin: z.string().check(z.regex(/^[^\s+]+$/, "a log origin is one word without '+' (e.g. example.org/cpansec)")),
  logKeySecret: name,
  pauseKeySecret: name,
  feedKeySecret: z.optional(z.string()),
  overlayKeySecret: z.optional(z.string()),
  sesIdentity: z.optional(z.string()),
  sesConfigurationSet: z.optional(z.string()),
  publicLogUrl: z.optional(z.string()),
  unsubscribeKeySecret: z.optional(z.string()),
  unsubscribeUrl: z.optional(z.url({ protocol: /^https?$/ })),
});

export type AwsEnv = z.infer<typeof schema>;

/** The public log bucket's base URL (no trailing slash): PUBLIC_LOG_URL, else the bucket's S3 URL. */
export const publicLogBase = (env: Pick<AwsEnv, "publicLogUrl" | "logBucket">) =>
  (env.publicLogUrl ?? `https://${env.logBucket}.s3.amazonaws.com`).replace(/\/+$/, "");

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Reads and checks every variable at once, so a misconfigured function says all that is wrong. */
export function readAwsEnv(env: Record<string, string | undefined>): AwsEnv {
  const pick = (k: string) => (env[k] === "" ? undefined : env[k]);
  const raw = {
    tables: Object.fromEntries(Object.entries(TABLES).map(([k, t]) => [k, pick(t.env)])),
    queues: Object.fromEntries(Object.entries(QUEUE_WORKERS).map(([k, q]) => [k, pick(q.env)])),
    ...Object.fromEntries(Object.entries(ENV).map(([k, v]) => [k, pick(v)])),
  };
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const variable = (path: PropertyKey[]) => {
    const [group, key] = path as string[];
    if (group === "tables") return TABLES[key as TableKey]?.env ?? key;
    if (group === "queues") return QUEUE_WORKERS[key as QueueKey]?.env ?? key;
    return ENV[group as keyof typeof ENV] ?? group;
  };
  const problems = parsed.error.issues.map((i) => `${variable(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid environment: ${problems.join("; ")}`);
}

/**
 * The log signer from its secret: a note private key (`PRIVATE+KEY+<origin>+...`, what
 * `cpansec log keygen`-style tools write) is used as is; any other string is seed material (the
 * stack's generated default): the Ed25519 seed is its SHA-256.
 */
export function signerFromSecret(secret: string, origin: string): Signer {
  const text = secret.trim();
  if (text.startsWith("PRIVATE+KEY+")) {
    const signer = parsePrivateKey(text);
    if (signer.name !== origin) throw new ConfigError(`the log key is for ${signer.name}, but the log origin is ${origin}`);
    return signer;
  }
  if (text.length < 32) throw new ConfigError("the log key secret is too short to be seed material (32+ characters)");
  return signerFromSeed(origin, createHash("sha256").update(text).digest());
}
