import type { Readable } from "node:stream";
import { extract as tarExtract } from "tar-stream";
import type { Collector } from "./collector";
import { ArchiveError } from "./errors";
import type { Budget } from "./limits";

/**
 * Reads a decompressed tar stream entry by entry. The producer feeds the parser only as fast as
 * entries are consumed, and every decompressed byte is counted first, so a bomb stops at the limit.
 */
export async function readTar(tarBytes: Readable, budget: Budget, out: Collector): Promise<void> {
  // Old V7 tars (no ustar magic) are still on CPAN; their headers are checksummed all the same.
  const extract = tarExtract({ allowUnknownFormat: true } as Parameters<typeof tarExtract>[0]);
  const feeding = (async () => {
    for await (const chunk of tarBytes as AsyncIterable<Buffer>) {
      budget.addDecompressed(chunk.length);
      if (!extract.write(chunk)) await new Promise<void>((resolve) => extract.once("drain", () => resolve()));
    }
    extract.end(undefined);
  })().catch((e: unknown) => {
    extract.destroy(e as Error);
  });
  try {
    for await (const entry of extract) {
      const h = entry.header;
      switch (h.type) {
        case "file":
        case "contiguous-file":
          await out.file(h.name, h.size ?? 0, entry as AsyncIterable<Uint8Array>);
          break;
        case "directory":
          out.directory(h.name);
          entry.resume();
          break;
        case "symlink":
        case "link":
          out.link(h.name, h.type === "link" ? "hardlink" : "symlink", h.linkname ?? "");
          entry.resume();
          break;
        default:
          throw new ArchiveError("unsupported-entry", `${h.name} is a ${h.type ?? "unknown"} entry; only files, directories and links are allowed`, h.name);
      }
    }
  } catch (e) {
    tarBytes.destroy();
    extract.destroy();
    throw e;
  }
  await feeding;
}
