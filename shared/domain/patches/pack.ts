/**
 * A reproducible .tar.gz: the same entries give the same bytes on any machine. Entries sorted by
 * path (byte order), every parent directory listed before its contents, one fixed mtime, owner
 * 0:0 with empty user and group names, modes normalised (directories 0755, files 0644, or 0755
 * for a file that starts with `#!`), and a gzip header with no name and no timestamp.
 */
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import { byCodePoint } from "../order";

export type PackEntry =
  | { readonly path: string; readonly type: "file"; readonly bytes: Uint8Array }
  | { readonly path: string; readonly type: "symlink" | "hardlink"; readonly target: string };

const isScript = (b: Uint8Array) => b[0] === 0x23 && b[1] === 0x21;

export async function packTarGz(entries: readonly PackEntry[], mtime: Date): Promise<Uint8Array> {
  const dirs = new Set<string>();
  for (const e of entries) {
    const parts = e.path.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(`${parts.slice(0, i).join("/")}/`);
  }
  const all = [...[...dirs].map((path) => ({ path, type: "directory" as const })), ...entries].sort((a, b) => byCodePoint(a.path, b.path));
  // One second resolution: tar headers hold whole seconds, so a fraction would be dropped anyway.
  const time = new Date(Math.floor(mtime.getTime() / 1000) * 1000);
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on("end", resolve);
    p.on("error", reject);
  });
  const owner = { uid: 0, gid: 0, uname: "", gname: "", mtime: time };
  for (const e of all) {
    if (e.type === "directory") p.entry({ name: e.path, type: "directory", mode: 0o755, ...owner });
    else if (e.type === "file")
      p.entry({ name: e.path, type: "file", mode: isScript(e.bytes) ? 0o755 : 0o644, size: e.bytes.byteLength, ...owner }, Buffer.from(e.bytes));
    else p.entry({ name: e.path, type: e.type === "hardlink" ? "link" : "symlink", linkname: e.target, mode: 0o777, ...owner });
  }
  p.finalize();
  await done;
  // zlib's gzip header carries mtime 0 and no file name unless told otherwise.
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}
