// advisoriesBytes (shared/domain/pipeline/documents.ts): advisories.json with the shared (frozen)
// findings' bytes made once; byte for byte what documentBytes writes, whatever the document holds.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { type Finding, matchRelease } from "../../../shared/domain/advisories/findings";
import { compileFeed } from "../../../shared/domain/advisories/match";
import { type AdvisoriesDocument, advisoriesDocument, advisoriesBytes, documentBytes } from "../../../shared/domain/pipeline/documents";
import { moduleResolver } from "../../../shared/domain/sbom/resolve";
import { realFeeds } from "../../helpers/fixtures";

const feed = parseFeed(readFileSync((realFeeds().at(-1) as { path: string }).path));
const strict = compileFeed(feed, "strict");
const audit = compileFeed(feed, "cpan-audit");
const resolve = moduleResolver(undefined, feed.module2dist);
const modules = Object.keys(feed.module2dist).sort();

function doc(requires: Record<string, string>, about: { id?: string; distribution?: string; version?: string; sha256: string }): AdvisoriesDocument {
  const match = matchRelease(strict, audit, { distribution: "Demo", version: "1.0", prereqs: { runtime: { requires } } }, { resolve });
  return advisoriesDocument(about, { feed: feed.version, mode: "strict", match });
}

describe("advisoriesBytes", () => {
  const cases: [string, AdvisoriesDocument][] = [
    [
      "perl and three prerequisites",
      doc({ perl: "5.010", [modules[5] as string]: "0", [modules[500] as string]: "0", [modules[900] as string]: "0" }, { sha256: "a".repeat(64) }),
    ],
    ["perl only", doc({ perl: "5.008" }, { id: "A/Demo-1.0.tar.gz", sha256: "b".repeat(64) })],
    ["no findings", doc({}, { sha256: "c".repeat(64) })],
    ["skipped", advisoriesDocument({ sha256: "d".repeat(64) }, { skipped: "no advisory feed configured" })],
    // A field that holds a finding's mark: the plain way, the same bytes.
    ["a field holding a mark", doc({ perl: "5.010" }, { id: "\u0000cpansec finding", sha256: "e".repeat(64) })],
    ["a field holding a mark inside", doc({ perl: "5.010" }, { id: 'A/"\u0000cpansec finding', sha256: "e".repeat(64) })],
  ];
  it.each(cases)("%s: the bytes documentBytes writes", (_, d) => {
    expect(advisoriesBytes(d)).toEqual(documentBytes(d));
  });

  it("shares a frozen finding's text, and writes an unfrozen one (a copy) the same", () => {
    const [, d] = cases[0] as [string, AdvisoriesDocument];
    expect(d.findings.filter((f) => Object.isFrozen(f)).length).toBeGreaterThan(1);
    const copies = { ...d, findings: d.findings.map((f, i) => (i % 2 ? ({ ...f } as Finding) : f)) } as AdvisoriesDocument;
    expect(advisoriesBytes(copies)).toEqual(documentBytes(d));
    expect(advisoriesBytes(d)).toEqual(advisoriesBytes(d)); // the second time from the shared texts
  });
});
