import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mergeCveRecords } from "../../../shared/domain/advisories/cve-merge";
import { parseCveRecord } from "../../../shared/domain/advisories/cve-record";
import { type Feed, parseFeed } from "../../../shared/domain/advisories/feed";
import { serialiseFeed } from "../../../shared/domain/advisories/feed-serialise";
import { bytesOf, cveRecord } from "../../helpers/cve-records";
import { realFeeds } from "../../helpers/fixtures";

// As text: a deep equality of two 4 MB feeds is minutes of the matcher's time; JSON.stringify keeps key order, which parseFeed fixes.
const withoutSha = (f: Feed) => JSON.stringify({ ...f, version: { ...f.version, sha256: "" } });

describe("serialiseFeed", () => {
  it.each(realFeeds())("parseFeed reads the bytes back as the same feed: $name", ({ path }) => {
    const feed = parseFeed(readFileSync(path));
    const again = parseFeed(serialiseFeed(feed));
    expect(withoutSha(again) === withoutSha(feed)).toBe(true);
    // Byte-stable: the same feed always gives the same snapshot.
    expect(Buffer.from(serialiseFeed(again)).equals(Buffer.from(serialiseFeed(feed)))).toBe(true);
  });

  it("keeps a merged feed's CVE rows and CVE set version", () => {
    const path = realFeeds().at(-1)?.path as string;
    const r = parseCveRecord(
      bytesOf(
        cveRecord({
          id: "CVE-2025-40916",
          packageName: "Mojolicious-Plugin-CaptchaPNG",
          versions: [{ lessThan: "1.06", status: "affected", version: "1.00", versionType: "custom" }],
        }),
      ),
      "a.json",
    );
    if (!r.ok) throw new Error(r.problem);
    const merged = mergeCveRecords(parseFeed(readFileSync(path)), [r.record]).feed;
    const again = parseFeed(serialiseFeed(merged));
    expect(again.version.cve).toEqual(merged.version.cve);
    expect(again.dists["Mojolicious-Plugin-CaptchaPNG"]).toEqual(merged.dists["Mojolicious-Plugin-CaptchaPNG"]);
    expect(withoutSha(again) === withoutSha(merged)).toBe(true);
  });

  it("refuses a cve_records that is not a digest and a count", () => {
    const bad = (cve_records: unknown) => new TextEncoder().encode(JSON.stringify({ meta: { cve_records }, dists: {} }));
    expect(() => parseFeed(bad({ sha256: "x", records: 1 }))).toThrow(/meta\.cve_records\.sha256/);
    expect(() => parseFeed(bad({ sha256: "a".repeat(64), records: -1 }))).toThrow(/meta\.cve_records\.records/);
    expect(parseFeed(bad({ sha256: "a".repeat(64), records: 3 })).version.cve).toEqual({ sha256: "a".repeat(64), records: 3 });
  });
});
