/**
 * A reproducible zip (osv.dev's `all.zip`): entries in the order given, deflated, each dated by its
 * record's `modified` and nothing else. yazl writes DOS times in local time, so the date is built
 * from the UTC fields: the same records give the same bytes in any time zone.
 */
import { ZipFile } from "yazl";

export interface ZipEntry {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** RFC 3339, UTC. */
  readonly mtime: string;
}

export function zipFiles(entries: readonly ZipEntry[]): Promise<Uint8Array> {
  const zip = new ZipFile();
  for (const e of entries) {
    const t = new Date(e.mtime);
    const local = new Date(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds());
    zip.addBuffer(Buffer.from(e.bytes), e.name, { mtime: local, mode: 0o100644, compress: true, forceDosTimestamp: true });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream
      .on("data", (c: Buffer) => chunks.push(c))
      .on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))))
      .on("error", reject);
  });
}
