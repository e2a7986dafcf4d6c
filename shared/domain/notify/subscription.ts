/**
 * Subscriptions: who wants which events, delivered where. Input is validated here (the CLI and any
 * future API parse through `parseSubscription`), so a stored subscription is always well-formed.
 */
import type { EventType } from "../../messages/events";
import type { Severity } from "../advisories/feed";

export const EVENT_TYPES: readonly EventType[] = ["release.processed", "release.vulnerable", "advisory.published", "patch.published", "integrity.alert"];
export const SEVERITIES: readonly Severity[] = ["low", "medium", "high", "critical"];

export type Target = { readonly kind: "webhook"; readonly url: string; readonly secret: string } | { readonly kind: "email"; readonly address: string };

/** Empty lists mean "any". Globs use `*` and `?` only, case-sensitive, anchored. */
export interface Filter {
  readonly distributions: readonly string[];
  readonly authors: readonly string[];
  readonly events: readonly EventType[];
  readonly minSeverity?: Severity;
}

export interface Subscription {
  readonly id: string;
  readonly createdAt: string;
  readonly target: Target;
  readonly filter: Filter;
  /** Set when deliveries stopped for good (the receiver answered 410 Gone). */
  readonly disabled?: { readonly at: string; readonly reason: string };
}

export interface SubscriptionInput {
  readonly webhook?: string;
  readonly secret?: string;
  readonly email?: string;
  readonly dists?: readonly string[];
  readonly authors?: readonly string[];
  readonly events?: readonly string[];
  readonly minSeverity?: string;
}

/** `whsec_` + base64 of 24 to 64 bytes (Standard Webhooks asks for 24 to 64). */
export function secretProblem(secret: string): string | undefined {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (!m) return "the secret must be whsec_ followed by base64";
  const bytes = Buffer.from(m[1] as string, "base64");
  if (bytes.toString("base64").replace(/=+$/, "") !== (m[1] as string).replace(/=+$/, "")) return "the secret's base64 is malformed";
  if (bytes.length < 24 || bytes.length > 64) return `the secret must decode to 24 to 64 bytes (it has ${bytes.length})`;
  return undefined;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Syntax only; whether the host may be contacted is the sender's decision, on every attempt. */
export function webhookUrlProblem(url: string): string | undefined {
  if (url.length > 2048) return "the webhook URL is longer than 2048 characters";
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(url)) return "the webhook URL contains whitespace or control characters";
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `not a URL: ${url}`;
  }
  if (u.username || u.password) return "the webhook URL must not carry credentials (use the signature)";
  if (u.hash) return "the webhook URL must not have a #fragment";
  if (u.protocol === "https:") return undefined;
  if (u.protocol === "http:" && (LOOPBACK_HOSTS.has(u.hostname) || /^127\./.test(u.hostname))) return undefined;
  return "the webhook URL must be https:// (plain http only to localhost, for local testing)";
}

/** A plain addr-spec (no display name): nothing that could end a header or start another. */
export function emailProblem(address: string): string | undefined {
  if (address.length > 254) return "the email address is too long";
  if (!/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(address))
    return `not a plain email address: ${JSON.stringify(address)}`;
  const local = address.slice(0, address.lastIndexOf("@"));
  if (local.length > 64 || local.startsWith(".") || local.endsWith(".") || local.includes("..")) return `not a plain email address: ${JSON.stringify(address)}`;
  return undefined;
}

const GLOB = /^[A-Za-z0-9_.*?+-]{1,200}$/;
const AUTHOR = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

export type Parsed = { readonly ok: true; readonly target: Target; readonly filter: Filter } | { readonly ok: false; readonly problems: string[] };

/** Validates what a user typed; every problem is reported, not just the first. */
export function parseSubscription(input: SubscriptionInput): Parsed {
  const problems: string[] = [];
  let target: Target | undefined;
  if (input.webhook !== undefined && input.email !== undefined) problems.push("give either a webhook or an email address, not both");
  else if (input.webhook !== undefined) {
    const p = webhookUrlProblem(input.webhook);
    if (p) problems.push(p);
    if (input.secret === undefined) problems.push("a webhook needs a secret");
    else {
      const s = secretProblem(input.secret);
      if (s) problems.push(s);
    }
    if (!p && input.secret !== undefined) target = { kind: "webhook", url: input.webhook, secret: input.secret };
  } else if (input.email !== undefined) {
    const p = emailProblem(input.email);
    if (p) problems.push(p);
    else target = { kind: "email", address: input.email };
    if (input.secret !== undefined) problems.push("a secret is only for webhooks");
  } else problems.push("give a webhook URL or an email address");
  for (const d of input.dists ?? []) if (!GLOB.test(d)) problems.push(`not a distribution name or glob (letters, digits, - _ . + * ?): ${JSON.stringify(d)}`);
  for (const a of input.authors ?? []) if (!AUTHOR.test(a)) problems.push(`not a PAUSE id: ${JSON.stringify(a)}`);
  for (const e of input.events ?? [])
    if (!(EVENT_TYPES as readonly string[]).includes(e)) problems.push(`unknown event type ${JSON.stringify(e)} (one of ${EVENT_TYPES.join(", ")})`);
  if (input.minSeverity !== undefined && !(SEVERITIES as readonly string[]).includes(input.minSeverity))
    problems.push(`unknown severity ${JSON.stringify(input.minSeverity)} (one of ${SEVERITIES.join(", ")})`);
  if (problems.length || !target) return { ok: false, problems: problems.length ? problems : ["no target"] };
  const uniq = <T>(xs: readonly T[] | undefined) => [...new Set(xs ?? [])];
  return {
    ok: true,
    target,
    filter: {
      distributions: uniq(input.dists),
      authors: uniq((input.authors ?? []).map((a) => a.toUpperCase())),
      events: uniq(input.events as EventType[] | undefined),
      ...(input.minSeverity ? { minSeverity: input.minSeverity as Severity } : {}),
    },
  };
}

/** What `subscribe list` shows: never the secret, only that one exists and how it starts. */
export function redactSecret(secret: string): string {
  return `${secret.slice(0, 6)}…`;
}

export function describeTarget(t: Target): string {
  return t.kind === "webhook" ? `webhook ${t.url}` : `email ${t.address}`;
}
