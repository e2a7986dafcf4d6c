import { describe, expect, it } from "vitest";
import { RecentError, compareEpochs, covers, epochOf, isUploadPath, newUploads, parseRecent } from "../../../shared/domain/cpan/recent";
import { mirrorPathProblem, parseUploadPath } from "../../../shared/domain/cpan/upload-path";
import { advisoriesKey, archiveKey, cyclonedxKey, logJsonKey, releaseJsonKey, spdxKey, tlogProofKey } from "../../../shared/domain/pipeline/keys";
import { type ReleaseRecord, isComplete, requiredSteps, terminalState } from "../../../shared/domain/pipeline/record";

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const P = (f: string) => `authors/id/E/ET/ETHER/${f}`;
const NOW = "1760979000.000";

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
    expect(newUploads(file, undefined, NOW).items.map((i) => [i.kind, i.event.path, i.event.type])).toEqual([
      ["upload", P("Foo-1.0.tar.gz"), "delete"],
      ["checksums", P("CHECKSUMS"), "new"],
      ["upload", P("Foo-1.1.tar.gz"), "new"],
    ]);
    expect(newUploads(file, "1760978800.1", NOW).items.map((i) => i.event.path)).toEqual([P("CHECKSUMS"), P("Foo-1.1.tar.gz")]);
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

describe("RECENT from a hostile mirror", () => {
  const ev = (epoch: string, f: string) => ({ epoch, path: P(f), type: "new" });
  const hostile = parseRecent(
    enc({
      recent: [
        ev("999999999999", "Far-1.0.tar.gz"),
        ev("1760979200", "Soon-1.0.tar.gz"),
        ev("1760978900", "Real-1.0.tar.gz"),
        ev("000000000000", "Zero-1.0.tar.gz"),
      ],
    }),
  );

  it("compares epochs as exact decimals: leading zeros do not make one later", () => {
    expect(compareEpochs("000000000000", "1760978849")).toBe(-1);
    expect(compareEpochs("0001760978849.5", "1760978849.50")).toBe(0);
    expect(compareEpochs("999999999999", "1760978849")).toBe(1);
    expect(compareEpochs("0", "000")).toBe(0);
    expect(epochOf(new Date(1760978849043))).toBe("1760978849.043");
  });

  it("ignores events dated more than a few minutes past the clock, with the reason", () => {
    const { items, ignored } = newUploads(hostile, undefined, NOW);
    // 1760979200 is 200 s past NOW: within the skew allowed for clocks; 999999999999 is not.
    expect(items.map((i) => i.event.path)).toEqual([P("Zero-1.0.tar.gz"), P("Real-1.0.tar.gz"), P("Soon-1.0.tar.gz")]);
    expect(ignored).toEqual([{ epoch: "999999999999", path: P("Far-1.0.tar.gz"), reason: expect.stringMatching(/after the watcher's clock/) }]);
  });

  it.each([
    ["authors/id/E/ET/ETHER/Foo-1.0.tar.gz", { ok: true, author: "ETHER", filename: "Foo-1.0.tar.gz" }],
    ["authors/id/V/VI/VICTIM/Future-2.0.tar.gz/Any-1.0.tar.gz", { ok: false, reason: expect.stringMatching(/subdirectory/) }],
    ["authors/id/A/AB/ZED/Foo-1.0.tar.gz", { ok: false, reason: expect.stringMatching(/do not match the PAUSE id ZED/) }],
    ["authors/id/Z/ZE/ZED/../../../O/OT/OTHER/Foo-1.0.tar.gz", { ok: false, reason: expect.any(String) }],
    ["authors/id/Z/ZE/ZED/%2e%2e/Foo-1.0.tar.gz", { ok: false, reason: expect.stringMatching(/subdirectory/) }],
    ["authors/id/Z/ZE/ZED/%2e%2eFoo-1.0.tar.gz", { ok: false, reason: expect.stringMatching(/characters/) }],
    ["authors/id/e/et/ether/Foo-1.0.tar.gz", { ok: false, reason: expect.stringMatching(/not a PAUSE id/) }],
    ["authors/id/E/EV/EVIL/-undef.tar.gz", { ok: false, reason: expect.stringMatching(/names no distribution/) }],
    ["authors/id/E/ET/ETHER/Foo-1.0.meta", undefined],
    ["modules/Foo-1.0.tar.gz", undefined],
  ])("reads %s as an upload path exactly, or refuses it with a reason", (path, expected) => {
    expect(parseUploadPath(path)).toEqual(expected);
  });

  it.each(["authors/id/Z/ZE/ZED/%2e%2e/%2e%2e/O/OT/OTHER/Foo-1.0.tar.gz", "a/../b", "a//b", "/etc/passwd", "a/./b", "a\\..\\b", "RECENT-1h.json?x", "a/b#c"])(
    "refuses the mirror path %s before any fetch",
    (path) => {
      expect(mirrorPathProblem(path)).toMatch(/refusing mirror path/);
    },
  );
});

describe("release records and keys", () => {
  const r: ReleaseRecord = {
    id: "ETHER/Foo-1.0.tar.gz",
    path: P("Foo-1.0.tar.gz"),
    author: "ETHER",
    filename: "Foo-1.0.tar.gz",
    uploaded: "1",
    seenAt: "t",
    steps: {},
    revision: 0,
  };
  const done = { status: "done" as const, at: "t" };

  it("lays out the artifacts bucket as docs/architecture.md says", () => {
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

  it("builds keys that never nest, and refuses an author or file name that would", () => {
    expect(() => archiveKey({ author: "VICTIM", filename: "Future-2.0.tar.gz/Any-1.0.tar.gz" })).toThrow(/not a single file name/);
    expect(() => releaseJsonKey({ author: undefined as unknown as string, filename: "Foo-1.0.tar.gz" })).toThrow(/not a PAUSE id/);
    expect(() => archiveKey({ author: "ETHER", filename: ".." })).toThrow(/not a single file name/);
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
    // Failed for mirror lag: nothing PAUSE signed says what the upload is, so nothing to log.
    expect(requiredSteps({ ...failed, failure: { step: "ingest", reason: "not listed", lag: true } })).toEqual(["ingest"]);
    const all = { ...r, steps: { ingest: done, sbom: done, advisories: done, log: done } };
    expect(isComplete(all)).toBe(true);
    expect(terminalState(all)).toBe("processed");
  });
});
