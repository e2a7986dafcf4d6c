/** Lambda (function URL): the one-click unsubscribe page for email subscriptions. */
import { Logger } from "@aws-lambda-powertools/logger";
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { awsClients } from "../../shared/adapters/aws/clients";
import { DynamoUnsubscribeStore } from "../../shared/adapters/aws/dynamo-unsubscribe";
import { ConfigError, readAwsEnv } from "../../shared/adapters/aws/env";
import { unsubscribeKey } from "../../shared/adapters/aws/secrets";
import { unsubscribe } from "./unsubscribe";

const env = readAwsEnv(process.env);
const clients = awsClients(process.env.AWS_ENDPOINT_URL ? { endpoint: process.env.AWS_ENDPOINT_URL } : {});
const logger = new Logger({ serviceName: "unsubscribe" });
const subscriptions = new DynamoUnsubscribeStore(clients.dynamo, env.tables.subscriptions);
const key = unsubscribeKey(env, clients.options).then((k) => {
  if (!k) throw new ConfigError("UNSUBSCRIBE_KEY_SECRET_ARN is not set");
  return k;
});

export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  const q = event.queryStringParameters ?? {};
  const page = await unsubscribe({ subscriptions, clock: () => new Date(), key: await key }, { method: event.requestContext.http.method, subscriptionId: q.s, token: q.t });
  logger.info("unsubscribe", { method: event.requestContext.http.method, status: page.status, subscriptionId: page.status === 403 ? undefined : q.s });
  return { statusCode: page.status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; form-action 'self'" }, body: page.html };
}
