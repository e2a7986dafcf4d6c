/** `cpansec subscribe add|list|remove|test` on either backend (cli/notify-backend.ts). */
import { randomBytes } from "node:crypto";
import { buffer } from "node:stream/consumers";
import { sendNotification } from "../functions/deliver-notification/send";
import type { NotificationEvent } from "../shared/domain/notify/describe";
import { type Subscription, describeTarget, parseSubscription, redactSecret } from "../shared/domain/notify/subscription";
import { type BackendArgs, openNotifyBackend } from "./notify-backend";
import { readFileUnder } from "./read-file-under";

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`cpansec: ${s}\n`);

interface AddArgs {
  data: string;
  aws?: boolean;
  webhook?: string;
  secret?: string;
  secretFile?: string;
  email?: string;
  dist?: string[];
  author?: string[];
  event?: string[];
  minSeverity?: string;
  json?: boolean;
}

/** `whsec_` + 32 random bytes in base64: Standard Webhooks' format, 256 bits. */
export const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

/** A subscription as shown: the secret never, only that there is one. */
export function publicView(s: Subscription): Record<string, unknown> {
  const target = s.target.kind === "webhook" ? { kind: "webhook", url: s.target.url, secret: redactSecret(s.target.secret) } : s.target;
  return { id: s.id, createdAt: s.createdAt, target, filter: s.filter, ...(s.disabled ? { disabled: s.disabled } : {}) };
}

function filterText(s: Subscription): string {
  const f = s.filter;
  const parts = [
    f.events.length ? `events ${f.events.join(",")}` : "",
    f.distributions.length ? `dists ${f.distributions.join(",")}` : "",
    f.authors.length ? `authors ${f.authors.join(",")}` : "",
    f.minSeverity ? `severity >= ${f.minSeverity}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join("; ") : "every event";
}

/** A secret from a file or standard input (`-`): one line, its newline dropped; a few KiB at most. */
async function readSecretFile(file: string): Promise<string> {
  const bytes = file === "-" ? await buffer(process.stdin) : await readFileUnder(file, 4096);
  if (bytes.byteLength > 4096) throw new Error(`${file}: more than 4096 bytes; a secret is one line`);
  return new TextDecoder().decode(bytes).replace(/\r?\n$/, "");
}

export async function add(a: AddArgs): Promise<number> {
  if (a.secret !== undefined && a.secretFile !== undefined) {
    err("give --secret-file or --secret, not both");
    return 2;
  }
  if (a.secret !== undefined) err("warning: a secret on the command line is visible to other users (ps) and stays in shell history; use --secret-file");
  const given = a.secretFile !== undefined ? await readSecretFile(a.secretFile) : a.secret;
  const generated = a.webhook !== undefined && given === undefined ? newSecret() : undefined;
  const parsed = parseSubscription({
    ...(a.webhook !== undefined ? { webhook: a.webhook } : {}),
    ...((given ?? generated) ? { secret: (given ?? generated) as string } : {}),
    ...(a.email !== undefined ? { email: a.email } : {}),
    ...(a.dist ? { dists: a.dist } : {}),
    ...(a.author ? { authors: a.author } : {}),
    ...(a.event ? { events: a.event } : {}),
    ...(a.minSeverity !== undefined ? { minSeverity: a.minSeverity } : {}),
  });
  if (!parsed.ok) {
    for (const p of parsed.problems) err(p);
    return 2;
  }
  const b = await openNotifyBackend({ data: a.data, create: true, ...(a.aws ? { aws: true } : {}) });
  try {
    const s: Subscription = { id: `sub_${randomBytes(8).toString("hex")}`, createdAt: new Date().toISOString(), target: parsed.target, filter: parsed.filter };
    if (!(await b.deps.subscriptions.create(s))) throw new Error(`subscription id ${s.id} already exists; try again`);
    if (a.json) out(JSON.stringify({ ...publicView(s), ...(generated ? { secret: generated } : {}) }));
    else {
      out(`added ${s.id}: ${describeTarget(s.target)}, ${filterText(s)} (in ${b.where})`);
      // Printed once, now: it is never shown again (list redacts it).
      if (generated) out(`webhook secret (shown only now; verify signatures with it): ${generated}`);
    }
    return 0;
  } finally {
    b.close();
  }
}

export async function list(a: BackendArgs & { json?: boolean }): Promise<number> {
  const b = await openNotifyBackend(a);
  try {
    const subs = await b.deps.subscriptions.list();
    if (a.json) for (const s of subs) out(JSON.stringify(publicView(s)));
    else {
      if (!subs.length) out(`no subscriptions (in ${b.where})`);
      for (const s of subs) {
        const target = s.target.kind === "webhook" ? `webhook ${s.target.url} secret ${redactSecret(s.target.secret)}` : `email ${s.target.address}`;
        out(`${s.id}  ${target}  ${filterText(s)}  since ${s.createdAt}${s.disabled ? `  DISABLED ${s.disabled.at}: ${s.disabled.reason}` : ""}`);
      }
    }
    return 0;
  } finally {
    b.close();
  }
}

export async function remove(id: string, a: BackendArgs): Promise<number> {
  const b = await openNotifyBackend(a);
  try {
    if (!(await b.deps.subscriptions.remove(id))) {
      err(`no subscription ${id}`);
      return 1;
    }
    out(`removed ${id}`);
    return 0;
  } finally {
    b.close();
  }
}

/**
 * The test event: type `subscription.test`, so no receiver mistakes it for a real release; it goes
 * out at once, outside the queues and the deliveries table (a test may be repeated).
 */
export function testEvent(sub: Subscription, at: Date): NotificationEvent {
  return {
    v: 1,
    id: `evt_test_${randomBytes(12).toString("hex")}`,
    type: "subscription.test",
    time: at.toISOString(),
    detail: { subscription: sub.id, message: "This is a test notification from cpansec: the subscription works." },
  };
}

export async function test(id: string, a: BackendArgs & { json?: boolean }): Promise<number> {
  const b = await openNotifyBackend(a);
  try {
    const sub = await b.deps.subscriptions.get(id);
    if (!sub) {
      err(`no subscription ${id}`);
      return 1;
    }
    if (sub.disabled) err(`note: ${id} is disabled (${sub.disabled.reason}); testing it anyway`);
    const outcome = await sendNotification(b.deps, testEvent(sub, b.deps.clock()), sub);
    if (a.json) out(JSON.stringify({ id, target: describeTarget(sub.target), ...outcome }));
    else
      out(
        `${id}: ${describeTarget(sub.target)}: ${outcome.kind === "delivered" ? `delivered${sub.target.kind === "webhook" ? ` (HTTP ${outcome.status})` : ""}` : `${outcome.kind}: ${"reason" in outcome ? outcome.reason : `HTTP ${outcome.status}`}`}`,
      );
    return outcome.kind === "delivered" ? 0 : 1;
  } finally {
    b.close();
  }
}
