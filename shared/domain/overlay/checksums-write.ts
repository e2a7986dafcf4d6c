/**
 * A CHECKSUMS file as CPAN::Checksums writes it, for an author directory of the overlay: a comment
 * line, then `$cksum = { 'file' => { 'md5' => ..., 'size' => ... }, ... };` with keys sorted and
 * one-space-per-level indentation (Data::Dumper, Indent 1), then `__END__`. The text is what gets
 * clear-signed (./sign.ts); ../cpan/checksums.ts is the reader, and tests read this writer's
 * output back with it.
 */
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { byCodePoint } from "../order";

/** Field name → value, as in the dump (`size` is numeric, the rest strings). */
export type CksumFields = Readonly<Record<string, string | number>>;

const hex = (alg: string, b: Uint8Array) => createHash(alg).update(b).digest("hex");

/** What CPAN::Checksums records for a file: its digests, `-ungz` digests of a gzip's content, size, mtime day. */
export function checksumFields(name: string, bytes: Uint8Array, mtime: Date): CksumFields {
  const fields: Record<string, string | number> = {
    md5: hex("md5", bytes),
    mtime: mtime.toISOString().slice(0, 10),
    sha256: hex("sha256", bytes),
    size: bytes.byteLength,
  };
  if (/\.(tar\.gz|tgz)$/.test(name)) {
    const raw = gunzipSync(bytes);
    fields["md5-ungz"] = hex("md5", raw);
    fields["sha256-ungz"] = hex("sha256", raw);
  }
  return fields;
}

// Data::Dumper's single quoting: only the quote and the backslash are escaped.
const q = (s: string) => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** The text to sign; `writtenBy` names the writer on the comment line (e.g. "cpansec-pipeline (v0.1.0)"). */
export function formatCksumDump(files: ReadonlyMap<string, CksumFields>, writtenAt: Date, writtenBy: string): string {
  const when = writtenAt
    .toUTCString()
    .replace(/^(\w+), (\d+) (\w+) (\d+) (\S+) GMT$/, (_, d, n, m, y, t) => `${d} ${m} ${String(Number(n)).padStart(2, " ")} ${t} ${y} GMT`);
  const entries = [...files.keys()].sort(byCodePoint).map((name) => {
    const f = files.get(name) as CksumFields;
    const lines = Object.keys(f)
      .sort(byCodePoint)
      .map((k) => `    ${q(k)} => ${typeof f[k] === "number" ? String(f[k]) : q(String(f[k]))}`);
    return `  ${q(name)} => {\n${lines.join(",\n")}\n  }`;
  });
  return `# CHECKSUMS file written on ${when} by ${writtenBy}\n$cksum = {\n${entries.join(",\n")}\n};\n__END__\n`;
}
