import { closeSync, existsSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { mirrorPathProblem } from "../../domain/cpan/upload-path";
import { FETCH_LIMITS } from "../../domain/fetch-limits";
import { type Mirror, MirrorLimitError, MirrorRefusedError } from "../../ports";

/**
 * A CPAN mirror that is a local directory (a minicpan, or the demo's generated one). Its contents
 * are as hostile as a remote mirror's: only regular files are read, never through a symlink (at
 * any depth below the root), and a FIFO or device is refused without blocking on it.
 */
export class DirMirror implements Mirror {
  readonly root: string;
  constructor(
    root: string,
    private readonly maxBytes: number = FETCH_LIMITS.archive,
  ) {
    // The root itself is the operator's choice, symlink or not (absent: every fetch finds nothing).
    this.root = existsSync(root) ? realpathSync(root) : root;
  }

  async fetch(path: string, o: { readonly maxBytes?: number } = {}): Promise<Uint8Array | undefined> {
    const problem = mirrorPathProblem(path);
    if (problem) throw new MirrorRefusedError(problem);
    const max = o.maxBytes ?? this.maxBytes;
    const parts = path.split("/");
    // Directories below the root must be directories, not links to somewhere else.
    for (let i = 1; i < parts.length; i++) {
      const dir = join(this.root, ...parts.slice(0, i));
      const st = lstatSync(dir, { throwIfNoEntry: false });
      if (!st) return undefined;
      if (!st.isDirectory())
        throw new MirrorRefusedError(`${path}: ${parts.slice(0, i).join("/")} is not a directory (${st.isSymbolicLink() ? "a symlink" : "a special file"})`);
    }
    let fd: number;
    try {
      // O_NOFOLLOW: a symlink fails with ELOOP; O_NONBLOCK: opening a FIFO does not wait for a writer.
      fd = openSync(join(this.root, path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return undefined;
      if (code === "ELOOP") throw new MirrorRefusedError(`${path} is a symlink, not a regular file`);
      throw e;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new MirrorRefusedError(`${path} is not a regular file`);
      if (st.size > max) throw new MirrorLimitError(`${path} is over the ${max}-byte limit`);
      const out = Buffer.alloc(st.size);
      let n = 0;
      for (let r; n < out.length && (r = readSync(fd, out, n, out.length - n, n)) > 0; ) n += r;
      // A file that grows while read is read only up to the size it had; one that shrinks is short.
      return out.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  }
}
