/**
 * Tokens of the declarative Perl a cpanfile is written in: quoted strings, numbers and v-strings,
 * words, and `=> , ; ( ) { }`. Comments, POD and everything after __END__ are skipped. A double-
 * quoted string that interpolates, or any other character, is an error with its line: its value
 * depends on running Perl.
 */
export interface Token {
  readonly kind: "string" | "number" | "word" | "punct";
  readonly text: string;
  readonly line: number;
}

const PUNCT = ["=>", ",", ";", "(", ")", "{", "}"];
const QUOTE_OPS: Record<string, string> = { "(": ")", "{": "}", "[": "]", "<": ">" };

export function tokenize(src: string, error: (line: number, why: string) => Error): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const atLineStart = () => i === 0 || src[i - 1] === "\n";
  while (i < src.length) {
    const c = src[i] as string;
    if (c === "\n") {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (c === "=" && atLineStart() && /[A-Za-z]/.test(src[i + 1] ?? "")) {
      // POD, to a line starting =cut (or the end)
      const end = src.slice(i).search(/^=cut\b.*$/m);
      const stop = end < 0 ? src.length : i + end + (/^=cut\b.*$/m.exec(src.slice(i + end)) as RegExpExecArray)[0].length;
      line += (src.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop;
      continue;
    }
    const p = PUNCT.find((x) => src.startsWith(x, i));
    if (p) {
      out.push({ kind: "punct", text: p, line });
      i += p.length;
      continue;
    }
    if (c === "'" || c === '"') {
      const start = line;
      let s = "";
      i++;
      for (;;) {
        const d = src[i];
        if (d === undefined) throw error(start, "unterminated string");
        if (d === "\n") line++;
        if (d === "\\" && i + 1 < src.length) {
          const e = src[i + 1] as string;
          s += c === "'" ? (e === "'" || e === "\\" ? e : `\\${e}`) : e;
          i += 2;
          continue;
        }
        if (d === c) break;
        if (c === '"' && (d === "$" || d === "@")) throw error(line, "a double-quoted string interpolates a variable");
        s += d;
        i++;
      }
      i++;
      out.push({ kind: "string", text: s, line: start });
      continue;
    }
    const q = /^q\s*([({[<])/.exec(src.slice(i, i + 4));
    if (q) {
      const close = QUOTE_OPS[q[1] as string] as string;
      const from = i + q[0].length;
      const end = src.indexOf(close, from);
      if (end < 0) throw error(line, "unterminated q() string");
      out.push({ kind: "string", text: src.slice(from, end), line });
      line += (src.slice(from, end).match(/\n/g) ?? []).length;
      i = end + 1;
      continue;
    }
    const num = /^(?:v\d+(?:\.\d+)*|\d[\d_]*(?:\.[\d_]*)*)/.exec(src.slice(i));
    if (num && !/[A-Za-z_]/.test(src[i + num[0].length] ?? "")) {
      out.push({ kind: "number", text: num[0], line });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_]\w*(?:::\w+)*/.exec(src.slice(i));
    if (word) {
      if (word[0] === "__END__" || word[0] === "__DATA__") break;
      out.push({ kind: "word", text: word[0], line });
      i += word[0].length;
      continue;
    }
    throw error(line, `${JSON.stringify(c)} is Perl code, not cpanfile data`);
  }
  return out;
}
