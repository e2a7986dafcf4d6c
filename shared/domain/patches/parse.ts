/**
 * A strict reader of unified diffs as `git format-patch`, `git log -p` and `diff -u` write them.
 * Strict where GNU patch guesses: line counts must match the hunk header exactly, no line may
 * follow a complete hunk as if it belonged to it, paths must stay inside the distribution, and
 * binary, renamed, CRLF or context-format patches are refused with the reason. Two laxities are
 * kept from GNU patch, both for whitespace that mailers eat: an empty line inside a hunk is an
 * empty context line, and a hunk that ends the patch up to 3 lines short (the same on both sides)
 * is completed with empty context lines. One of CPANSec's published patches needs both.
 */
import { DEFAULT_PATCH_LIMITS, PatchError, type PatchLimits } from "./errors";
import { parseHeader } from "./mail";
import type { FilePatch, Hunk, HunkLine, LineOp, ParsedPatch } from "./model";
import { readFileHeader, readGitHeader } from "./file-header";

const HUNK = /^@@ -(\d{1,9})(?:,(\d{1,9}))? \+(\d{1,9})(?:,(\d{1,9}))? @@(.*)$/;

class Reader {
  i = 0;
  constructor(
    readonly lines: readonly string[],
    readonly name: string,
  ) {}
  get line(): string | undefined {
    return this.lines[this.i];
  }
  at(n: number): string {
    return `${this.name}:${n + 1}`;
  }
}

function readHunk(r: Reader, path: string, index: number): Hunk {
  const start = r.i;
  const header = r.line as string;
  const m = HUNK.exec(header);
  const where = `hunk #${index + 1} of ${path}`;
  const at = `${r.at(start)}: `;
  if (!m) throw new PatchError("malformed", `${at}${where}: bad hunk header ${JSON.stringify(header)}`);
  const [oldStart, oldCount, newStart, newCount] = [m[1], m[2] ?? "1", m[3], m[4] ?? "1"].map(Number) as [number, number, number, number];
  const lines: HunkLine[] = [];
  let olds = 0;
  let news = 0;
  r.i++;
  while (olds < oldCount || news < newCount) {
    const line = r.line;
    if (line === undefined) {
      // Mailers also drop trailing empty lines: like GNU patch, take up to 3 missing lines at the
      // very end of the patch as empty context lines, but only when both sides miss the same count.
      const missing = oldCount - olds;
      if (missing !== newCount - news || missing > 3)
        throw new PatchError("malformed", `${at}${where}: the patch ends after ${olds} of ${oldCount} old and ${news} of ${newCount} new lines`);
      for (let k = 0; k < missing; k++) lines.push({ op: " ", text: "", eol: true });
      break;
    }
    if (line.startsWith("\\ ")) {
      const prev = lines.pop();
      if (!prev || !prev.eol) throw new PatchError("malformed", `${r.at(r.i)}: ${JSON.stringify(line)} follows no line`);
      lines.push({ ...prev, eol: false });
      r.i++;
      continue;
    }
    const op = (line === "" ? " " : line[0]) as LineOp;
    if (op !== " " && op !== "-" && op !== "+")
      throw new PatchError(
        "malformed",
        `${r.at(r.i)}: ${JSON.stringify(line.slice(0, 60))} is not a context, '-' or '+' line, and ${where} (line ${start + 1}) needs ${oldCount - olds} more old and ${newCount - news} more new lines`,
      );
    if (op !== "+") olds++;
    if (op !== "-") news++;
    if (olds > oldCount || news > newCount)
      throw new PatchError("malformed", `${r.at(r.i)}: ${where} has more lines than its header ${header.split(" @@")[0]} @@ says`);
    lines.push({ op, text: line.slice(1), eol: true });
    r.i++;
  }
  if (r.line?.startsWith("\\ ")) {
    const prev = lines.pop() as HunkLine;
    lines.push({ ...prev, eol: false });
    r.i++;
  }
  checkEnds(lines, `${at}${where}`);
  if (!lines.some((l) => l.op !== " ")) throw new PatchError("malformed", `${at}${where} changes nothing`);
  const next = r.line;
  // A line that reads like more of this hunk means its header miscounts: refuse rather than guess.
  if (next !== undefined && /^[-+ ]/.test(next) && next !== "-- " && !next.startsWith("--- ") && next !== "---") {
    throw new PatchError(
      "malformed",
      `${r.at(r.i)}: ${JSON.stringify(next.slice(0, 60))} follows ${where} (line ${start + 1}), which its header says is complete`,
    );
  }
  return { oldStart, oldCount, newStart, newCount, header, line: start + 1, lines };
}

