/**
 * The webhook sender: POST over node:http/https (not fetch, so this code controls name
 * resolution). The SSRF policy, re-checked on every attempt:
 * - https only; plain http only to a loopback address and only with `allowLoopback`
 *   (`cpansec run --allow-loopback-webhooks`, for receivers on the same machine);
 * - the host is resolved here and every address it resolves to is judged by classifyAddress
 *   (shared/domain/notify/address.ts); one refused address refuses the host;
 * - the socket connects to the address that was checked (the request's `lookup` returns it), so a
 *   DNS answer that changes between check and connect (rebinding) cannot redirect it; TLS still
 *   verifies the certificate against the host name;
 * - no redirects (3xx is a failed attempt), one total timeout (10 s), at most 64 KiB of answer read.
 * A URL refused by its form (wrong scheme, a literal refused address) is permanent; a name that
 * resolves to a refused address is retried, since DNS can change (docs/notifications.md).
 */
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { FETCH_LIMITS } from "../../domain/fetch-limits";
import { classifyAddress, isLoopback, isLoopbackName } from "../../domain/notify/address";
import { parseRetryAfter } from "../../domain/notify/retry";
import { webhookUrlProblem } from "../../domain/notify/subscription";
import type { WebhookOutcome, WebhookRequest, WebhookSender } from "../../ports";

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

export interface WebhookSenderOptions {
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  readonly allowLoopback?: boolean;
  /** Name resolution (dns.lookup with all: true); tests inject answers. */
  readonly resolve?: (host: string) => Promise<ResolvedAddress[]>;
  readonly now?: () => Date;
  /** Extra TLS options (tests trust their own CA). */
  readonly tls?: https.RequestOptions;
}

const THROTTLED = new Set([429, 502, 503, 504]);

export class HttpWebhookSender implements WebhookSender {
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly resolve: (host: string) => Promise<ResolvedAddress[]>;

  constructor(private readonly o: WebhookSenderOptions = {}) {
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.maxBytes = o.maxResponseBytes ?? FETCH_LIMITS.webhookResponse;
    this.resolve = o.resolve ?? ((host) => dnsLookup(host, { all: true, verbatim: true }));
  }

  async send(req: WebhookRequest): Promise<WebhookOutcome> {
    const problem = webhookUrlProblem(req.url);
    if (problem) return { kind: "permanent", reason: problem };
    const url = new URL(req.url);
    const allowLoopback = this.o.allowLoopback ?? false;
    if (url.protocol === "http:" && !allowLoopback)
      return { kind: "permanent", reason: "plain http is refused (only to loopback, with --allow-loopback-webhooks)" };
    const host = url.hostname.replace(/^\[|\]$/g, "");
    let addresses: ResolvedAddress[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
    else if (!allowLoopback && isLoopbackName(host)) return { kind: "permanent", reason: `refused to connect to ${host}: loopback (a localhost name)` };
    else {
      try {
        addresses = await this.resolve(host);
      } catch (e) {
        return { kind: "retry", reason: `cannot resolve ${host}: ${(e as Error).message}` };
      }
      if (!addresses.length) return { kind: "retry", reason: `${host} has no addresses` };
    }
    for (const a of addresses) {
      const verdict = classifyAddress(a.address, { allowLoopback });
      const refusal = verdict.ok ? (url.protocol === "http:" && !isLoopback(a.address) ? "plain http to a non-loopback address" : undefined) : verdict.reason;
      if (!refusal) continue;
      const reason = `refused to connect to ${host} (${a.address}): ${refusal}`;
      return isIP(host) ? { kind: "permanent", reason } : { kind: "retry", reason };
    }
    return this.post(url, addresses[0] as ResolvedAddress, req);
  }

  private post(url: URL, to: ResolvedAddress, req: WebhookRequest): Promise<WebhookOutcome> {
    // Connect to the checked address whatever the name resolves to now (no rebinding).
    const lookup = ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
      if (opts?.all) cb(null, [{ address: to.address, family: to.family }]);
      else cb(null, to.address, to.family);
    }) as unknown as LookupFunction;
    const body = Buffer.from(req.body, "utf8");
    const options: https.RequestOptions = {
      method: "POST",
      lookup,
      agent: false,
      headers: { ...req.headers, "content-length": String(body.length) },
      ...(url.protocol === "https:" ? this.o.tls : {}),
    };
    return new Promise<WebhookOutcome>((resolve) => {
      let settled = false;
      const finish = (o: WebhookOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(o);
      };
      const request = (url.protocol === "https:" ? https : http).request(url, options, (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        const done = () => finish(this.outcome(status, res.headers));
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          // Only the status matters: stop reading a large answer rather than buffer it.
          if (read > this.maxBytes) {
            res.destroy();
            done();
          }
        });
        res.on("end", done);
        res.on("error", done);
        res.on("close", done);
      });
      const timer = setTimeout(() => {
        request.destroy();
        finish({ kind: "retry", reason: `no answer from ${url.host} within ${this.timeoutMs} ms` });
      }, this.timeoutMs);
      request.on("error", (e) => finish({ kind: "retry", reason: `POST ${url.host}: ${e.message}` }));
      request.end(body);
    });
  }

  private outcome(status: number, headers: http.IncomingHttpHeaders): WebhookOutcome {
    if (status >= 200 && status < 300) return { kind: "delivered", status };
    if (status === 410) return { kind: "gone", status };
    if (status >= 300 && status < 400)
      return {
        kind: "retry",
        status,
        reason: `HTTP ${status}: redirects are not followed${headers.location ? ` (to ${String(headers.location).slice(0, 200)})` : ""}`,
      };
    const retryAfterMs = THROTTLED.has(status) ? parseRetryAfter(headers["retry-after"], this.o.now?.() ?? new Date()) : undefined;
    return { kind: "retry", status, reason: `HTTP ${status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
}
