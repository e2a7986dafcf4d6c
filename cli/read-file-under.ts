import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { BodyLimitError } from "../shared/adapters/http/body";

/**
 * A local file read under the same limit as its download would be (a synced copy of a bucket or
 * a feed is as hostile as the server): its size is checked on the open handle, before reading,
 * and only that many bytes are read even if it grows meanwhile.
 */
export async function readFileUnder(path: string, maxBytes: number, o: { noFollow?: boolean } = {}): Promise<Uint8Array> {
  // noFollow: a directory walk that refused links when listing must not follow one swapped in since.
  const f = await open(path, constants.O_RDONLY | (o.noFollow ? constants.O_NOFOLLOW : 0));
  try {
    const st = await f.stat();
    if (o.noFollow && !st.isFile()) throw new Error(`${path}: not a regular file`);
    const { size } = st;
    if (size > maxBytes) throw new BodyLimitError(`${path}: ${size} bytes is over the ${maxBytes}-byte limit`);
    const buf = Buffer.alloc(size);
    const { bytesRead } = await f.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await f.close();
  }
}
