/**
 * The three buckets (docs/architecture.md, storage layout): artifacts (private), log (the public C2SP tiled log) and the
 * access-log bucket both write their S3 server access logs to.
 *
 * The log bucket is public for reading the log's own paths only. Caching is per object: the writer
 * (shared/adapters/aws/s3-object-store.ts, logCacheControl) sets Cache-Control on every PUT, a few
 * seconds for `checkpoint`, a year (immutable) for full tiles; no CDN sits in front.
 */
import { Duration, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { PUBLIC_LOG_PATHS } from "../../shared/adapters/aws/resources";

export { PUBLIC_LOG_PATHS } from "../../shared/adapters/aws/resources";

const common = {
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  versioned: true,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
} satisfies s3.BucketProps;

export class PipelineBuckets extends Construct {
  readonly accessLogs: s3.Bucket;
  readonly artifacts: s3.Bucket;
  readonly log: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.accessLogs = new s3.Bucket(this, "AccessLogs", {
      ...common,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      lifecycleRules: [
        { expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: "AwsSolutions-S1",
      reason: "This is the server access log target of the other buckets; logging it to itself would log its own log deliveries.",
    });

    this.artifacts = new s3.Bucket(this, "Artifacts", {
      ...common,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: "artifacts/",
      // Artifacts are written once; old versions exist only after an overwrite of a pointer or a retry.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });

    this.log = new s3.Bucket(this, "Log", {
      ...common,
      // Public read comes from the bucket policy below (never ACLs), so only policies are let through.
      blockPublicAccess: new s3.BlockPublicAccess({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: false }),
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: "log/",
      cors: [{ allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD], allowedOrigins: ["*"], allowedHeaders: ["*"], maxAge: 3600 }],
      // Every append replaces `checkpoint`; its old versions are not part of the log (tiles are).
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
    Validations.of(this.log).acknowledge({
      id: "AwsSolutions-S2",
      reason:
        "The transparency log must be publicly readable (anyone verifies it): public ACLs stay blocked, the bucket policy grants s3:GetObject on the log's published paths only.",
    });
    // Only the log's published paths: `.staging/` (the sequencer's private batches) stays private.
    this.log.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "PublicReadOfTheLog",
        principals: [new iam.AnyPrincipal()],
        actions: ["s3:GetObject"],
        resources: PUBLIC_LOG_PATHS.map((p) => this.log.arnForObjects(p)),
      }),
    );
  }

  /** The log's public base URL (virtual-hosted style, regional endpoint), without a trailing slash. */
  get logUrl(): string {
    return `https://${this.log.bucketRegionalDomainName}`;
  }
}
