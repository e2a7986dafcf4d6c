/**
 * Plays Lambda's SQS event source against real (moto) queues: receive a batch, call the handler
 * with a real SQSEvent, delete what succeeded, leave the reported failures (and everything, if the
 * handler throws) to come back after the visibility timeout; the queue's redrive policy moves a
 * message that keeps failing to its DLQ. Handlers run in process, exactly as Lambda calls them.
 */
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface Source {
  readonly name: string;
  readonly url: string;
  readonly batchSize: number;
  readonly handler: SqsHandler;
}

export function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: "1024",
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: "test",
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function record(m: Message, url: string): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId as string,
    receiptHandle: m.ReceiptHandle as string,
    body: m.Body ?? "",
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? "1",
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? "test",
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId, MessageDeduplicationId: a.MessageDeduplicationId, SequenceNumber: a.SequenceNumber } : {}),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${url.split("/").pop()}`,
    awsRegion: "us-east-1",
  };
}

export interface PollStats {
  invocations: number;
  succeeded: number;
  failed: number;
  /** Per message body, what each receive came to ("ingest-release #2 failed"): for a failing test's message. */
  readonly trace: Map<string, string[]>;
}

/** The receives of the messages whose body names this release id, in order. */
export const traceOf = (stats: PollStats, id: string): string[] => [...stats.trace].filter(([body]) => body.includes(JSON.stringify(id))).flatMap(([, t]) => t);

/** One receive + invoke + delete round for a source; the number of messages received. */
export async function pollOnce(sqs: SQSClient, s: Source, stats: PollStats): Promise<number> {
  const out = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: s.url, MaxNumberOfMessages: Math.min(10, s.batchSize), MessageSystemAttributeNames: ["All"], WaitTimeSeconds: 0 }),
  );
  const messages = out.Messages ?? [];
  if (!messages.length) return 0;
  stats.invocations++;
  let failed = new Set(messages.map((m) => m.MessageId as string));
  try {
    const res = await s.handler({ Records: messages.map((m) => record(m, s.url)) }, lambdaContext(s.name));
    failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
  } catch {
    // a thrown handler: the whole batch comes back
  }
  for (const m of messages) {
    const t = stats.trace.get(m.Body ?? "") ?? [];
    t.push(`${s.name} #${m.Attributes?.ApproximateReceiveCount ?? "?"} ${failed.has(m.MessageId as string) ? "failed" : "ok"}`);
    stats.trace.set(m.Body ?? "", t);
  }
  const done = messages.filter((m) => !failed.has(m.MessageId as string));
  stats.succeeded += done.length;
  stats.failed += failed.size;
  if (done.length)
    await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: s.url, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })) }),
    );
  return messages.length;
}

async function depth(sqs: SQSClient, url: string): Promise<number> {
  const a =
    (
      await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
        }),
      )
    ).Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
}

/** Polls every source until all their queues are empty (failed messages wait out their visibility). */
export async function drain(sqs: SQSClient, sources: readonly Source[], timeoutMs = 120_000): Promise<PollStats> {
  const stats: PollStats = { invocations: 0, succeeded: 0, failed: 0, trace: new Map() };
  const deadline = Date.now() + timeoutMs;
  let emptySeen = false;
  for (;;) {
    let received = 0;
    for (const s of sources) received += await pollOnce(sqs, s, stats);
    if (received) {
      emptySeen = false;
      continue;
    }
    if (emptySeen) return stats;
    const left = (await Promise.all(sources.map((s) => depth(sqs, s.url)))).reduce((a, b) => a + b, 0);
    if (!left) {
      // The counts are read one after another: a message whose visibility ends between the
      // "visible" and the "not visible" count is in neither (moto computes them in that order;
      // the likely cause of one CI run that left a release pending after its second receive).
      // Visible by then, it comes back to the next round of receives, which must find nothing.
      emptySeen = true;
      continue;
    }
    if (Date.now() > deadline) throw new Error(`queues still hold ${left} messages after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
