// storedPairs: the stored releases a patch is for, with their verified archives; anything not
// indexed by CPAN (an impostor's upload of the same file name), not verified, removed, failed or
// tampered with in the store is named and left out.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { storedPairs } from "../../functions/publish-patches/stored-pairs";
import { parsePackagesIndex } from "../../shared/domain/cpan/packages";
import { archiveKey } from "../../shared/domain/pipeline/keys";
import type { ReleaseRecord } from "../../shared/domain/pipeline/record";
import { readPatchRecord } from "../../shared/domain/patches/registry";
import { fixturePath } from "../helpers/fixtures";
import { FFR_PATCH, fileFindRule } from "../helpers/installable-dist";

const rec = (author: string, over: Partial<ReleaseRecord>): ReleaseRecord =>
  ({
    id: `${author}/File-Find-Rule-0.34.tar.gz`,
    path: `authors/id/${author[0]}/${author.slice(0, 2)}/${author}/File-Find-Rule-0.34.tar.gz`,
    author,
    filename: "File-Find-Rule-0.34.tar.gz",
    uploaded: "1700000000",
    seenAt: "2026-01-01T00:00:00Z",
    distribution: "File-Find-Rule",
    version: "0.34",
    steps: {},
    ...over,
  }) as ReleaseRecord;

describe("storedPairs", () => {
  it("pairs each verified stored release of the patch's distribution and version, and names the rest", async () => {
    const bytes = await fileFindRule();
    const sha = createHash("sha256").update(bytes).digest("hex");
    const releases = [
      rec("RCLAMP", { sha256: sha }),
      rec("AAAA", {}),
      rec("BBBB", { sha256: sha, removed: { epoch: "1" } }),
      rec("CCCC", { sha256: sha }),
      rec("DDDD", { sha256: sha, version: "0.33" }),
      rec("EVIL", { sha256: sha }),
    ];
    const blobs = new Map([
      [archiveKey(releases[0] as ReleaseRecord), bytes],
      [archiveKey(releases[3] as ReleaseRecord), Buffer.concat([bytes, Buffer.from("x")])],
      [archiveKey(releases[5] as ReleaseRecord), bytes],
    ]);
    const deps = {
      releases: { byDistribution: async (d: string) => (d === "File-Find-Rule" ? releases : []) },
      blobs: { read: async (k: string) => blobs.get(k) },
    } as unknown as Parameters<typeof storedPairs>[0];
    const patch = readPatchRecord(FFR_PATCH, readFileSync(fixturePath("patches", FFR_PATCH)));
    const index = parsePackagesIndex(
      `File: 02packages.details.txt\n\n${["RCLAMP", "AAAA", "BBBB", "CCCC"].map((a, i) => `File::Find::Rule::M${i} 0.34 ${a[0]}/${a.slice(0, 2)}/${a}/File-Find-Rule-0.34.tar.gz`).join("\n")}\n`,
    );
    const r = await storedPairs(deps, [patch], index);
    expect(r.pairs.map((p) => p.original.path)).toEqual(["authors/id/R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz"]);
    expect(r.pairs[0]?.patches).toEqual([patch]);
    expect(r.problems).toEqual([
      "authors/id/A/AA/AAAA/File-Find-Rule-0.34.tar.gz: no verified sha256 yet; patched once it has one",
      "authors/id/B/BB/BBBB/File-Find-Rule-0.34.tar.gz: removed from CPAN; not patched",
      "authors/id/C/CC/CCCC/File-Find-Rule-0.34.tar.gz: the stored archive is not the verified one; not patched",
      "authors/id/E/EV/EVIL/File-Find-Rule-0.34.tar.gz: CPAN's 02packages lists no package in it (not the indexed upload of File-Find-Rule 0.34); not patched",
    ]);
    expect(await storedPairs(deps, [patch], undefined)).toEqual({ pairs: [], problems: [expect.stringMatching(/^no 02packages yet/)] });
  });
});
