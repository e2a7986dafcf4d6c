/**
 * A CPAN mirror over HTTP(S): GET with a timeout, a size limit, and retries with exponential
 * backoff and jitter for what may pass (network errors, 429, 5xx). 404 is an answer: absent.
 * Paths are checked before any request (no `..`, no `%` escapes: the URL parser would resolve
 * `%2e%2e` into another author's directory), and a body is read only up to the limit.
 */
import { mirrorPathProblem } from "../../domain/cpan/upload-path";
import { FETCH_LIMITS } from "../../domain/fetch-limits";
import { readBody } from "./body";
import { type Mirror, MirrorLimitError, MirrorRefusedError } from "../../ports";

export interface HttpMirrorOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly retries: number;
  readonly backoffMs: number;
}

export const HTTP_MIRROR_DEFAULTS: HttpMirrorOptions = { timeoutMs: 30_000, maxBytes: FETCH_LIMITS.archive, retries: 3, backoffMs: 500 };

export class MirrorError extends Error {
  override readonly name = "MirrorError";
}

export class HttpMirror implements Mirror {
  private readonly base: URL;
  constructor(
    base: string,
    private readonly o: HttpMirrorOptions = HTTP_MIRROR_DEFAULTS,
    private readonly sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.base = new URL(base.endsWith("/") ? base : `${base}/`);
  }

  private async once(url: URL, max: number): Promise<Uint8Array | undefined> {
    const res = await fetch(url, { signal: AbortSignal.timeout(this.o.timeoutMs), redirect: "follow" });
    if (res.status === 404 || res.status === 410) return undefined;
    if (!res.ok) throw new MirrorError(`GET ${url.pathname}: HTTP ${res.status}`);
    return readBody(res, { maxBytes: max, what: `GET ${url.pathname}`, tooLarge: (m) => new MirrorLimitError(m) });
  }

  /** `path` may carry a query (the operator's feed URL); only the path part is a mirror path. */
  private url(path: string): URL {
    const q = path.indexOf("?");
    const [p, query] = q < 0 ? [path, ""] : [path.slice(0, q), path.slice(q)];
    const problem = mirrorPathProblem(p) ?? (/^(\?[A-Za-z0-9._~=&%+-]*)?$/.test(query) ? undefined : `refusing query ${JSON.stringify(query)}`);
    if (problem) throw new MirrorRefusedError(problem);
    const url = new URL(path, this.base);
    // With those characters the URL is the path appended to the base; say so rather than assume.
    if (url.href !== `${this.base.href}${path}`) throw new MirrorRefusedError(`refusing mirror path ${JSON.stringify(path)}: it resolves to ${url.pathname}`);
    return url;
  }

  async fetch(path: string, o: { readonly maxBytes?: number } = {}): Promise<Uint8Array | undefined> {
    const url = this.url(path);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(url, o.maxBytes ?? this.o.maxBytes);
      } catch (e) {
        if (e instanceof MirrorLimitError || attempt >= this.o.retries) throw e;
        await this.sleep(this.o.backoffMs * 2 ** attempt * (0.5 + Math.random() / 2));
      }
    }
  }
}
