import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { repoRoot, sharedPath } from "./shared-data";

/** A file or folder under test/fixtures (test/fixtures/README.md says where each came from). */
export const fixturePath = (...parts: string[]): string => join(repoRoot, "test", "fixtures", ...parts);

let unpacked: string | undefined;

/**
 * The real CPAN security advisory feeds, as JSON files: the 2023-03-09 one from test/fixtures
 * (stored gzipped, unpacked once per process into the run's temporary directory), and the
 * 2026-08-16 one when ../shared/data is beside the clone. Newest first.
 */
export function realFeeds(): { name: string; path: string }[] {
  if (!unpacked || !existsSync(unpacked)) {
    unpacked = join(mkdtempSync(join(tmpdir(), "cpansec-feed-")), "cpansa-db-2023-03-09.json");
    writeFileSync(unpacked, gunzipSync(readFileSync(fixturePath("feeds", "cpansa-db-2023-03-09.json.gz"))));
  }
  const newer = sharedPath("data", "cpansa-db-2026-08-16.json");
  return [...(newer ? [{ name: "cpansa-db-2026-08-16.json", path: newer }] : []), { name: "cpansa-db-2023-03-09.json", path: unpacked }];
}
