/**
 * The AWS composition root: validated configuration → StepDeps over S3, DynamoDB and SQS, and
 * (append-log only) LogDeps.
 * Each handler builds this once per cold start (shared/runtime/lambda.ts). Secrets are fetched
 * only by the functions that need them (the log key by append-log, the PAUSE key by
 * ingest-release), which is also all their IAM policies allow.
 */
import type { PublicKey } from "openpgp";
import type { AwsClients } from "../adapters/aws/clients";
import { DynamoLogHead, DynamoLogIndex } from "../adapters/aws/dynamo-log";
import { DynamoCursorStore, DynamoEventStore, DynamoFindingStore, DynamoMatchIndex, DynamoReleaseStore } from "../adapters/aws/dynamo-tables";
import { type AwsEnv, publicLogBase } from "../adapters/aws/env";
import { prefixedStore } from "../adapters/prefixed-store";
import { S3ObjectStore, logCacheControl } from "../adapters/aws/s3-object-store";
import { HttpMirror } from "../adapters/http/mirror";
import type { PackagesIndex } from "../domain/cpan/packages";
import { PACKAGES_KEY, PUBLIC_ADVISORIES_PREFIX } from "../domain/pipeline/keys";
import { CSAF_PUBLISHER } from "../domain/publish/publication";
import { LAG_DEADLINE_MS } from "../domain/pipeline/lag";
import type { Signer } from "../domain/tlog/note";
import { currentFeed, matchInputsLoader, parsePackagesGz } from "../pipeline/match-inputs";
import type { LogDeps, StepDeps } from "../ports/deps";
import { awsQueues } from "./aws-queues";

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

/** Every pipeline function's deps but the log's: only append-log holds the signing key (awsLogDeps). */
export function awsPipelineDeps(env: AwsEnv, clients: AwsClients, o: AwsPipelineOptions): StepDeps {
  const { artifacts } = awsBlobs(env, clients);
  const t = env.tables;
  return {
    mirror: new HttpMirror(env.mirrorUrl),
    blobs: artifacts,
    releases: new DynamoReleaseStore(clients.dynamo, t.releases),
    cursors: new DynamoCursorStore(clients.dynamo, t.cursors),
    findings: new DynamoFindingStore(clients.dynamo, t.findings),
    events: new DynamoEventStore(clients.dynamo, t.events),
    matchIndex: new DynamoMatchIndex(clients.dynamo, t.matchIndex),
    queues: awsQueues(env, clients),
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
    publication: {
      store: prefixedStore(awsBlobs(env, clients).log, PUBLIC_ADVISORIES_PREFIX),
      options: { publisher: CSAF_PUBLISHER, baseUrl: `${publicLogBase(env)}/${PUBLIC_ADVISORIES_PREFIX}`, generator: o.tool },
    },
  };
}

/** append-log's LogDeps: the log bucket's tiles, the head and index tables, and the signer from the log key secret. */
export function awsLogDeps(env: AwsEnv, clients: AwsClients, signer: Signer): LogDeps {
  return {
    tiles: awsBlobs(env, clients).log,
    head: new DynamoLogHead(clients.dynamo, env.tables.logHead),
    index: new DynamoLogIndex(clients.dynamo, env.tables.logIndex),
    signer,
    origin: env.logOrigin,
  };
}
