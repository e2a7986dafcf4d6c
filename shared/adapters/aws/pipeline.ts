/**
 * The AWS composition root: environment → validated configuration → PipelineDeps over S3,
 * DynamoDB and SQS. Each handler builds this once per cold start. Secrets are fetched only by the
 * functions that need them (the log key by append-log, the PAUSE key by ingest-release), which
 * is also all their IAM policies allow.
 */
import { createHash } from "node:crypto";
import type { PublicKey } from "openpgp";
import * as z from "zod/mini";
import type { LogDeps } from "../../ports/deps";
import { currentFeed } from "../../../functions/refresh-advisories/refresh-advisories";
import type { PackagesIndex } from "../../domain/cpan/packages";
import { PACKAGES_KEY } from "../../domain/pipeline/keys";
import { LAG_DEADLINE_MS } from "../../domain/pipeline/lag";
import { type Signer, parsePrivateKey, signerFromSeed } from "../../domain/tlog/note";
import type { PipelineDeps } from "../../ports/deps";
import { matchInputsLoader, parsePackagesGz } from "../../pipeline/match-inputs";
import { HttpMirror } from "../http/mirror";
import type { AwsClients } from "./clients";
import { DynamoLogHead, DynamoLogIndex } from "./dynamo-log";
import { DynamoCursorStore, DynamoEventStore, DynamoFindingStore, DynamoMatchIndex, DynamoReleaseStore } from "./dynamo-tables";
import { ENV, QUEUE_WORKERS, type QueueKey, TABLES, type TableKey } from "./resources";
import { S3ObjectStore, logCacheControl } from "./s3-object-store";
import { SqsJobQueue } from "./sqs-queue";

const name = z.string().check(z.minLength(1));
const url = z.url({ protocol: /^https?$/ });

const schema = z.object({
  tables: z.object(Object.fromEntries(Object.keys(TABLES).map((k) => [k, name])) as Record<TableKey, typeof name>),
  queues: z.object(Object.fromEntries(Object.keys(QUEUE_WORKERS).map((k) => [k, url])) as Record<QueueKey, typeof url>),
  artifactsBucket: name,
  logBucket: name,
  mirrorUrl: url,
  feedUrl: url,
  logOrigin: z.string().check(z.regex(/^[^\s+]+$/, "a log origin is one word without '+' (e.g. example.org/cpansec)")),
  logKeySecret: name,
  pauseKeySecret: name,
  feedKeySecret: z.optional(z.string()),
  sesIdentity: z.optional(z.string()),
  sesConfigurationSet: z.optional(z.string()),
  publicLogUrl: z.optional(z.string()),
  unsubscribeKeySecret: z.optional(z.string()),
  unsubscribeUrl: z.optional(z.url({ protocol: /^https?$/ })),
});

export type AwsEnv = z.infer<typeof schema>;

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

/** A value reloaded at most every `ttlMs` (the feed moves hourly; a warm function must follow). */
function cached<T>(ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  let value: { at: number; v: Promise<T> } | undefined;
  return () => {
    if (!value || Date.now() - value.at > ttlMs) {
      const v = load();
      value = { at: Date.now(), v };
      v.catch(() => (value = undefined));
    }
    return value.v;
  };
}

export interface AwsPipelineOptions {
  readonly tool: { name: string; version: string };
  /** append-log: the log signer (from the log key secret). */
  readonly signer?: Signer;
  /** ingest-release: keys trusted to sign CHECKSUMS (from the PAUSE key secret). */
  readonly trustedKeys?: readonly PublicKey[];
  readonly clock?: () => Date;
  /** How long a warm function keeps the feed it loaded (default 5 minutes). */
  readonly feedTtlMs?: number;
}

export function awsBlobs(env: AwsEnv, clients: AwsClients) {
  return {
    artifacts: new S3ObjectStore(clients.s3, env.artifactsBucket),
    log: new S3ObjectStore(clients.s3, env.logBucket, { cacheControl: logCacheControl }),
  };
}

export function awsPipelineDeps(env: AwsEnv, clients: AwsClients, o: AwsPipelineOptions): PipelineDeps {
  const { artifacts, log } = awsBlobs(env, clients);
  const t = env.tables;
  const q = <T>(k: QueueKey) => new SqsJobQueue<T>(clients.sqs, env.queues[k]);
  const logDeps: LogDeps | undefined = o.signer
    ? { tiles: log, head: new DynamoLogHead(clients.dynamo, t.logHead), index: new DynamoLogIndex(clients.dynamo, t.logIndex), signer: o.signer, origin: env.logOrigin }
    : undefined;
  return {
    mirror: new HttpMirror(env.mirrorUrl),
    blobs: artifacts,
    releases: new DynamoReleaseStore(clients.dynamo, t.releases),
    cursors: new DynamoCursorStore(clients.dynamo, t.cursors),
    findings: new DynamoFindingStore(clients.dynamo, t.findings),
    events: new DynamoEventStore(clients.dynamo, t.events),
    matchIndex: new DynamoMatchIndex(clients.dynamo, t.matchIndex),
    queues: { ingest: q("ingest"), sbom: q("sbom"), advisories: q("advisories"), log: q("log"), notify: q("notify") },
    get log(): LogDeps {
      if (!logDeps) throw new ConfigError("only append-log holds the log signing key");
      return logDeps;
    },
    trustedKeys: o.trustedKeys ?? [],
    feed: cached(o.feedTtlMs ?? 5 * 60_000, () => currentFeed(artifacts)),
    packages: cached(60 * 60_000, async (): Promise<PackagesIndex | undefined> => {
      const gz = await artifacts.read(PACKAGES_KEY);
      return gz ? parsePackagesGz(gz) : undefined;
    }),
    matchInputs: matchInputsLoader(artifacts),
    clock: o.clock ?? (() => new Date()),
    tool: o.tool,
    checksumRetries: 3,
    lagDeadlineMs: LAG_DEADLINE_MS,
  };
}
