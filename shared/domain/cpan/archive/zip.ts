import type { Readable } from "node:stream";
import yauzl from "yauzl";
import type { Collector } from "./collector";
import { ArchiveError } from "./errors";
import type { Budget } from "./limits";

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

const open = (buf: Buffer) =>
  new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (e, z) => (e ? reject(e) : resolve(z))),
  );

const openEntry = (z: yauzl.ZipFile, entry: yauzl.Entry) =>
  new Promise<Readable>((resolve, reject) => z.openReadStream(entry, (e, s) => (e ? reject(e) : resolve(s))));

async function* entries(z: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const next = new Promise<yauzl.Entry | null>((resolve, reject) => {
      z.once("entry", resolve)
        .once("end", () => resolve(null))
        .once("error", reject);
    });
    z.readEntry();
    const entry = await next;
    z.removeAllListeners("entry").removeAllListeners("end").removeAllListeners("error");
    if (!entry) return;
    yield entry;
  }
}

/** Reads a zip from memory. Declared sizes are checked before inflating; yauzl checks actual ones. */
export async function readZip(buf: Buffer, budget: Budget, out: Collector): Promise<void> {
  const z = await open(buf);
  try {
    if (z.entryCount > budget.limits.maxEntries)
      throw new ArchiveError("limit", `archive has ${z.entryCount} entries, over the ${budget.limits.maxEntries} limit`);
    for await (const entry of entries(z)) {
      const unixMode = entry.versionMadeBy >> 8 === 3 ? entry.externalFileAttributes >>> 16 : 0;
      const kind = unixMode & S_IFMT;
      // Extractors (unzip, Archive::Zip, Python's zipfile) take a directory from the trailing `/`
      // alone: a directory mode on a plain name, or a `/` name with data, would be written as
      // something other than what we list, so such an entry is refused, as tar's guard does.
      const dirByName = entry.fileName.endsWith("/");
      if (dirByName ? entry.uncompressedSize > 0 : kind === S_IFDIR) {
        throw new ArchiveError(
          "unsupported-entry",
          `${entry.fileName} is a directory by its ${dirByName ? "name but carries data" : "mode but not by its name"}: extractors would disagree with this listing`,
          entry.fileName,
        );
      }
      if (dirByName) {
        out.directory(entry.fileName);
        continue;
      }
      if (kind !== 0 && kind !== S_IFREG && kind !== S_IFLNK) {
        throw new ArchiveError(
          "unsupported-entry",
          `${entry.fileName} is a special file (mode ${unixMode.toString(8)}); only files, directories and links are allowed`,
          entry.fileName,
        );
      }
      if (entry.isEncrypted()) throw new ArchiveError("unsupported-entry", `${entry.fileName} is encrypted`, entry.fileName);
      budget.addDecompressed(entry.uncompressedSize);
      // The entry is checked (path, size) before its stream is opened, and the stream is destroyed
      // on every way out: an abandoned yauzl stream goes on inflating and later emits its size
      // check's error with no listener, an uncaught exception (found by fuzzing).
      const sink = kind === S_IFLNK ? undefined : out.openFile(entry.fileName, entry.uncompressedSize);
      const stream = await openEntry(z, entry);
      try {
        if (!sink) {
          const target: Buffer[] = [];
          let n = 0;
          for await (const c of stream as AsyncIterable<Buffer>) if ((n += c.length) <= 4096) target.push(c);
          out.link(entry.fileName, "symlink", Buffer.concat(target).toString("utf8"));
        } else {
          for await (const c of stream as AsyncIterable<Uint8Array>) sink.write(c);
          sink.close();
        }
      } finally {
        stream.destroy();
      }
    }
  } finally {
    z.close();
  }
}
