/**
 * Applying one file's hunks exactly as GNU patch 2.7 does with `-F0` (no fuzz): the same search
 * for each hunk (at the stated line plus the offset of the previous hunk, then +1, -1, +2, -2, ...
 * never before the end of what the previous hunk changed), the same rule that a hunk with less
 * leading (trailing) context than trailing (leading) must sit at the start (end) of the file, and
 * the same handling of a last line without a newline. Differentially tested against /usr/bin/patch.
 * Text is latin1-decoded bytes (one char per byte), so the output is byte for byte.
 */
import { PatchError } from "./errors";
import { type FilePatch, type Hunk, hunkName } from "./model";

/** Lines with their newline; the last one may lack it. */
function splitLines(s: string): string[] {
  const out = s.split(/(?<=\n)/);
  return out.length === 1 && out[0] === "" ? [] : out;
}

interface Pattern {
  readonly old: readonly { op: string; text: string }[];
  readonly repl: readonly { op: string; text: string }[];
  readonly first: number;
  readonly prefix: number;
  readonly suffix: number;
}

function pattern(h: Hunk): Pattern {
  const full = (l: Hunk["lines"][number]) => ({ op: l.op, text: l.eol ? `${l.text}\n` : l.text });
  const changes = h.lines.map((l) => l.op !== " ");
  const prefix = changes.indexOf(true);
  const suffix = h.lines.length - 1 - changes.lastIndexOf(true);
  return {
    old: h.lines.filter((l) => l.op !== "+").map(full),
    repl: h.lines.filter((l) => l.op !== "-").map(full),
    // A hunk that removes nothing inserts after its old start line (GNU's "append, not insert").
    first: h.oldCount === 0 ? h.oldStart + 1 : h.oldStart,
    prefix,
    suffix,
  };
}

export function applyFilePatch(input: string, file: FilePatch): string {
  const lines = splitLines(input);
  const out: string[] = [];
  let afterNewline = true;
  let frozen = 0; // input lines 1..frozen are already copied out or deleted
  let inOffset = 0;
  const fetch = (n: number) => (n >= 1 && n <= lines.length ? (lines[n - 1] as string) : "");
  const write = (s: string) => {
    out.push(s);
    afterNewline = s.endsWith("\n");
  };
  let current = "";
  const copyTill = (last: number) => {
    if (frozen > last) throw new PatchError("does-not-apply", `${current} would apply before the end of the previous hunk (misordered hunks)`);
    for (; frozen < last; ) {
      const s = fetch(++frozen);
      if (!s) continue;
      if (!afterNewline) out.push("\n");
      write(s);
    }
  };
  const matches = (p: Pattern, at: number, prefixFuzz: number, suffixFuzz: number) => {
    for (let pl = 1 + prefixFuzz, il = at + prefixFuzz; pl <= p.old.length - suffixFuzz; pl++, il++) if (fetch(il) !== p.old[pl - 1]?.text) return false;
    return true;
  };
  /** Where the hunk applies (1-based input line), or 0. Mirrors GNU patch's locate_hunk at fuzz 0. */
  const locate = (p: Pattern): number => {
    const guess = p.first + inOffset;
    const patLines = p.old.length;
    const context = Math.max(p.prefix, p.suffix);
    let prefixFuzz = p.prefix - context;
    const suffixFuzz = p.suffix - context;
    const maxWhere = lines.length - (patLines - suffixFuzz) + 1;
    const minWhere = frozen + 1 - (p.prefix - prefixFuzz);
    const maxPos = maxWhere - guess;
    let maxNeg = guess - minWhere;
    const maxOffset = Math.max(maxPos, maxNeg);
    if (!patLines) return guess;
    if (guess <= maxNeg) maxNeg = guess - 1;
    if (prefixFuzz < 0 && p.first <= 1) {
      // Less leading than trailing context: the hunk can only match at the start of the file.
      if (suffixFuzz < 0 && (patLines !== lines.length || p.prefix < frozen)) return 0;
      const offset = 1 - guess;
      if (frozen <= p.prefix && offset <= maxPos && matches(p, guess + offset, 0, suffixFuzz)) return ((inOffset += offset), guess + offset);
      return 0;
    }
    if (prefixFuzz < 0) prefixFuzz = 0;
    if (suffixFuzz < 0) {
      // Less trailing than leading context: only at the end of the file.
      const offset = guess - (lines.length - patLines + 1);
      if (offset <= maxNeg && matches(p, guess - offset, prefixFuzz, 0)) return ((inOffset -= offset), guess - offset);
      return 0;
    }
    const minOffset = maxPos < 0 ? guess - maxWhere : maxNeg < 0 ? guess - minWhere : 0;
    for (let offset = minOffset; offset <= maxOffset; offset++) {
      if (offset <= maxPos && matches(p, guess + offset, prefixFuzz, suffixFuzz)) return ((inOffset += offset), guess + offset);
      if (offset <= maxNeg && matches(p, guess - offset, prefixFuzz, suffixFuzz)) return ((inOffset -= offset), guess - offset);
    }
    return 0;
  };
  const apply = (p: Pattern, where: number) => {
    let o = 0;
    let n = 0;
    const base = where - 1;
    while (o < p.old.length) {
      const ol = p.old[o] as { op: string; text: string };
      if (ol.op === "-") {
        copyTill(base + o);
        frozen++;
        o++;
      } else if (n >= p.repl.length) break;
      else if (p.repl[n]?.op === "+") {
        copyTill(base + o);
        write(p.repl[n++]?.text as string);
      } else {
        o++;
        n++;
      }
    }
    if (n < p.repl.length && p.repl[n]?.op === "+") {
      copyTill(base + o);
      for (; n < p.repl.length && p.repl[n]?.op === "+"; n++) {
        if (!afterNewline) out.push("\n");
        write(p.repl[n]?.text as string);
      }
    }
  };
  file.hunks.forEach((h, i) => {
    const p = pattern(h);
    current = hunkName(file, i, h);
    const where = locate(p);
    if (!where)
      throw new PatchError(
        "does-not-apply",
        `${current} does not apply: its ${p.old.length} old lines are not in the file${inOffset ? ` near line ${p.first + inOffset}` : ""}, exactly`,
      );
    apply(p, where);
  });
  if (frozen < lines.length) copyTill(lines.length);
  return out.join("");
}