/** `\ No newline at end of file` may only mark the last old and/or last new line. */
function checkEnds(lines: readonly HunkLine[], where: string): void {
  const lastOld = lines.findLastIndex((l) => l.op !== "+");
  const lastNew = lines.findLastIndex((l) => l.op !== "-");
  lines.forEach((l, k) => {
    if (l.eol) return;
    if ((l.op !== "+" && k !== lastOld) || (l.op !== "-" && k !== lastNew))
      throw new PatchError("malformed", `${where}: "no newline at end of file" marks a line that is not the last one`);
  });
}

function readFile(r: Reader, path: string, kind: FilePatch["kind"], limits: PatchLimits, count: { hunks: number }): FilePatch {
  const hunks: Hunk[] = [];
  while (r.line?.startsWith("@@ ")) {
    if (++count.hunks > limits.maxHunks) throw new PatchError("limit", `${r.name}: more than ${limits.maxHunks} hunks`);
    const prev = hunks[hunks.length - 1];
    if (prev?.lines.some((l) => !l.eol)) throw new PatchError("malformed", `${r.at(r.i)}: a hunk follows the end of ${path} ("no newline at end of file")`);
    const h = readHunk(r, path, hunks.length);
    if (prev && h.oldStart < prev.oldStart + prev.oldCount)
      throw new PatchError("malformed", `${r.at(h.line - 1)}: hunk #${hunks.length + 1} of ${path} starts inside or before the previous one`);
    hunks.push(h);
  }
  if (!hunks.length) throw new PatchError("malformed", `${r.at(r.i)}: the header for ${path} has no hunk after it`);
  const only = (op: LineOp) => hunks.length === 1 && hunks[0]?.lines.every((l) => l.op === op);
  if (kind === "create" && !(only("+") && hunks[0]?.oldStart === 0))
    throw new PatchError("malformed", `${r.name}: ${path} is created (from /dev/null) by a hunk that is not all '+' lines from line 0`);
  if (kind === "delete" && !(only("-") && hunks[0]?.newStart === 0))
    throw new PatchError("malformed", `${r.name}: ${path} is deleted (to /dev/null) by a hunk that is not all '-' lines`);
  return { path, kind, hunks };
}

export function parsePatch(bytes: Uint8Array, name = "patch", limits: PatchLimits = DEFAULT_PATCH_LIMITS): ParsedPatch {
  if (bytes.byteLength > limits.maxPatchBytes)
    throw new PatchError("limit", `${name}: ${bytes.byteLength} bytes is over the ${limits.maxPatchBytes}-byte limit for a patch`);
  if (bytes.includes(0)) throw new PatchError("binary", `${name}: has a NUL byte: a binary file, not a text patch`);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  if (text.includes("\r")) throw new PatchError("unsupported", `${name}: has carriage returns (CRLF line ends); only LF patches are applied`);
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const r = new Reader(lines, name);
  const files: FilePatch[] = [];
  const count = { hunks: 0 };
  while (r.line !== undefined) {
    const line = r.line;
    if (line.startsWith("diff --git ") || (line.startsWith("--- ") && r.lines[r.i + 1]?.startsWith("+++ "))) {
      const git = line.startsWith("diff ") ? readGitHeader(r.lines, r.i, name) : undefined;
      if (git) r.i = git.next;
      const head = readFileHeader(r.lines, r.i, name, git?.path);
      r.i += 2;
      if (files.some((f) => f.path === head.path)) throw new PatchError("unsupported", `${r.at(r.i - 2)}: ${head.path} is patched twice in one patch`);
      if (files.length >= limits.maxFiles) throw new PatchError("limit", `${name}: more than ${limits.maxFiles} files`);
      files.push(readFile(r, head.path, head.kind, limits, count));
      continue;
    }
    if (line.startsWith("@@ ")) throw new PatchError("malformed", `${r.at(r.i)}: a hunk with no file header before it`);
    if (/^(GIT binary patch|Binary files .* differ)$/.test(line)) throw new PatchError("binary", `${r.at(r.i)}: a binary patch; only text diffs are applied`);
    if (line.startsWith("*** ") && r.lines[r.i + 1]?.startsWith("--- "))
      throw new PatchError("unsupported", `${r.at(r.i)}: a context diff; only unified diffs are applied`);
    r.i++;
  }
  if (!files.length) throw new PatchError("malformed", `${name}: no unified diff in it`);
  return { header: parseHeader(lines), files };
}
