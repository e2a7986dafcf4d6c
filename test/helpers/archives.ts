// Test archives built in memory: tar (plain or gzip) with tar-stream, zip with yazl.
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import yazl from "yazl";

export interface TarEntry {
  name: string;
  content?: string | Uint8Array;
  type?: "file" | "symlink" | "link" | "directory" | "character-device" | "fifo";
  linkname?: string;
}

export async function tar(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => p.on("end", () => resolve()));
  for (const e of entries) {
    const body = typeof e.content === "string" ? Buffer.from(e.content) : e.content ? Buffer.from(e.content) : undefined;
    await new Promise<void>((resolve, reject) =>
      p.entry(
        { name: e.name, type: e.type ?? "file", linkname: e.linkname, mtime: new Date(0), ...(body && (e.type ?? "file") === "file" ? {} : { size: 0 }) },
        body ?? (undefined as never),
        (err?: Error | null) => (err ? reject(err) : resolve()),
      ),
    );
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export const tarGz = async (entries: TarEntry[]) => gzipSync(await tar(entries));

export interface ZipEntry {
  name: string;
  content?: string;
  symlinkTo?: string;
  /** Unix mode bits (file type included) stored in the external attributes. */
  mode?: number;
}

export function zip(entries: ZipEntry[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const e of entries) {
    if (e.symlinkTo !== undefined) z.addBuffer(Buffer.from(e.symlinkTo), e.name, { mode: 0o120777 });
    else z.addBuffer(Buffer.from(e.content ?? ""), e.name, e.mode !== undefined ? { mode: e.mode } : {});
  }
  z.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    z.outputStream
      .on("data", (c: Buffer) => chunks.push(c))
      .on("end", () => resolve(Buffer.concat(chunks)))
      .on("error", reject);
  });
}

export const metaJson = (fields: Record<string, unknown>) => JSON.stringify({ "meta-spec": { version: 2 }, license: ["perl_5"], ...fields });
