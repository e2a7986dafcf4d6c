/**
 * Where `cpansec subscribe` finds subscriptions: the embedded store under `--data`, or the AWS
 * tables with `--aws`. One small function, so the AWS adapters plug in without touching the
 * commands.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type EmbeddedNotifyOptions, embeddedNotifyDeps } from "../shared/adapters/embedded/notify";
import { EmbeddedDb } from "../shared/adapters/embedded/sqlite-db";
import type { NotifyDeps } from "../shared/pipeline/notify-deps";

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
}

export class BackendUnavailableError extends Error {
  override readonly name = "BackendUnavailableError";
}

export async function openNotifyBackend(a: BackendArgs): Promise<NotifyBackend> {
  if (a.aws) throw new BackendUnavailableError("the --aws backend is not available in this build");
  const data = resolve(a.data);
  const created = !existsSync(data);
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
