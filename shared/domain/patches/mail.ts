/**
 * Who wrote a patch and what it says it does, from its header: a `git format-patch` mail (an
 * optional mbox `From <sha> ...` line, then From/Date/Subject), a `git log -p` entry (`commit`,
 * Author, Date, an indented message), or nothing at all (a bare diff). Only read, never trusted:
 * these are claims of the patch's publisher, shown to people and recorded in SBOMs.
 */
export interface PatchHeader {
  readonly author?: string;
  readonly subject?: string;
  readonly date?: Date;
  /** The commit the patch was made from, when the header names one. */
  readonly commit?: string;
}

/** RFC 2047 encoded words (=?UTF-8?q?...?= / =?UTF-8?b?...?=), as git writes non-ASCII names. */
function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([qQbB])\?([^?]*)\?=(\s+(?==\?))?/g, (all, charset: string, enc: string, text: string) => {
    if (!/^utf-?8$/i.test(charset) && !/^(us-ascii|iso-8859-1|latin1)$/i.test(charset)) return all;
    const bytes = /[bB]/.test(enc)
      ? Buffer.from(text, "base64")
      : Buffer.from(
          text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          "latin1",
        );
    return bytes.toString(/^utf-?8$/i.test(charset) ? "utf8" : "latin1");
  });
}

/** The patch text is read as latin1 (one char per byte); header values are UTF-8 in practice. */
const utf8 = (s: string) => Buffer.from(s, "latin1").toString("utf8");

function date(v: string | undefined): Date | undefined {
  if (!v) return undefined;
  const d = new Date(v.trim());
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const clean = (o: Record<string, unknown>): PatchHeader => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as PatchHeader;

/** Headers as `Name: value` with RFC 5322 continuation lines, up to the first blank line. */
function fields(lines: readonly string[], from: number): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (let i = from; i < lines.length && lines[i] !== ""; i++) {
    const line = lines[i] as string;
    const m = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line);
    if (m) {
      last = (m[1] as string).toLowerCase();
      if (!out.has(last)) out.set(last, m[2] as string);
    } else if (/^[ \t]/.test(line) && last) out.set(last, `${out.get(last)} ${line.trim()}`);
    else break;
  }
  return out;
}

export function parseHeader(lines: readonly string[]): PatchHeader {
  const first = lines[0] ?? "";
  const mbox = /^From ([0-9a-f]{40}) /.exec(first);
  if (mbox || /^From:/.test(first)) {
    const f = fields(lines, mbox ? 1 : 0);
    const subject = f.get("subject");
    return clean({
      author: f.has("from") ? decodeWords(utf8(f.get("from") as string)).trim() : undefined,
      subject: subject
        ? decodeWords(utf8(subject))
            .replace(/^\[PATCH[^\]]*\]\s*/, "")
            .trim()
        : undefined,
      date: date(f.get("date")),
      commit: mbox?.[1],
    });
  }
  const commit = /^commit ([0-9a-f]{40})\b/.exec(first);
  if (commit) {
    const f = fields(lines, 1);
    let i = 1;
    while (i < lines.length && lines[i] !== "") i++;
    while (i < lines.length && (lines[i] as string).trim() === "") i++;
    const message = /^ {4}/.test(lines[i] ?? "") ? (lines[i] as string).trim() : undefined;
    return clean({
      author: f.has("author") ? utf8(f.get("author") as string).trim() : undefined,
      subject: message ? utf8(message) : undefined,
      date: date(f.get("date")),
      commit: commit[1],
    });
  }
  return {};
}
