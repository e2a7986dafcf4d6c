/**
 * Reading an HTTP response body under a byte limit: the declared length is checked before the
 * first byte, the stream is read chunk by chunk, and the download is cancelled at the first chunk
 * over the limit, so nothing past it is ever held. `Response.arrayBuffer()` reads everything first.
 */
export class BodyLimitError extends Error {
  override readonly name = "BodyLimitError";
}

/** The body stream failed before its end (the connection dropped, the timeout fired): `cause` says how. */
export class BodyReadError extends Error {
  override readonly name = "BodyReadError";
}

export interface BodyLimit {
  readonly maxBytes: number;
  /** Names the object in errors, e.g. `GET /checkpoint`. */
  readonly what: string;
  /** The error to throw at the limit (callers that tell limits from other failures pass their own class). */
  readonly tooLarge?: (message: string) => Error;
}

export async function readBody(res: Response, o: BodyLimit): Promise<Uint8Array> {
  const fail = o.tooLarge ?? ((m: string) => new BodyLimitError(m));
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > o.maxBytes) {
    await res.body?.cancel();
    throw fail(`${o.what}: ${declared} bytes is over the ${o.maxBytes}-byte limit`);
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (e) {
      throw new BodyReadError(`${o.what}: the body stopped after ${size} bytes: ${(e as Error).message}`, { cause: e });
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > o.maxBytes) {
      await reader.cancel(); // stop the download here: what is over the limit is never held
      throw fail(`${o.what}: more than the ${o.maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
}

export class HttpStatusError extends Error {
  override readonly name = "HttpStatusError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** GET under a limit and a timeout (headers and body both): the body, undefined on 404, HttpStatusError otherwise. */
export async function fetchBody(
  url: URL | string,
  o: { readonly maxBytes: number; readonly timeoutMs: number; readonly what?: string },
): Promise<Uint8Array | undefined> {
  const what = o.what ?? `GET ${String(url)}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(o.timeoutMs), redirect: "follow" });
  if (res.status === 404) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new HttpStatusError(`${what}: HTTP ${res.status}`, res.status);
  }
  return readBody(res, { maxBytes: o.maxBytes, what });
}
