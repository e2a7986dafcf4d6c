// `cpansec log append`'s input: the byte-level reading gives exactly what decoding the input and
// JSON.parse of each line gave (the reference below is that code), for every kind of line.
import { describe, expect, it } from "vitest";
import { entriesFromLines } from "../../../cli/log-lines";

/** The command's reading before the byte-level path: decode the whole input, JSON.parse each line. */
function reference(input: Buffer, source: "stdin" | "file"): Buffer[] {
  const text = source === "stdin" ? new TextDecoder().decode(input) : input.toString("utf8");
  const entries: Buffer[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.trim()) continue;
    const v: unknown = JSON.parse(line);
    if (typeof v !== "string") throw new Error(`line ${i + 1}: expected a JSON string`);
    entries.push(Buffer.from(v, "utf8"));
  }
  return entries;
}

const outcome = (f: () => Buffer[]) => {
  try {
    return { entries: f().map((e) => e.toString("hex")) };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

const same = (input: Buffer) => {
  for (const source of ["stdin", "file"] as const)
    expect(
      outcome(() => entriesFromLines(input, source)),
      `${source}: ${JSON.stringify(input.toString("latin1"))}`,
    ).toEqual(outcome(() => reference(input, source)));
};

const BOM = "\ufeff";
const LINES = [
  '"entry 1"',
  '"cpansec-upload/v1\\npath authors/id/E/ET/ETHER/Foo-1.tar.gz\\n"',
  '"caf\u00e9 \u{1f600} \u20ac"',
  '"\\u00e9\\ud83d\\ude00\\"\\\\\\/\\b\\f\\r\\t"',
  '"\\ud800 lone"',
  '""',
  '  "spaced"  ',
  '"crlf"\r',
  "",
  "   ",
  "\u00a0",
  "\t",
  '"tab\tinside"',
  '"bell\u0007inside"',
  '"del\u007finside"',
  '"a"b"',
  '"a" "b"',
  '"unterminated',
  '"',
  "42",
  "null",
  '["a"]',
  '{"a":"b"}',
  `${BOM}"bom"`,
  '"back\\slash"',
  '"\\x"',
];

describe("entriesFromLines", () => {
  it("reads each kind of line as JSON.parse does, alone and after other lines", () => {
    for (const line of LINES) {
      same(Buffer.from(line));
      same(Buffer.from(`${line}\n`));
      same(Buffer.from(`"first"\n${line}\n"last"`));
    }
  });

  it("keeps a file's byte-order mark (an error) and drops standard input's, as their decoders did", () => {
    same(Buffer.from(`${BOM}"first"\n"second"\n`));
    expect(entriesFromLines(Buffer.from(`${BOM}"first"\n`), "stdin").map(String)).toEqual(["first"]);
    expect(() => entriesFromLines(Buffer.from(`${BOM}"first"\n`), "file")).toThrow(SyntaxError);
  });

  it("reads input that is not UTF-8 as its decoder does (replacement characters)", () => {
    for (const bytes of [
      [0x22, 0xff, 0x22],
      [0x22, 0xc3, 0x22, 0x0a, 0x22, 0x61, 0x22],
      [0x22, 0xed, 0xa0, 0x80, 0x22],
      [0xef, 0xbb, 0xbf, 0x22, 0x80, 0x22],
    ])
      same(Buffer.from(bytes));
  });

  it("numbers the line that is not a string", () => {
    expect(() => entriesFromLines(Buffer.from('"a"\n\n7\n'), "stdin")).toThrow("line 3: expected a JSON string");
  });

  it("agrees with the reference on random lines of plain, escaped, non-ASCII and stray bytes", () => {
    const pieces = ["a", "Z", " ", "\\n", "\\u0041", '\\"', "\\\\", '"', "\u00e9", "\u{1f600}", "\t", "\u0001", "\r", "\\", "\\ud83d"];
    let seed = 17;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 300; k++) {
      const lines = Array.from({ length: 1 + next(4) }, () => {
        const body = Array.from({ length: next(8) }, () => pieces[next(pieces.length)]).join("");
        return next(5) ? `"${body}"` : body;
      });
      same(Buffer.from(lines.join("\n")));
    }
  });

  it("gives each plain line's entry as a view of the input, not a copy", () => {
    const input = Buffer.from('"one"\n"two"\n');
    const [one] = entriesFromLines(input, "stdin");
    expect(one?.buffer).toBe(input.buffer);
  });
});
