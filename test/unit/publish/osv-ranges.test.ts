// Strict-mode ranges as OSV events, case by case: what OSV can say exactly, what goes to
// `versions`, and where the events start when the range opens above a version.
import { describe, expect, it } from "vitest";
import { parseVersion } from "../../../shared/domain/cpan/version";
import { rowSet } from "../../../shared/domain/publish/intervals";
import { osvRanges } from "../../../shared/domain/publish/osv-ranges";

const released = ["0.5", "1.0", "1.1", "1.5", "2.0", "2.1"].map((s) => ({ s, v: parseVersion(s) }));
const events = (affected: string[], fixed: string[] = []) => osvRanges(rowSet(affected, fixed), released);

describe("osvRanges", () => {
  it.each([
    [["<1.5"], [], [[{ introduced: "0" }, { fixed: "1.5" }]]],
    [["<=1.5"], [], [[{ introduced: "0" }, { last_affected: "1.5" }]]],
    [[">=1.0,<2.0"], [], [[{ introduced: "1.0" }, { fixed: "2.0" }]]],
    [[">=0"], [], [[{ introduced: "0" }]]],
    // fixed subtracts: affected <2.0, fixed >=1.5 is [0, 1.5)
    [["<2.0"], [">=1.5"], [[{ introduced: "0" }, { fixed: "1.5" }]]],
    // fixed > V leaves everything up to V, last_affected
    [[">=1.0"], [">1.1"], [[{ introduced: "1.0" }, { last_affected: "1.1" }]]],
    // touching elements merge; fixed and last_affected never share a range
    [
      ["<1.0", ">=1.0,<1.5", ">=2.0,<=2.1"],
      [],
      [
        [{ introduced: "0" }, { fixed: "1.5" }],
        [{ introduced: "2.0" }, { last_affected: "2.1" }],
      ],
    ],
    // a clause that does not parse empties its element, as strict mode has it
    [["<1.0", ">= 1.x"], [], [[{ introduced: "0" }, { fixed: "1.0" }]]],
  ])("%j minus %j", (affected, fixed, want) => {
    const r = events(affected, fixed);
    expect(r.ranges.map((x) => x.events)).toEqual(want);
    expect(r.inexact).toEqual([]);
  });

  it("puts single versions in versions, never an introduced and a last_affected at the same version", () => {
    for (const el of ["1.1", "=1.1", "==1.1", ">=1.1,<=1.1"]) expect(events([el])).toMatchObject({ ranges: [], singletons: [{ s: "1.1" }], inexact: [] });
  });

  it("starts an interval that opens above a version at the first released version inside it, and says so", () => {
    expect(events([">0"])).toMatchObject({ ranges: [{ events: [{ introduced: "0.5" }] }], inexact: [{ range: "> 0", events_from: "0.5" }] });
    expect(events(["!=1.1"])).toMatchObject({
      ranges: [{ events: [{ introduced: "0" }, { fixed: "1.1" }, { introduced: "1.5" }] }],
      inexact: [{ range: "> 1.1", events_from: "1.5" }],
    });
    expect(events(["<2.0"], ["<=1.1"])).toMatchObject({
      ranges: [{ events: [{ introduced: "1.5" }, { fixed: "2.0" }] }],
      inexact: [{ range: "> 1.1, < 2.0", events_from: "1.5" }],
    });
    // No released version inside: nothing in the events, and the record says that too.
    expect(events([">1.1,<1.2"])).toMatchObject({ ranges: [], inexact: [{ range: "> 1.1, < 1.2" }] });
  });

  it("orders by version.pm, not by text: 1.10 < 1.9, v1.10 > v1.9", () => {
    expect(events([">=1.9,<1.10"]).ranges).toEqual([]);
    expect(events([">=v1.9,<v1.10"]).ranges.map((x) => x.events)).toEqual([[{ introduced: "v1.9" }, { fixed: "v1.10" }]]);
  });
});
