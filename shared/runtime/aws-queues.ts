/** Every step table row's queue on SQS, by key: the producers' side of the table (PipelineDeps.queues). */
import type { AwsClients } from "../adapters/aws/clients";
import type { AwsEnv } from "../adapters/aws/env";
import { SqsJobQueue } from "../adapters/aws/sqs-queue";
import type { Queues } from "../ports/deps";
import { QUEUE_WORKERS, type QueueKey } from "../steps";

export const awsQueues = (env: Pick<AwsEnv, "queues">, clients: Pick<AwsClients, "sqs">): Queues =>
  Object.fromEntries((Object.keys(QUEUE_WORKERS) as QueueKey[]).map((k) => [k, new SqsJobQueue(clients.sqs, env.queues[k])])) as unknown as Queues;
