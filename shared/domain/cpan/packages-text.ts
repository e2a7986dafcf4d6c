/**
 * 02packages.details.txt from its bytes, under FETCH_LIMITS.packagesIndexText: gunzipped output is
 * stopped at the limit (a small .gz can inflate to gigabytes), and plain text is held to the same.
 */
import { gunzipSync } from "node:zlib";
import { FETCH_LIMITS } from "../fetch-limits";

/** The index's text from its .gz. */
export const gunzipPackages = (gz: Uint8Array): string => gunzipSync(gz, { maxOutputLength: FETCH_LIMITS.packagesIndexText }).toString("utf8");

/** The index's text from a file a user names: gzipped (by its magic bytes) or not. */
export function packagesText(raw: Uint8Array): string {
  if (raw[0] === 0x1f && raw[1] === 0x8b) return gunzipPackages(raw);
  if (raw.byteLength > FETCH_LIMITS.packagesIndexText)
    throw new Error(`${raw.byteLength} bytes is over the ${FETCH_LIMITS.packagesIndexText}-byte limit for 02packages text`);
  return new TextDecoder().decode(raw);
}
