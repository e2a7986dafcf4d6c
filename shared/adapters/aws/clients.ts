/**
 * SDK clients, built once per cold start and injected. `endpoint` is for emulators (moto in the
 * tests): only then are request checksums limited to what the service requires and S3 addressed
 * by path, as moto expects; production code paths never set it.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface AwsClients {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly secrets: SecretsManagerClient;
  readonly ses: SESv2Client;
}

export interface ClientOptions {
  readonly region?: string;
  /** An emulator's URL (tests); never set in production. */
  readonly endpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function awsClients(o: ClientOptions = {}): AwsClients {
  const base = {
    ...(o.region ? { region: o.region } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    maxAttempts: 5,
  };
  const emulator = o.endpoint ? { requestChecksumCalculation: "WHEN_REQUIRED" as const, responseChecksumValidation: "WHEN_REQUIRED" as const } : {};
  return {
    s3: new S3Client({ ...base, ...emulator, ...(o.endpoint ? { forcePathStyle: true } : {}) }),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(base), { marshallOptions: { removeUndefinedValues: true } }),
    sqs: new SQSClient(base),
    secrets: new SecretsManagerClient(base),
    ses: new SESv2Client(base),
  };
}
