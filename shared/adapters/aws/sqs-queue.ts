/**
 * A JobQueue on SQS: SendMessageBatch in tens, resending the entries a batch reports as failed
 * (partial failure) with backoff, and throwing if any still fails, so the caller's step is
 * retried rather than a job silently dropped. FIFO queues get the single message group and a
 * deduplication id derived from the body (a resend within five minutes is dropped by SQS).
 */
import { createHash } from "node:crypto";
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from "@aws-sdk/client-sqs";
import type { JobQueue } from "../../ports";
import { FIFO_GROUP } from "../../steps";

export class SqsQueueError extends Error {
  override readonly name = "SqsQueueError";
}

export class SqsJobQueue<T> implements JobQueue<T> {
  private readonly fifo: boolean;
  constructor(
    private readonly sqs: SQSClient,
    readonly url: string,
    private readonly sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.fifo = url.endsWith(".fifo");
  }

  private entry(body: T, i: number): SendMessageBatchRequestEntry {
    const text = JSON.stringify(body);
    return {
      Id: String(i),
      MessageBody: text,
      ...(this.fifo ? { MessageGroupId: FIFO_GROUP, MessageDeduplicationId: createHash("sha256").update(text).digest("hex") } : {}),
    };
  }

  async send(bodies: readonly T[]): Promise<void> {
    for (let start = 0; start < bodies.length; start += 10) {
      let entries = bodies.slice(start, start + 10).map((b, i) => this.entry(b, i));
      for (let attempt = 0; entries.length; attempt++) {
        if (attempt) await this.sleep(Math.min(2000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2));
        const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.url, Entries: entries }));
        const failed = out.Failed ?? [];
        if (!failed.length) break;
        const permanent = failed.filter((f) => f.SenderFault);
        if (permanent.length || attempt >= 4) {
          const f = (permanent[0] ?? failed[0]) as { Code?: string; Message?: string };
          throw new SqsQueueError(`${failed.length} of ${entries.length} messages not sent to ${this.url}: ${f.Code ?? "error"} ${f.Message ?? ""}`.trim());
        }
        const retry = new Set(failed.map((f) => f.Id));
        entries = entries.filter((e) => retry.has(e.Id));
      }
    }
  }
}

/** SQS allows a message to stay hidden for at most 12 hours. */
export const MAX_VISIBILITY_S = 12 * 3600;

/** Hides a received message for `ms` (capped at 12 h): its next receive is the retry. */
export async function retryLater(sqs: SQSClient, url: string, receiptHandle: string, ms: number): Promise<void> {
  const seconds = Math.min(MAX_VISIBILITY_S, Math.max(0, Math.ceil(ms / 1000)));
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
}
