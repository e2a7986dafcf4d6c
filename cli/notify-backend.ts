/**
 * Where `cpansec subscribe` finds subscriptions: the embedded store under `--data`, or the AWS
 * tables with `--aws`. One small function, so the AWS adapters plug in without touching the
 * commands.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type EmbeddedNotifyOptions, embeddedNotifyDeps } from "./embedded/notify";
import { EmbeddedDb } from "../shared/adapters/embedded/sqlite-db";
import type { NotifyDeps } from "../shared/ports/deps";
import { UserError } from "./errors";

export interface NotifyBackend {
  /** Where the subscriptions live, for messages. */
  readonly where: string;
  /** What `subscribe test` sends through (the subscriptions, the mailer, the webhook sender). */
  readonly deps: NotifyDeps;
  close(): void;
}

export interface BackendArgs extends EmbeddedNotifyOptions {
  readonly data: string;
  readonly aws?: boolean;
  /** Create the embedded store when --data has none (only `subscribe add`: a typo must not make a new store). */
  readonly create?: boolean;
}

export class BackendUnavailableError extends Error {
  override readonly name = "BackendUnavailableError";
}

/**
 * The AWS tables, named by the same environment variables the functions read (the stack's
 * outputs give the values; docs/aws.md shows the one-liner). Loaded lazily: the SDK is not part
 * of the embedded commands' start-up.
 */
async function openAwsBackend(a: BackendArgs): Promise<NotifyBackend> {
  const { TABLES, ENV } = await import("../shared/adapters/aws/resources");
  const need = [TABLES.subscriptions.env, TABLES.deliveries.env, TABLES.events.env];
  const missing = need.filter((v) => !process.env[v]);
  if (missing.length)
    throw new BackendUnavailableError(
      `--aws needs ${missing.join(", ")} in the environment (the stack's ${missing
        .map((v) =>
          v
            .toLowerCase()
            .replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase())
            .replace(/Table$/, "TableName"),
        )
        .join(", ")} outputs; see docs/aws.md)`,
    );
  const { awsClientsFromEnv } = await import("../shared/adapters/aws/clients");
  const { awsNotifyStores, fromAddress } = await import("../shared/runtime/aws-notify");
  const { SesMailer, noMailer } = await import("../shared/adapters/aws/ses-mailer");
  const { HttpWebhookSender } = await import("../shared/adapters/http/webhook");
  const clients = awsClientsFromEnv(process.env);
  const tables = Object.fromEntries(Object.entries(TABLES).map(([k, t]) => [k, process.env[t.env] ?? ""])) as Record<keyof typeof TABLES, string>;
  const ses = process.env[ENV.sesIdentity];
  const deps: NotifyDeps = {
    ...awsNotifyStores({ tables }, clients),
    queues: {
      deliver: {
        send: async () => {
          throw new BackendUnavailableError("subscribe does not queue deliveries");
        },
      },
    },
    mailer: ses ? new SesMailer(clients.options, fromAddress(ses), process.env[ENV.sesConfigurationSet]) : noMailer,
    webhooks: new HttpWebhookSender({ allowLoopback: a.allowLoopbackWebhooks ?? false }),
    feeds: { read: async () => undefined, create: async () => {}, publish: async () => {} },
    clock: () => new Date(),
    random: Math.random,
    email: { from: fromAddress(ses ?? "cpansec.invalid") },
    links: { result: (key) => key, feedId: "urn:cpansec:feed:aws", feedUrl: "" },
  };
  return { where: `DynamoDB table ${tables.subscriptions}`, deps, close: () => undefined };
}

export async function openNotifyBackend(a: BackendArgs): Promise<NotifyBackend> {
  if (a.aws) return openAwsBackend(a);
  const data = resolve(a.data);
  const created = !existsSync(join(data, "cpansec.db"));
  if (created && !a.create) throw new UserError(`--data ${a.data}: no cpansec store there (no cpansec.db); cpansec run or subscribe add makes one`);
  mkdirSync(data, { recursive: true });
  const db = new EmbeddedDb(join(data, "cpansec.db"));
  const deps = embeddedNotifyDeps(db, data, a);
  return {
    where: `${data}${created ? " (new)" : ""}`,
    deps,
    close: () => {
      deps.close();
      db.close();
    },
  };
}
