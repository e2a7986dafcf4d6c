import { describe, expect, it } from "vitest";
import { RecentError, compareEpochs, covers, isUploadPath, newUploads, parseRecent } from "../../../shared/domain/cpan/recent";
import { advisoriesKey, archiveKey, cyclonedxKey, logJsonKey, releaseJsonKey, spdxKey, tlogProofKey } from "../../../shared/domain/pipeline/keys";
import { type ReleaseRecord, isComplete, requiredSteps, terminalState } from "../../../shared/domain/pipeline/record";

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const P = (f: string) => `authors/id/E/ET/ETHER/${f}`;

describe("RECENT", () => {
  const file = parseRecent(
    enc({
      meta: { interval: "1h", minmax: { min: "1760978000.5", max: 1760978900 } },
      recent: [
        { epoch: 1760978900, path: P("Foo-1.1.tar.gz"), type: "new" },
        { epoch: "1760978849.04324", path: P("CHECKSUMS"), type: "new" },
        { epoch: "1760978800.1", path: P("Foo-1.0.tar.gz"), type: "delete" },
        { epoch: "1760978700.2", path: P("Foo-1.0.tar.gz"), type: "new" },
        { epoch: "1760978600", path: "authors/id/E/ET/ETHER/Foo-1.0.meta", type: "new" },
        { epoch: "1760978500", path: "modules/02packages.details.txt.gz", type: "new" },
      ],
    }),
  );

  it("reads epochs as strings or numbers, exactly", () => {
    expect(file.min).toBe("1760978000.5");
    expect(file.events[0]?.epoch).toBe("1760978900");
    expect(compareEpochs("1760978849.04324", "1760978849.0432")).toBe(1);
    expect(compareEpochs("999", "1000")).toBe(-1);
    expect(compareEpochs("1.50", "1.5")).toBe(0);
  });

  it("keeps distribution archives under authors/id only, oldest first, each path's latest event", () => {
    expect(newUploads(file, undefined).map((e) => [e.path, e.type])).toEqual([
      [P("Foo-1.0.tar.gz"), "delete"],
      [P("Foo-1.1.tar.gz"), "new"],
    ]);
    expect(newUploads(file, "1760978800.1").map((e) => e.path)).toEqual([P("Foo-1.1.tar.gz")]);
    expect(isUploadPath(P("Foo-1.0.tar.gz"))).toBe(true);
    expect(isUploadPath(P("../x.tar.gz"))).toBe(false);
    expect(isUploadPath("authors/id/e/et/ether/Foo-1.tar.gz")).toBe(false);
  });

  it("says when a file does not reach back to the cursor (read a longer one)", () => {
    expect(covers(file, "1760978000.5")).toBe(true);
    expect(covers(file, "1760977999")).toBe(false);
    expect(covers(file, undefined)).toBe(true);
  });

  it.each([
    ["not JSON", new TextEncoder().encode("{"), /not JSON/],
    ["no recent list", enc({ meta: {} }), /no "recent" list/],
    ["a bad type", enc({ recent: [{ epoch: "1", path: "x", type: "update" }] }), /neither "new" nor "delete"/],
    ["a bad epoch", enc({ recent: [{ epoch: "yesterday", path: "x", type: "new" }] }), /not a decimal Unix time/],
  ])("rejects %s", (_, bytes, why) => {
    expect(() => parseRecent(bytes)).toThrow(RecentError);
    expect(() => parseRecent(bytes)).toThrow(why);
  });
});

describe("release records and keys", () => {
  const r: ReleaseRecord = { id: "ETHER/Foo-1.0.tar.gz", path: P("Foo-1.0.tar.gz"), author: "ETHER", filename: "Foo-1.0.tar.gz", uploaded: "1", seenAt: "t", steps: {}, revision: 0 };
  const done = { status: "done" as const, at: "t" };

  it("lays out the artifacts bucket as DESIGN.md says", () => {
    expect([archiveKey(r), releaseJsonKey(r), cyclonedxKey(r), spdxKey(r), advisoriesKey(r), logJsonKey(r), tlogProofKey(r)]).toEqual([
      "archives/ETHER/Foo-1.0.tar.gz",
      "releases/ETHER/Foo-1.0.tar.gz/release.json",
      "releases/ETHER/Foo-1.0.tar.gz/sbom.cdx.json",
      "releases/ETHER/Foo-1.0.tar.gz/sbom.spdx.json",
      "releases/ETHER/Foo-1.0.tar.gz/advisories.json",
      "releases/ETHER/Foo-1.0.tar.gz/log.json",
      "releases/ETHER/Foo-1.0.tar.gz/upload.tlog-proof",
    ]);
  });

  it("knows which steps a release needs and when it is done", () => {
    expect(requiredSteps(r)).toEqual(["ingest", "sbom", "advisories", "log"]);
    const failed = { ...r, steps: { ingest: { status: "failed" as const, at: "t", reason: "bad" } } };
    expect(requiredSteps(failed)).toEqual(["ingest", "log"]);
    expect(terminalState(failed)).toBe("pending");
    expect(terminalState({ ...failed, steps: { ...failed.steps, log: done } })).toBe("failed");
    const integrity = { ...failed, failure: { step: "ingest" as const, reason: "sig", integrity: true } };
    expect(requiredSteps(integrity)).toEqual(["ingest"]);
    expect(requiredSteps({ ...integrity, sha256: "a".repeat(64) })).toEqual(["ingest", "log"]);
    const all = { ...r, steps: { ingest: done, sbom: done, advisories: done, log: done } };
    expect(isComplete(all)).toBe(true);
    expect(terminalState(all)).toBe("processed");
  });
});
