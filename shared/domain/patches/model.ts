/** A parsed unified diff: what each file's hunks remove, keep and add, line by line. */
import type { PatchHeader } from "./mail";

export type LineOp = " " | "-" | "+";

export interface HunkLine {
  readonly op: LineOp;
  /** The line's bytes (as latin1 chars, one per byte), without its newline. */
  readonly text: string;
  /** False for a line followed by `\ No newline at end of file`. */
  readonly eol: boolean;
}

export interface Hunk {
  readonly oldStart: number;
  readonly oldCount: number;
  readonly newStart: number;
  readonly newCount: number;
  /** The `@@ ... @@` line as written, for messages. */
  readonly header: string;
  /** 1-based line of the `@@` header in the patch. */
  readonly line: number;
  readonly lines: readonly HunkLine[];
}

export interface FilePatch {
  /** Path inside the distribution's top directory (after -p1). */
  readonly path: string;
  readonly kind: "modify" | "create" | "delete";
  readonly hunks: readonly Hunk[];
}

export interface ParsedPatch {
  readonly header: PatchHeader;
  readonly files: readonly FilePatch[];
}

/** `hunk #2 (@@ -201,7 +202,7 @@) of lib/Foo.pm`: how every message names a hunk. */
export const hunkName = (f: { path: string }, index: number, h: Hunk) => `hunk #${index + 1} (${h.header.replace(/^(@@ [^@]* @@).*$/, "$1")}) of ${f.path}`;
