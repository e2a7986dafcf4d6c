/**
 * The CPANSA feed's detached OpenPGP signature (`cpan-security-advisory.json.gpg`, armored or
 * binary), checked with openpgp.js against the keys the operator trusts: nothing else counts.
 * A signature that does not verify, or that no trusted key made, is a FeedError: the feed is not
 * used.
 */
import * as openpgp from "openpgp";
import { FeedError } from "./feed";

/** Reads a detached signature, armored or binary. */
async function readSignature(bytes: Uint8Array): Promise<openpgp.Signature> {
  const text = new TextDecoder().decode(bytes.subarray(0, 64));
  try {
    return text.includes("-----BEGIN PGP SIGNATURE")
      ? await openpgp.readSignature({ armoredSignature: new TextDecoder().decode(bytes) })
      : await openpgp.readSignature({ binarySignature: bytes });
  } catch (e) {
    throw new FeedError(`the feed's signature is not an OpenPGP signature: ${(e as Error).message}`, { cause: e });
  }
}

/** The fingerprint (upper-case hex) of the trusted primary key whose (sub)key signed `feed`. */
export async function verifyFeedSignature(feed: Uint8Array, signature: Uint8Array, trusted: readonly openpgp.PublicKey[]): Promise<string> {
  if (!trusted.length) throw new FeedError("no trusted key to verify the feed's signature with");
  const sig = await readSignature(signature);
  const ids = sig.getSigningKeyIDs();
  const key = trusted.find((k) => ids.some((id) => k.getKeys(id).length > 0));
  if (!key)
    throw new FeedError(`the feed is signed by key ${ids.map((i) => i.toHex().toUpperCase()).join(", ") || "(none named)"}, which is not a trusted feed key`);
  let result: Awaited<ReturnType<typeof openpgp.verify>>;
  try {
    result = await openpgp.verify({
      message: await openpgp.createMessage({ binary: feed }),
      signature: sig,
      verificationKeys: [...trusted],
      expectSigned: false,
    });
  } catch (e) {
    throw new FeedError(`the feed's signature cannot be evaluated: ${(e as Error).message}`, { cause: e });
  }
  if (result.signatures.length !== 1) throw new FeedError(`the feed's signature file holds ${result.signatures.length} signatures; expected one`);
  try {
    await result.signatures[0]?.verified;
  } catch (e) {
    throw new FeedError(`the feed's signature does not verify with trusted key ${key.getFingerprint().toUpperCase()}: ${(e as Error).message}`, { cause: e });
  }
  return key.getFingerprint().toUpperCase();
}
