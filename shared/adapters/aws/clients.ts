/**
 * SDK clients, built once per cold start and injected. `endpoint` is for emulators (moto in the
 * tests): only then are request checksums limited to what the service requires and S3 addressed
 * by path, as moto expects; production code paths never set it. Clients every function uses are
 * here; Secrets Manager and SES live with the only code that needs them (secrets.ts, ses-mailer.ts).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface AwsClients {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly options: ClientOptions;
}

export interface ClientOptions {
  readonly region?: string;
  /** An emulator's URL (tests); never set in production. */
  readonly endpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Configuration every client shares. */
export function clientConfig(o: ClientOptions) {
  return {
    ...(o.region ? { region: o.region } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    maxAttempts: 5,
  };
}

export function awsClients(o: ClientOptions = {}): AwsClients {
  const base = clientConfig(o);
  const emulator = o.endpoint
    ? { requestChecksumCalculation: "WHEN_REQUIRED" as const, responseChecksumValidation: "WHEN_REQUIRED" as const, forcePathStyle: true }
    : {};
  return {
    s3: new S3Client({ ...base, ...emulator }),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(base), { marshallOptions: { removeUndefinedValues: true } }),
    sqs: new SQSClient(base),
    options: o,
  };
}

/** The clients a process uses: `AWS_ENDPOINT_URL` (an emulator, in the tests) is the SDK's own variable. */
export const awsClientsFromEnv = (env: Record<string, string | undefined>): AwsClients =>
  awsClients(env.AWS_ENDPOINT_URL ? { endpoint: env.AWS_ENDPOINT_URL } : {});
