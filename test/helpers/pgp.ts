// A throwaway OpenPGP key and a CHECKSUMS file signed with it, as PAUSE would write one.
import * as openpgp from "openpgp";

export async function testKey(name = "Test PAUSE Batch Signing Key") {
  const { privateKey, publicKey } = await openpgp.generateKey({ type: "curve25519", userIDs: [{ name, email: "pause@example.invalid" }], format: "object", date: new Date("2020-01-01T00:00:00Z") });
  return { privateKey, publicKey };
}

/** `$cksum` dump text as CPAN::Checksums writes it, for { file: { sha256, size } }. */
export function cksumDump(entries: Record<string, { sha256: string; size: number }>): string {
  const body = Object.keys(entries)
    .sort()
    .map((f) => `  '${f}' => {\n    'md5' => '00000000000000000000000000000000',\n    'mtime' => '2026-08-16',\n    'sha256' => '${entries[f]?.sha256}',\n    'size' => ${entries[f]?.size}\n  }`)
    .join(",\n");
  return `# CHECKSUMS file written on Sun Aug 16 14:31:00 2026 GMT by CPAN::Checksums (v2.14)\n$cksum = {\n${body}\n};\n__END__\n`;
}

export async function signedChecksums(text: string, privateKey: openpgp.PrivateKey): Promise<string> {
  const message = await openpgp.createCleartextMessage({ text });
  const signed = await openpgp.sign({ message, signingKeys: privateKey, date: new Date("2026-08-16T14:31:00Z") });
  return `0&&<<''; # this PGP-signed message is also valid perl\n${signed}`;
}
