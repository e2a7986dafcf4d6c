/**
 * The AWS resources the pipeline runs on, described once: the CDK stack (infra/) creates them from
 * this, the handlers find them through the environment variables named here, and the moto tests
 * create the same tables and queues. Pure data: no SDK, no CDK.
 */

export interface TableSpec {
  /** Logical name; the stack lets CloudFormation name the table, tests use it as the table name. */
  readonly name: string;
  readonly env: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: ReadonlyArray<{ readonly name: string; readonly partitionKey: string; readonly sortKey?: string }>;
  /** The attribute DynamoDB expires items by, if any. */
  readonly ttl?: string;
}

/** docs/architecture.md, storage layout. Every key attribute is a string. */
export const TABLES = {
  releases: {
    name: "releases",
    env: "RELEASES_TABLE",
    partitionKey: "id",
    indexes: [
      { name: "by-distribution", partitionKey: "distribution", sortKey: "versionKey" },
      { name: "by-upload-day", partitionKey: "uploadDay", sortKey: "uploaded" },
      // Sparse: only releases with a `lag` record (waiting for a lagging mirror, or failed for it).
      { name: "lagging", partitionKey: "lagAuthor", sortKey: "id" },
    ],
  },
  findings: {
    name: "findings",
    env: "FINDINGS_TABLE",
    partitionKey: "releaseId",
    sortKey: "sk",
    indexes: [{ name: "by-advisory", partitionKey: "advisory", sortKey: "releaseId" }],
  },
  // pk a match-index key (`dist:<D>`, `module:<M>`), sk a release id: which releases a change can affect.
  matchIndex: { name: "match-index", env: "MATCH_INDEX_TABLE", partitionKey: "key", sortKey: "releaseId", indexes: [] },
  events: {
    name: "events",
    env: "EVENTS_TABLE",
    partitionKey: "id",
    // Sparse: only public events carry `feed` (one constant value); the Atom feed's newest entries.
    indexes: [{ name: "public-by-time", partitionKey: "feed", sortKey: "time" }],
  },
  subscriptions: { name: "subscriptions", env: "SUBSCRIPTIONS_TABLE", partitionKey: "id", indexes: [] },
  deliveries: { name: "deliveries", env: "DELIVERIES_TABLE", partitionKey: "id", indexes: [], ttl: "expiresAt" },
  logHead: { name: "log-head", env: "LOG_HEAD_TABLE", partitionKey: "id", indexes: [] },
  logIndex: { name: "log-index", env: "LOG_INDEX_TABLE", partitionKey: "id", indexes: [] },
  cursors: { name: "cursors", env: "CURSORS_TABLE", partitionKey: "name", indexes: [] },
} as const satisfies Record<string, TableSpec>;

export type TableKey = keyof typeof TABLES;

/** Functions run on a schedule (EventBridge), not from a queue. */
export const SCHEDULED = {
  watch: { name: "watch-uploads", entry: "functions/watch-uploads/handler.ts", rate: "1 minute", timeout: 50, memorySize: 512 },
  refresh: { name: "refresh-advisories", entry: "functions/refresh-advisories/handler.ts", rate: "1 hour", timeout: 300, memorySize: 1024 },
} as const;

/** Functions behind a Lambda function URL (public HTTPS, no AWS auth: the link carries its own token). */
export const HTTP_FUNCTIONS = {
  // Public: a cap on concurrent runs keeps a flood of requests from taking the account's
  // concurrency (and the other functions' with it); beyond it callers get 429 and can retry.
  unsubscribe: { name: "unsubscribe", entry: "functions/unsubscribe/handler.ts", timeout: 10, memorySize: 256, reservedConcurrency: 5 },
} as const;

/**
 * The keys of the log bucket anyone may GET: the C2SP layout, the verifier key, the feeds, the
 * published advisory index and the patched CPAN overlay (not `.staging/`).
 */
export const PUBLIC_LOG_PATHS = ["checkpoint", "vkey", "tile/*", "feeds/*", "advisories/*", "patched-cpan/*"] as const;

/** Other environment variables the handlers read (all validated at cold start). */
export const ENV = {
  artifactsBucket: "ARTIFACTS_BUCKET",
  logBucket: "LOG_BUCKET",
  mirrorUrl: "MIRROR_URL",
  feedUrl: "FEED_URL",
  /**
   * The CPANSec patch source (refresh-advisories): its site's HTTPS base URL, or
   * `s3://<artifacts bucket>/patch-source/` (patches synced there); unset: findings name no patches.
   */
  patchesUrl: "PATCHES_URL",
  logOrigin: "LOG_ORIGIN",
  /** Secrets Manager secret holding the log's Ed25519 private key (note format, see docs/aws.md). */
  logKeySecret: "LOG_KEY_SECRET_ARN",
  /** Secrets Manager secret holding the armored PGP public key(s) trusted to sign CHECKSUMS. */
  pauseKeySecret: "PAUSE_KEY_SECRET_ARN",
  /**
   * Secrets Manager secret holding the armored PGP public key(s) trusted to sign the advisory feed
   * (refresh-advisories), or the word `none`: the feed is then used unverified, and says so.
   */
  feedKeySecret: "FEED_KEY_SECRET_ARN",
  /**
   * Secrets Manager secret holding the armored OpenPGP private key that signs the patched CPAN
   * overlay's CHECKSUMS (put there by the operator, docs/patches.md), or the word `none`: no overlay.
   */
  overlayKeySecret: "OVERLAY_KEY_SECRET_ARN",
  sesIdentity: "SES_IDENTITY",
  sesConfigurationSet: "SES_CONFIGURATION_SET",
  /** Base URL results are linked from in notifications (the log bucket's public URL). */
  publicLogUrl: "PUBLIC_LOG_URL",
  /** Secrets Manager secret whose string keys the one-click unsubscribe links (deliver and unsubscribe). */
  unsubscribeKeySecret: "UNSUBSCRIBE_KEY_SECRET_ARN",
  /** The unsubscribe function's URL (set on deliver: email gets List-Unsubscribe only with it). */
  unsubscribeUrl: "UNSUBSCRIBE_URL",
} as const;

/**
 * How every function is bundled (NodejsFunction in infra/, and `npm run bench` measuring it):
 * CJS (the CycloneDX library wants __dirname), minified, for the Node.js 24 runtime.
 * - The AWS SDK v3 is left to the Lambda runtime, which provides it (NodejsFunction's own
 *   default): it keeps every bundle under 1 MB; the code needs no SDK newer than the runtime's.
 * - The CycloneDX library's optional XML and validation plug-ins stay out: it loads them lazily,
 *   inside try, and the pipeline uses neither.
 * - `import.meta.url` is defined for ESM-only code in a CJS bundle (openpgp's createRequire).
 */
export const BUNDLING = {
  externalModules: ["@aws-sdk/*", "libxmljs2", "xmlbuilder2", "ajv", "ajv-formats", "ajv-formats-draft2019"],
  define: { "import.meta.url": "__import_meta_url" },
  banner: 'const __import_meta_url = require("url").pathToFileURL(__filename).href;',
  target: "node24",
} as const;
