/**
 * Notification email: subject, text and HTML parts, headers, tags. Every header value passes
 * through `headerValue`, which cannot return CR, LF or any other control character, so text from
 * an upload (a distribution name, an advisory description) can never end a header and start
 * another. HTML gets every untrusted string escaped.
 */
import { type NotificationEvent, describeEvent } from "./describe";

export interface EmailMessage {
  /** Stable per (event, subscription): the Message-ID's local part and the outbox file name. */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Extra headers (List-Unsubscribe, Auto-Submitted, X-Cpansec-*); values are single-line. */
  readonly headers: Readonly<Record<string, string>>;
  /** Message tags (SES): names and values in [A-Za-z0-9_-]. */
  readonly tags: Readonly<Record<string, string>>;
}

export interface EmailOptions {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** A result key as the reader can open it: a URL on AWS, a local path embedded. */
  readonly link: (key: string) => string;
  /** One-click unsubscribe (RFC 8058); without one, no List-Unsubscribe headers. */
  readonly unsubscribeUrl?: string;
  /** Where the public log is, so the reader can verify the upload's inclusion. */
  readonly publicLog?: string;
}

/** A header value on one line: control characters become spaces; at most `max` characters. */
export function headerValue(s: string, max = 900): string {
  const flat = s
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x1f\x7f\u2028\u2029]+/g, " ")
    .replace(/ {2,}/g, " ")
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const tag = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256);

export function renderEmail(e: NotificationEvent, o: EmailOptions): EmailMessage {
  const d = describeEvent(e);
  const links = d.links.map(([label, key]) => [label, o.link(key)] as const);
  const text = [
    d.title,
    "",
    ...d.lines,
    ...(links.length ? ["", "Results:", ...links.map(([label, href]) => `  ${label}: ${href}`)] : []),
    ...(o.publicLog ? ["", `Transparency log: ${o.publicLog}`] : []),
    "",
    "--",
    "You receive this because of a cpansec subscription.",
    ...(o.unsubscribeUrl ? [`Unsubscribe: ${o.unsubscribeUrl}`] : []),
    "",
  ].join("\n");
  const li = (s: string) => `<li>${escapeHtml(s)}</li>`;
  const a = (href: string, label: string) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
  const html = [
    "<!DOCTYPE html>",
    '<html><head><meta charset="utf-8"><title>' + escapeHtml(d.title) + "</title></head><body>",
    `<h1>${escapeHtml(d.title)}</h1>`,
    `<ul>${d.lines.map(li).join("")}</ul>`,
    ...(links.length ? [`<h2>Results</h2><ul>${links.map(([label, href]) => `<li>${a(href, label)}</li>`).join("")}</ul>`] : []),
    ...(o.publicLog ? [`<p>Transparency log: ${a(o.publicLog, o.publicLog)}</p>`] : []),
    `<p style="color:#666">You receive this because of a cpansec subscription.${o.unsubscribeUrl ? ` ${a(o.unsubscribeUrl, "Unsubscribe")}.` : ""}</p>`,
    "</body></html>",
    "",
  ].join("\n");
  const headers: Record<string, string> = {
    "Auto-Submitted": "auto-generated",
    "X-Cpansec-Event-Id": headerValue(e.id),
    "X-Cpansec-Event-Type": headerValue(e.type),
  };
  if (o.unsubscribeUrl) {
    headers["List-Unsubscribe"] = `<${headerValue(o.unsubscribeUrl).replace(/[<>]/g, "")}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
  }
  return {
    id: o.id,
    from: headerValue(o.from),
    to: headerValue(o.to),
    subject: headerValue(`[cpansec] ${d.title}`, 200),
    text,
    html,
    headers,
    tags: { event_type: tag(e.type) },
  };
}
