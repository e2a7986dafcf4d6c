/**
 * PAUSE's per-author CHECKSUMS: an OpenPGP clear-signed `$cksum = { ... };` Perl dump. Only the
 * signed part is ever read, and it is parsed as data (a strict grammar of quoted keys, `=>`,
 * quoted or numeric values and nested braces), never evaluated.
 */
export class ChecksumsError extends Error {
  override readonly name = "ChecksumsError";
}

export interface ChecksumEntry {
  readonly sha256?: string;
  readonly size?: number;
  readonly md5?: string;
  readonly mtime?: string;
  /** Every field as written (sha256-ungz, md5-unbz2, isdir, ...). */
  readonly fields: Readonly<Record<string, string>>;
}

const PERL_PREFIX = "0&&<<''; # this PGP-signed message is also valid perl";
const BEGIN = "-----BEGIN PGP SIGNED MESSAGE-----";
const END = "-----END PGP SIGNATURE-----";

/**
 * The one clear-signed message of a CHECKSUMS file. Refuses anything outside it but the Perl
 * prefix line and whitespace: text before it (a prepended, unsigned `$cksum`), a second message,
 * or a truncated signature.
 */
export function extractSignedMessage(file: string): string {
  let rest = file.replace(/^\uFEFF/, "");
  if (rest.startsWith(PERL_PREFIX)) rest = rest.slice(PERL_PREFIX.length).replace(/^\r?\n/, "");
  rest = rest.replace(/^\s+/, "");
  if (!rest.startsWith(BEGIN)) throw new ChecksumsError("CHECKSUMS: text before the signed message (only the Perl prefix line may precede it)");
  if (rest.indexOf(BEGIN, BEGIN.length) >= 0) throw new ChecksumsError("CHECKSUMS: more than one signed message");
  const end = rest.indexOf(END);
  if (end < 0) throw new ChecksumsError("CHECKSUMS: the signature block is incomplete (no END PGP SIGNATURE)");
  const after = rest.slice(end + END.length);
  if (after.trim() !== "") throw new ChecksumsError("CHECKSUMS: text after the signature");
  return `${rest.slice(0, end + END.length)}\n`;
}

/** Parses the signed text's `$cksum = {...};` literal. */
export function parseCksumDump(text: string): Map<string, ChecksumEntry> {
  let i = 0;
  const fail = (what: string): never => {
    const line = text.slice(0, i).split("\n").length;
    throw new ChecksumsError(`CHECKSUMS line ${line}: ${what}`);
  };
  const skip = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i] as string)) i++;
      if (text[i] === "#") while (i < text.length && text[i] !== "\n") i++;
      else return;
    }
  };
  const expect = (s: string) => {
    skip();
    if (!text.startsWith(s, i)) fail(`expected ${JSON.stringify(s)}`);
    i += s.length;
  };
  const scalar = (): string => {
    skip();
    const q = text[i];
    if (q === "'" || q === '"') {
      let out = "";
      i++;
      for (;;) {
        const c = text[i];
        if (c === undefined) fail("unterminated string");
        if (c === q) break;
        if (c === "\\") {
          const n = text[i + 1];
          if (n === q || n === "\\") {
            out += n;
            i += 2;
            continue;
          }
        }
        if (q === '"' && (c === "$" || c === "@")) fail("interpolation in a double-quoted string");
        out += c;
        i++;
      }
      i++;
      return out;
    }
    const m = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i, i + 40));
    if (!m) fail("expected a quoted string or a number");
    i += (m as RegExpExecArray)[0].length;
    return (m as RegExpExecArray)[0];
  };
  const hash = (depth: number): Map<string, string | Map<string, unknown>> => {
    expect("{");
    const out = new Map<string, string | Map<string, unknown>>();
    for (;;) {
      skip();
      if (text[i] === "}") {
        i++;
        return out;
      }
      const key = scalar();
      expect("=>");
      skip();
      const value = text[i] === "{" ? (depth < 2 ? hash(depth + 1) : fail("nesting too deep")) : scalar();
      if (out.has(key)) fail(`duplicate key ${JSON.stringify(key)}`);
      out.set(key, value as string | Map<string, unknown>);
      skip();
      if (text[i] === ",") i++;
      else if (text[i] !== "}") fail("expected ',' or '}'");
    }
  };
  expect("$cksum");
  expect("=");
  const top = hash(0);
  expect(";");
  skip();
  if (text.startsWith("__END__", i)) i = text.length;
  skip();
  if (i < text.length) fail("unexpected text after the dump");
  const entries = new Map<string, ChecksumEntry>();
  for (const [file, v] of top) {
    if (!(v instanceof Map)) fail(`entry ${JSON.stringify(file)} is not a hash`);
    const fields: Record<string, string> = {};
    for (const [k, x] of v as Map<string, unknown>) {
      if (typeof x !== "string") fail(`${file}.${k} is not a scalar`);
      fields[k] = x as string;
    }
    if (fields.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(fields.sha256)) fail(`${file}: sha256 is not 64 hex digits`);
    if (fields.size !== undefined && !/^[0-9]+$/.test(fields.size)) fail(`${file}: size is not a number`);
    entries.set(file, {
      ...(fields.sha256 ? { sha256: fields.sha256 } : {}),
      ...(fields.size ? { size: Number(fields.size) } : {}),
      ...(fields.md5 ? { md5: fields.md5 } : {}),
      ...(fields.mtime ? { mtime: fields.mtime } : {}),
      fields,
    });
  }
  return entries;
}
