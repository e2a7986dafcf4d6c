/** Lambda (function URL): the one-click unsubscribe page for email subscriptions. */
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { DynamoUnsubscribeStore } from "../../shared/adapters/aws/dynamo-unsubscribe";
import { ConfigError } from "../../shared/adapters/aws/env";
import { unsubscribeKey } from "../../shared/adapters/aws/secrets";
import { runtimeBase } from "../../shared/runtime/lambda";
import { unsubscribe } from "./unsubscribe";

const { env, clients, logger } = runtimeBase("unsubscribe");
const subscriptions = new DynamoUnsubscribeStore(clients.dynamo, env.tables.subscriptions);
const key = unsubscribeKey(env, clients.options).then((k) => {
  if (!k) throw new ConfigError("UNSUBSCRIBE_KEY_SECRET_ARN is not set");
  return k;
});

export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  const q = event.queryStringParameters ?? {};
  const page = await unsubscribe(
    { subscriptions, clock: () => new Date(), key: await key },
    { method: event.requestContext.http.method, subscriptionId: q.s, token: q.t },
  );
  logger.info("unsubscribe", { method: event.requestContext.http.method, status: page.status, subscriptionId: page.status === 403 ? undefined : q.s });
  return {
    statusCode: page.status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; form-action 'self'",
    },
    body: page.html,
  };
}
