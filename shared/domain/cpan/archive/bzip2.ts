/**
 * bzip2 through seek-bzip, synchronously, with bounded memory. The decoder hands over one byte at
 * a time; they are gathered into 64 KiB chunks for the sink, so the sink's limits are checked
 * every 64 KiB of output and a throw there stops decoding in the middle of a block. (A 900k
 * bzip2 block can expand to ~45 MB: unbzip2-stream, used before, built each block's whole output
 * as a JS array, ~1 GB of heap for one block of a bomb, before any limit saw it.)
 */
import type { ByteInput, ByteOutput } from "seek-bzip";
import { ArchiveError } from "./errors";

const CHUNK = 64 * 1024;

/** Reading past the end is an error, never a zero byte: a truncated stream cannot spin. */
function input(buf: Uint8Array): ByteInput {
  let pos = 0;
  const truncated = () => new ArchiveError("corrupt", "tar.bz2 data is truncated or corrupt: the bzip2 stream ends inside a block");
  return {
    readByte() {
      if (pos >= buf.byteLength) throw truncated();
      return buf[pos++] as number;
    },
    read(into, offset, length) {
      if (pos + length > buf.byteLength) throw truncated();
      into.set(buf.subarray(pos, pos + length), offset);
      pos += length;
      return length;
    },
    eof: () => pos >= buf.byteLength,
  };
}

export async function bunzip2Into(buf: Uint8Array, sink: (chunk: Uint8Array) => void): Promise<void> {
  const { default: Bunzip } = await import("seek-bzip"); // rare on CPAN: loaded on first use
  let chunk = Buffer.allocUnsafe(CHUNK);
  let n = 0;
  const emit = () => {
    if (!n) return;
    const full = chunk.subarray(0, n);
    // The sink may keep what it is given: each chunk gets its own buffer.
    chunk = Buffer.allocUnsafe(CHUNK);
    n = 0;
    sink(full);
  };
  const output: ByteOutput = {
    writeByte(b) {
      chunk[n++] = b;
      if (n === CHUNK) emit();
    },
    flush: emit,
  };
  // Concatenated streams (pbzip2, and `cat a.bz2 b.bz2`) are one file to bzip2 -d, and here.
  Bunzip.decode(input(buf), output, true);
  emit();
}
