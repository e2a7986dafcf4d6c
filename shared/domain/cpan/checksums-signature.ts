/**
 * Verifying a CHECKSUMS file's OpenPGP clear-signature with openpgp.js (nothing shelled out).
 * PAUSE's batch key still signs with SHA-1 digests, so SHA-1 is accepted for message signatures
 * here, and nowhere else; so is its DSA-1024 primary key (openpgp.js 6 calls DSA too weak by
 * default). Keys are judged at the signature's creation time, because PAUSE's signing subkeys
 * expire and old CHECKSUMS files stay valid. Trust is by key: only the keys passed in count.
 */
import * as openpgp from "openpgp";
import { type ChecksumEntry, ChecksumsError, extractSignedMessage, parseCksumDump } from "./checksums";

export interface VerifiedChecksums {
  readonly entries: ReadonlyMap<string, ChecksumEntry>;
  /** Fingerprint of the primary key whose (sub)key made the signature. */
  readonly signedBy: string;
  readonly signedAt: Date;
}

const config = {
  ...openpgp.config,
  rejectMessageHashAlgorithms: new Set([openpgp.enums.hash.md5, openpgp.enums.hash.ripemd]),
  rejectHashAlgorithms: new Set([openpgp.enums.hash.md5, openpgp.enums.hash.ripemd]),
  rejectPublicKeyAlgorithms: new Set([openpgp.enums.publicKey.elgamal]),
  minRSABits: 1024,
};

/** Reads trusted public keys (armored or binary). */
export async function readTrustedKeys(bytes: Uint8Array): Promise<openpgp.PublicKey[]> {
  const text = new TextDecoder().decode(bytes.subarray(0, 64));
  const keys = text.includes("-----BEGIN PGP")
    ? await openpgp.readKeys({ armoredKeys: new TextDecoder().decode(bytes) })
    : await openpgp.readKeys({ binaryKeys: bytes });
  return keys.map((k) => k.toPublic());
}

export async function verifyChecksums(file: string, trusted: readonly openpgp.PublicKey[]): Promise<VerifiedChecksums> {
  const armored = extractSignedMessage(file);
  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: armored });
  } catch (e) {
    throw new ChecksumsError(`CHECKSUMS: unreadable signed message: ${(e as Error).message}`, { cause: e });
  }
  // The typings omit CleartextMessage.signature, which openpgp.js has at run time.
  const sigs = (message as unknown as { signature: openpgp.Signature }).signature.packets;
  if (sigs.length !== 1) throw new ChecksumsError(`CHECKSUMS: ${sigs.length} signatures; expected one`);
  const signedAt = sigs[0]?.created ?? undefined;
  if (!signedAt) throw new ChecksumsError("CHECKSUMS: the signature has no creation time");
  let result: Awaited<ReturnType<typeof openpgp.verify>>;
  try {
    result = await openpgp.verify({ message, verificationKeys: [...trusted], date: signedAt, config, expectSigned: false });
  } catch (e) {
    // A packet openpgp.js cannot evaluate at all (an unknown signature type, found by fuzzing)
    // is as untrustworthy as a bad signature: an integrity failure, not a retry.
    throw new ChecksumsError(`CHECKSUMS: the signature cannot be evaluated: ${(e as Error).message}`, { cause: e });
  }
  const sig = result.signatures[0];
  if (!sig) throw new ChecksumsError("CHECKSUMS: no signature");
  try {
    await sig.verified;
  } catch (e) {
    throw new ChecksumsError(`CHECKSUMS: signature does not verify with a trusted key: ${(e as Error).message}`, { cause: e });
  }
  const key = trusted.find((k) => k.getKeys(sig.keyID).length > 0);
  if (!key) throw new ChecksumsError(`CHECKSUMS: signed by key ${sig.keyID.toHex()}, which is not trusted`);
  return { entries: parseCksumDump(String(result.data)), signedBy: key.getFingerprint().toUpperCase(), signedAt };
}
