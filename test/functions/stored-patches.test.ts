// storedPatchRecords: the cited patches from the pipeline's stored copies; a missing or altered
// copy is named and not applied.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { storedPatchRecords } from "../../functions/publish-patches/stored-patches";
import { fixturePath } from "../helpers/fixtures";
import { FFR_PATCH } from "../helpers/installable-dist";
import { SASL_PATCH } from "../helpers/patched-archive";

const bytes = (p: string) => readFileSync(fixturePath("patches", p));
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("storedPatchRecords", () => {
  it("reads each cited patch from its stored copy, checked against the cited sha256", async () => {
    const ffr = bytes(FFR_PATCH);
    const sasl = bytes(SASL_PATCH);
    const store = new Map([
      [sha(ffr), ffr],
      [sha(sasl), Buffer.concat([sasl, Buffer.from("\n")])],
    ]);
    const r = await storedPatchRecords(
      [
        { path: FFR_PATCH, sha256: sha(ffr), url: "https://security.metacpan.org/patches/F/x.patch" },
        { path: SASL_PATCH, sha256: sha(sasl) },
        { path: "X/X-Y/1.0/CVE-2026-10001-r1.patch", sha256: "0".repeat(64) },
      ],
      async (s) => store.get(s),
    );
    expect(r.records.map((p) => [p.path, p.sha256, p.url])).toEqual([[FFR_PATCH, sha(ffr), "https://security.metacpan.org/patches/F/x.patch"]]);
    expect(r.problems).toEqual([
      `${SASL_PATCH}: the stored copy of ${sha(sasl)} is other bytes; not applied`,
      `X/X-Y/1.0/CVE-2026-10001-r1.patch: the stored copy of ${"0".repeat(64)} is missing; not applied`,
    ]);
  });
});
