/**
 * The overlay's signing key and its CHECKSUMS signatures: OpenPGP clear-signed, as PAUSE signs its
 * own, with the deployment's key instead of PAUSE's. A v4 Ed25519 key (what GnuPG 2.2 and
 * CPAN::Checksums' verifiers read), SHA-512 digests. Only the signed text is data; the Perl prefix
 * line lets `Safe->reval` (cpanm --verify) read the file as CPAN.pm reads PAUSE's.
 */
import * as openpgp from "openpgp";

export const PERL_PREFIX = "0&&<<''; # this PGP-signed message is also valid perl\n";

/** A new key (armored private key; the public key is derived from it). No passphrase: it lives in a secret store or a 0600 file. */
export async function generateOverlayKey(name: string, email: string, date: Date): Promise<string> {
  const { privateKey } = await openpgp.generateKey({
    type: "ecc",
    curve: "ed25519Legacy",
    userIDs: [{ name, email }],
    date,
    format: "armored",
    config: { ...openpgp.config, v6Keys: false },
  });
  return privateKey;
}

export async function readOverlayKey(armored: string): Promise<openpgp.PrivateKey> {
  const key = await openpgp.readPrivateKey({ armoredKey: armored });
  if (!key.isDecrypted()) throw new Error("the overlay signing key is passphrase-protected; store it unprotected in its secret");
  return key;
}

export const publicKeyOf = (key: openpgp.PrivateKey): string => key.toPublic().armor();

/** A CHECKSUMS file: the Perl prefix line, then `text` clear-signed at `date`. */
export async function signChecksums(text: string, key: openpgp.PrivateKey, date: Date): Promise<string> {
  const message = await openpgp.createCleartextMessage({ text });
  const signed = await openpgp.sign({ message, signingKeys: key, date, config: { ...openpgp.config, preferredHashAlgorithm: openpgp.enums.hash.sha512 } });
  return `${PERL_PREFIX}${signed}`;
}
