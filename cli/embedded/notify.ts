/**
 * Notifications on the embedded backend: NotifyDeps over the SQLite tables and queues, the
 * outbox or SMTP mailer, the HTTP webhook sender, and the Atom feed at `<data>/feeds/atom.xml`
 * (FEED_KEY under the data directory, beside `<data>/log`: the log directory itself is the
 * C2SP layout and stays exactly that). Its workers come from the step table (./steps.ts).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { FEED_KEY } from "../../shared/domain/notify/atom";
import { QUEUE_WORKERS } from "../../shared/steps";
import type { NotifyDeps } from "../../shared/ports/deps";
import type { Mailer } from "../../shared/ports";
import { SmtpMailer } from "../../shared/adapters/mail/smtp";
import { HttpWebhookSender, type WebhookSenderOptions } from "../../shared/adapters/http/webhook";
import { FsObjectStore } from "../../shared/adapters/embedded/fs-object-store";
import { OutboxMailer } from "../../shared/adapters/embedded/outbox-mailer";
import type { EmbeddedDb } from "../../shared/adapters/embedded/sqlite-db";

export interface EmbeddedNotifyOptions {
  /** Send email over SMTP (smtp://host:port); otherwise RFC 5322 files in `<data>/outbox/`. */
  readonly smtp?: string;
  readonly emailFrom?: string;
  /** Plain http webhooks to loopback addresses (local receivers); private addresses stay refused. */
  readonly allowLoopbackWebhooks?: boolean;
  /** The log origin names the feed (its stable id). */
  readonly origin?: string;
  /** Tests: a different mailer, sender options, a faster retry schedule (for every row with a `retry`). */
  readonly mailer?: Mailer;
  readonly webhookOptions?: WebhookSenderOptions;
  readonly retryDelayMs?: (attempt: number, retryAfterMs?: number) => number | undefined;
  readonly random?: () => number;
}

export const DEFAULT_EMAIL_FROM = "cpansec <cpansec@cpansec.localhost>";

export function embeddedNotifyDeps(db: EmbeddedDb, data: string, o: EmbeddedNotifyOptions & { clock?: () => Date } = {}): NotifyDeps & { close(): void } {
  const smtp = o.smtp ? new SmtpMailer(o.smtp) : undefined;
  const clock = o.clock ?? (() => new Date());
  return {
    events: db.events(),
    subscriptions: db.subscriptions(),
    deliveries: db.deliveries(),
    queues: { deliver: db.queue(QUEUE_WORKERS.deliver.name) },
    mailer: o.mailer ?? smtp ?? new OutboxMailer(join(data, "outbox"), "cpansec.localhost", clock),
    webhooks: new HttpWebhookSender({ allowLoopback: o.allowLoopbackWebhooks ?? false, ...o.webhookOptions }),
    feeds: new FsObjectStore(data),
    clock,
    random: o.random ?? Math.random,
    email: { from: o.emailFrom ?? DEFAULT_EMAIL_FROM },
    links: {
      // file: URLs, so the Atom feed's links are IRIs and email readers can open them.
      result: (key) => pathToFileURL(join(data, key)).href,
      publicLog: pathToFileURL(join(data, "log")).href,
      feedId: `urn:cpansec:feed:${o.origin ?? "cpansec.localhost/log"}`,
      feedUrl: pathToFileURL(join(data, FEED_KEY)).href,
    },
    close: () => smtp?.close(),
  };
}
