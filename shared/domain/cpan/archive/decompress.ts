import { Readable } from "node:stream";
import { ReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";
import { Gunzip } from "minizlib";
import { bunzip2Into } from "./bzip2";
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

/**
 * Compressed input goes in small slices: gzip can expand a slice ~1000x, so 16 KiB in means at most
 * ~16 MiB out before the sink (and its byte budget) sees it. That is what keeps memory bounded.
 */
const SLICE = 16 * 1024;

function* slices(buf: Uint8Array): Generator<Buffer> {
  for (let i = 0; i < buf.byteLength; i += SLICE) yield Buffer.from(buf.buffer, buf.byteOffset + i, Math.min(SLICE, buf.byteLength - i));
}

/**
 * Decompresses an archive's tar stream into `sink`, chunk by chunk, synchronously (gzip through
 * minizlib); its pieces are the ones whose errors readArchive reports (it tries gunzipOnPool first).
 * `sink` may throw to stop early.
 */
export async function decompressInto(buf: Uint8Array, format: Exclude<ArchiveFormat, "zip">, sink: (chunk: Uint8Array) => void): Promise<void> {
  switch (format) {
    case "tar":
      for (const s of slices(buf)) sink(s);
      return;
    case "tar.gz": {
      const gz = new Gunzip({});
      let failure: unknown;
      gz.on("error", (e: unknown) => (failure ??= e));
      gz.on("data", (c: Buffer) => sink(c));
      for (const s of slices(buf)) {
        gz.write(s);
        if (failure) throw failure;
      }
      gz.end();
      if (failure) throw failure;
      return;
    }
    case "tar.bz2":
      return bunzip2Into(buf, sink);
    case "tar.xz": {
      // Rare on CPAN, and a large module (inlined WebAssembly): loaded on first use. CommonJS
      // interop puts its exports on the namespace or under `default`, depending on the loader.
      const mod: { XzReadableStream?: typeof import("xz-decompress").XzReadableStream; default?: typeof import("xz-decompress") } = await import(
        "xz-decompress"
      );
      const XzReadableStream = mod.XzReadableStream ?? (mod.default as typeof import("xz-decompress")).XzReadableStream;
      const web = new ReadableStream<Uint8Array>({
        start(c) {
          for (const s of slices(buf)) c.enqueue(s);
          c.close();
        },
      });
      const out = Readable.fromWeb(new XzReadableStream(web as unknown as globalThis.ReadableStream<Uint8Array>) as never);
      try {
        for await (const c of out as AsyncIterable<Uint8Array>) sink(c);
      } catch (e) {
        // xz-embedded's XZ_MEMLIMIT_ERROR: the file asks for a dictionary over the decoder's
        // 64 MiB cap (xz -9 uses 64 MiB), so memory stays bounded and the archive is refused.
        if (e instanceof Error && /error code 4$/.test(e.message))
          throw new ArchiveError("limit", "xz dictionary is larger than the 64 MiB the decoder allows", undefined, { cause: e });
        throw e;
      } finally {
        out.destroy();
      }
      return;
    }
  }
}

/**
 * Output piece of the thread-pool inflate: each is one round trip to libuv's pool, so a few hundred
 * for the whole corpus rather than the thousands 16 KiB would cost; still small enough that an
 * archive in flight holds little beyond its compressed bytes.
 */
const POOL_CHUNK = 256 * 1024;

/**
 * gzip inflated on libuv's thread pool: `sink` gets each piece on this thread as it comes, so the
 * caller's parsing overlaps the inflating of the next piece, and of other archives in flight.
 * Rejects on any failure, the sink's included. Its pieces are not decompressInto's, and a limit
 * message names the byte count at which it tripped, so a caller that must report decompressInto's
 * exact error reads the archive again with it (./index.ts does).
 */
export function gunzipOnPool(buf: Uint8Array, sink: (chunk: Uint8Array) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const gz = createGunzip({ chunkSize: POOL_CHUNK });
    gz.on("data", (c: Buffer) => {
      try {
        sink(c);
      } catch (e) {
        gz.destroy();
        reject(e);
      }
    });
    gz.on("error", reject);
    gz.on("end", resolve);
    gz.end(buf);
  });
}

export function corrupt(format: ArchiveFormat, e: unknown): ArchiveError {
  if (e instanceof ArchiveError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new ArchiveError("corrupt", `${format} data is truncated or corrupt: ${msg}`, undefined, { cause: e });
}
