/**
 * A CPAN mirror over HTTP(S): GET with a timeout, a size limit, and retries with exponential
 * backoff and jitter for what may pass (network errors, 429, 5xx). 404 is an answer: absent.
 */
import type { Mirror } from "../../ports";

export interface HttpMirrorOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly retries: number;
  readonly backoffMs: number;
}

export const HTTP_MIRROR_DEFAULTS: HttpMirrorOptions = { timeoutMs: 30_000, maxBytes: 128 * 2 ** 20, retries: 3, backoffMs: 500 };

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

  private async once(url: URL): Promise<Uint8Array | undefined> {
    const res = await fetch(url, { signal: AbortSignal.timeout(this.o.timeoutMs), redirect: "follow" });
    if (res.status === 404 || res.status === 410) return undefined;
    if (!res.ok) throw new MirrorError(`GET ${url.pathname}: HTTP ${res.status}`);
    const declared = Number(res.headers.get("content-length") ?? "0");
    if (declared > this.o.maxBytes) throw new MirrorError(`GET ${url.pathname}: ${declared} bytes is over the ${this.o.maxBytes}-byte limit`);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += c.byteLength;
      if (size > this.o.maxBytes) throw new MirrorError(`GET ${url.pathname}: more than the ${this.o.maxBytes}-byte limit`);
      chunks.push(c);
    }
    return Buffer.concat(chunks);
  }

  async fetch(path: string): Promise<Uint8Array | undefined> {
    if (path.split("/").includes("..")) throw new MirrorError(`refusing path ${path}`);
    const url = new URL(path, this.base);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(url);
      } catch (e) {
        const over = e instanceof MirrorError && /limit|refusing/.test(e.message);
        if (over || attempt >= this.o.retries) throw e;
        await this.sleep(this.o.backoffMs * 2 ** attempt * (0.5 + Math.random() / 2));
      }
    }
  }
}
