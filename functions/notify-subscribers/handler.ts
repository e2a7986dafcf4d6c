/** Lambda: SQS notify → one deliver job per matching subscription (once per pair), and the Atom feed. */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { awsClients } from "../../shared/adapters/aws/clients";
import { sqsWorker } from "../../shared/runtime/lambda";
import { awsNotifyDeps } from "../../shared/runtime/aws-notify";
import { readAwsEnv } from "../../shared/adapters/aws/env";
import { QUEUE_WORKERS } from "../../shared/steps";
import { notifySubscribers } from "./notify-subscribers";

const env = readAwsEnv(process.env);
const clients = awsClients(process.env.AWS_ENDPOINT_URL ? { endpoint: process.env.AWS_ENDPOINT_URL } : {});
const ctx = { deps: awsNotifyDeps(env, clients), logger: new Logger({ serviceName: "notify" }), metrics: new Metrics({ namespace: "cpansec", serviceName: "notify" }) };

export const handler = sqsWorker<typeof QUEUE_WORKERS.notify.schema, typeof ctx>(Promise.resolve(ctx), QUEUE_WORKERS.notify.schema, async (c, job) => {
  const result = await notifySubscribers(c.deps, job);
  c.logger.info("notified", { eventId: job.eventId, result: result as unknown as Record<string, unknown> });
});
