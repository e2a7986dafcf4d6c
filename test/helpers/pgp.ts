// A throwaway OpenPGP key and a CHECKSUMS file signed with it, as PAUSE would write one.
import * as openpgp from "openpgp";
import { cksumDump as demoDump } from "../../cli/demo/mirror";

export async function testKey(name = "Test PAUSE Batch Signing Key") {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: "curve25519",
    userIDs: [{ name, email: "pause@example.invalid" }],
    format: "object",
    date: new Date("2020-01-01T00:00:00Z"),
  });
  return { privateKey, publicKey };
}

/** `$cksum` dump text as CPAN::Checksums writes it, for { file: { sha256, size } } (md5 zeroed). */
export function cksumDump(entries: Record<string, { sha256: string; size: number }>): string {
  return demoDump(Object.fromEntries(Object.entries(entries).map(([f, e]) => [f, { ...e, md5: "0".repeat(32) }])));
}

export async function signedChecksums(text: string, privateKey: openpgp.PrivateKey, date = new Date("2026-08-16T14:31:00Z")): Promise<string> {
  const message = await openpgp.createCleartextMessage({ text });
  const signed = await openpgp.sign({ message, signingKeys: privateKey, date });
  return `0&&<<''; # this PGP-signed message is also valid perl\n${signed}`;
}
