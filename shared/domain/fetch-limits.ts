/**
 * How many bytes each kind of fetched or read object may have, all in this one file: every fetch
 * streams its body and stops at its limit (shared/adapters/http/body.ts), a local file is checked
 * by size before it is read, so a hostile or broken server or file costs at most this much
 * memory. Sizes are several times the largest real object of each kind; the smallest Lambda
 * that reads them has 512 MB. (The archive reader's own budgets, per entry and in total, are in
 * shared/domain/cpan/archive/limits.ts; a patch's in shared/domain/patches/errors.ts.)
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
  /**
   * The advisory feed (cpan-security-advisory.json was 3.8 MiB in 2026), on every path that reads
   * it: the refresh handler, `cpansec run`, scan and audit (the refresh sequence holds any other
   * source to it too). 64 MiB is 16 times today's feed; parsed, it costs several times that in heap.
   */
  advisoryFeed: 64 * MiB,
  /** Its detached OpenPGP signature (833 bytes). */
  feedSignature: 1 * MiB,
  /** A log tile (8 KiB), checkpoint (bytes) or entry bundle: 256 entries of at most 65,535 bytes, each with a 2-byte length. */
  logObject: TILE_WIDTH * (MAX_ENTRY_BYTES + 2),
  /** A webhook receiver's response body: only its status matters, the body is kept for the delivery record. */
  webhookResponse: 64 * 1024,
  /** A file or URL named to `cpansec audit` (cpanfile, snapshot, SBOM, 02packages text). */
  auditInput: 64 * MiB,
  /** One installed module file `cpansec audit` reads from a library tree (larger ones are noted and skipped). */
  auditModule: 4 * MiB,
} as const;
