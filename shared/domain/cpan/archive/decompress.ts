import { PassThrough, Readable } from "node:stream";
import { ReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";
import bz2 from "unbzip2-stream";
import xz from "xz-decompress";
import { ArchiveError } from "./errors";

export type ArchiveFormat = "tar.gz" | "tar.bz2" | "tar.xz" | "tar" | "zip";

/** Recognises an archive by its first bytes, never by its name: a name is a claim, bytes are facts. */
export function detectFormat(buf: Uint8Array): ArchiveFormat {
  const at = (i: number, ...bytes: number[]) => bytes.every((b, j) => buf[i + j] === b);
  if (at(0, 0x1f, 0x8b)) return "tar.gz";
  if (at(0, 0x42, 0x5a, 0x68)) return "tar.bz2";
  if (at(0, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return "tar.xz";
  if (at(0, 0x50, 0x4b, 0x03, 0x04) || at(0, 0x50, 0x4b, 0x05, 0x06)) return "zip";
  if (at(257, 0x75, 0x73, 0x74, 0x61, 0x72)) return "tar";
  throw new ArchiveError("not-an-archive", "not a gzip, bzip2, xz, tar or zip archive (unrecognised leading bytes)");
}

/** The decompressed tar stream of a compressed archive, produced lazily so limits can stop it early. */
export function decompress(buf: Uint8Array, format: Exclude<ArchiveFormat, "zip">): Readable {
  const source = () => Readable.from([Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)]);
  switch (format) {
    case "tar":
      return source();
    case "tar.gz":
      return source().pipe(createGunzip()).on("error", () => {});
    case "tar.bz2": {
      // unbzip2-stream is an old-style through stream; bridge it into a real Readable.
      const out = new PassThrough();
      const dec = bz2();
      dec.on("error", (e: Error) => out.destroy(e));
      source().pipe(dec).pipe(out);
      return out;
    }
    case "tar.xz": {
      const web = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(buf);
          c.close();
        },
      });
      return Readable.fromWeb(new xz.XzReadableStream(web as unknown as globalThis.ReadableStream<Uint8Array>) as never);
    }
  }
}

export function corrupt(format: ArchiveFormat, e: unknown): ArchiveError {
  if (e instanceof ArchiveError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new ArchiveError("corrupt", `${format} data is truncated or corrupt: ${msg}`, undefined, { cause: e });
}
