import { readSync } from "node:fs";
import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";

/**
 * All of stdin as text, decoded as stream/consumers' text() decodes it (UTF-8, a leading BOM
 * dropped). Read on fd 0 directly: process.stdin would first load the stream and socket modules
 * and make a socket of a pipe, ~6% of a short `advisories match`. A stdin that is non-blocking
 * (EAGAIN: a pipe another process set so) is read as a stream from there on.
 */
export async function readStdinText(
  read: (buf: Uint8Array) => number = (buf) => readSync(0, buf, 0, buf.length, null),
  stream: () => Readable = () => process.stdin,
): Promise<string> {
  const parts: Uint8Array[] = [];
  try {
    for (let n = 1; n > 0; ) {
      const buf = Buffer.allocUnsafe(1 << 20);
      n = read(buf);
      parts.push(buf.subarray(0, n));
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
    parts.push(await buffer(stream()));
  }
  return new TextDecoder().decode(Buffer.concat(parts));
}
