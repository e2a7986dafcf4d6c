/**
 * NotifyDeps on AWS: the events, subscriptions and deliveries tables, the deliver queue, SES v2
 * (or no email when the stack has no SES identity), the webhook sender, and the Atom feed in the
 * public log bucket. Results live in the private artifacts bucket, so notifications link them as
 * s3:// URIs (readable with the deployment's credentials); the log proof links and the published
 * advisory index (public/advisories/...) are public.
 */
import { FEED_KEY } from "../domain/notify/atom";
import { PUBLIC_LINK_PREFIX } from "../domain/pipeline/keys";
import type { NotifyDeps } from "../ports/deps";
import { HttpWebhookSender } from "../adapters/http/webhook";
import type { AwsClients } from "../adapters/aws/clients";
import { DynamoDeliveryStore, DynamoSubscriptionStore } from "../adapters/aws/dynamo-notify";
import { DynamoEventStore } from "../adapters/aws/dynamo-tables";
import { type AwsEnv, publicLogBase } from "../adapters/aws/env";
import { S3ObjectStore, logCacheControl } from "../adapters/aws/s3-object-store";
import { SesMailer, noMailer } from "../adapters/aws/ses-mailer";
import { awsQueues } from "./aws-queues";

/** The From address: the identity itself, or cpansec@ a verified domain. */
export const fromAddress = (identity: string) => (identity.includes("@") ? identity : `cpansec@${identity}`);

export interface AwsNotifyOptions {
  /** Plain-http webhooks to loopback (local testing against an emulator); never set by the stack. */
  readonly allowLoopbackWebhooks?: boolean;
  readonly clock?: () => Date;
  /** The one-click unsubscribe link of a subscription (deliver, when the stack has the function). */
  readonly unsubscribeUrl?: (subscriptionId: string) => string;
}

/** The tables alone: what `cpansec subscribe --aws` manages. */
export function awsNotifyStores(env: Pick<AwsEnv, "tables">, clients: AwsClients) {
  return {
    subscriptions: new DynamoSubscriptionStore(clients.dynamo, env.tables.subscriptions),
    deliveries: new DynamoDeliveryStore(clients.dynamo, env.tables.deliveries),
    events: new DynamoEventStore(clients.dynamo, env.tables.events),
  };
}

export function awsNotifyDeps(env: AwsEnv, clients: AwsClients, o: AwsNotifyOptions = {}): NotifyDeps {
  const publicLog = publicLogBase(env);
  return {
    ...awsNotifyStores(env, clients),
    queues: { deliver: awsQueues(env, clients).deliver },
    mailer: env.sesIdentity ? new SesMailer(clients.options, fromAddress(env.sesIdentity), env.sesConfigurationSet) : noMailer,
    webhooks: new HttpWebhookSender({ allowLoopback: o.allowLoopbackWebhooks ?? false }),
    feeds: new S3ObjectStore(clients.s3, env.logBucket, { cacheControl: logCacheControl }),
    clock: o.clock ?? (() => new Date()),
    random: Math.random,
    email: { from: fromAddress(env.sesIdentity ?? "cpansec.invalid"), ...(o.unsubscribeUrl ? { unsubscribeUrl: o.unsubscribeUrl } : {}) },
    links: {
      // Published files (public/advisories/...) are in the public log bucket; the rest are private results.
      result: (key) => (key.startsWith(PUBLIC_LINK_PREFIX) ? `${publicLog}/${key.slice(PUBLIC_LINK_PREFIX.length)}` : `s3://${env.artifactsBucket}/${key}`),
      publicLog,
      feedId: `urn:cpansec:feed:${env.logOrigin}`,
      feedUrl: `${publicLog}/${FEED_KEY}`,
    },
  };
}
