/**
 * The input of `cpansec log append`: JSON lines, each a JSON string holding one entry's exact text
 * (blank lines are skipped); an entry's bytes are its string's UTF-8.
 */
import { isUtf8 } from "node:buffer";
import { CommandFailure } from "./errors";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * The entries of `input`, read as before this fast path: standard input was decoded by a
 * TextDecoder, which drops a leading byte-order mark, a file by Buffer#toString, which keeps it
 * (and JSON.parse then rejects it). A line that is a plain JSON string (a quote, bytes that need no escape, a
 * quote) in valid UTF-8 holds exactly its entry's bytes: the entry is that part of `input`, without
 * a string built, parsed and encoded again. Every other line (escapes, a byte-order mark,
 * surrounding space, not a string) goes through JSON.parse, as does all of an input that is not
 * valid UTF-8 (decoding it replaces bytes).
 */
export function entriesFromLines(input: Buffer, source: "stdin" | "file"): Buffer[] {
  const stdin = source === "stdin";
  if (!isUtf8(input)) return parsedLines((stdin ? new TextDecoder().decode(input) : input.toString("utf8")).split("\n"), 0);
  const entries: Buffer[] = [];
  let start = stdin && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf ? 3 : 0;
  for (let line = 0; start <= input.byteLength; line++) {
    let end = input.indexOf(NEWLINE, start);
    if (end < 0) end = input.byteLength;
    const plain = plainString(input, start, end);
    if (plain) entries.push(plain);
    else entries.push(...parsedLines([input.toString("utf8", start, end)], line));
    start = end + 1;
  }
  return entries;
}

/** The bytes between the quotes of a line `"…"` that holds no quote, backslash or control byte inside. */
function plainString(input: Buffer, start: number, end: number): Buffer | undefined {
  if (end - start < 2 || input[start] !== QUOTE || input[end - 1] !== QUOTE) return undefined;
  for (let i = start + 1; i < end - 1; i++) {
    const b = input[i] as number;
    if (b < 0x20 || b === QUOTE || b === BACKSLASH) return undefined;
  }
  return input.subarray(start + 1, end - 1);
}

/** Lines parsed as JSON, numbered from `first` + 1 in errors. */
function parsedLines(lines: readonly string[], first: number): Buffer[] {
  const entries: Buffer[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.trim()) continue;
    const v: unknown = JSON.parse(line);
    if (typeof v !== "string") throw new CommandFailure(`line ${first + i + 1}: expected a JSON string`);
    entries.push(Buffer.from(v, "utf8"));
  }
  return entries;
}
