/**
 * How many bytes each kind of fetched object may have: every fetch streams its body and stops at
 * its limit (shared/adapters/http/body.ts), so a hostile or broken server costs at most this much
 * memory. Sizes are several times the largest real object of each kind; the smallest Lambda
 * that reads them has 512 MB.
 */
import { MAX_ENTRY_BYTES, TILE_WIDTH } from "./tlog/tiles";

const MiB = 2 ** 20;

export const FETCH_LIMITS = {
  /** A release archive (the archive reader's own limit is the same). */
  archive: 128 * MiB,
  /**
   * A RECENT file: CPAN's RECENT-1M is a few MiB; JSON.parse costs several times the text in heap
   * (a 14 MiB one, 130,000 events, parsed and selected at 210 MiB RSS; 74 MiB at 489 MiB): 92 MiB
   * took the 512 MB watcher past its memory.
   */
  recent: 16 * MiB,
  /** An author's CHECKSUMS (the largest on CPAN are a few MiB). */
  checksums: 8 * MiB,
  /**
   * 02packages.details.txt.gz: about 3 MiB gzipped, 20 MiB of text on CPAN in 2026. A valid but
   * huge index would be parsed into one string and a line array by refresh and by every match.
   */
  packagesIndex: 16 * MiB,
  /** The same index gunzipped. */
  packagesIndexText: 128 * MiB,
  /** The advisory feed (cpan-security-advisory.json was 3.8 MiB in 2026). */
  advisoryFeed: 64 * MiB,
  /** Its detached OpenPGP signature (833 bytes). */
  feedSignature: 1 * MiB,
  /** A log tile (8 KiB), checkpoint (bytes) or entry bundle: 256 entries of at most 65,535 bytes, each with a 2-byte length. */
  logObject: TILE_WIDTH * (MAX_ENTRY_BYTES + 2),
} as const;
