import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { type MatchFeed, affectingRows, advisoryIds, compileFeed, rowAffects } from "../../../shared/domain/advisories/match";
import type { MatchMode } from "../../../shared/domain/advisories/ranges";
import { parseLaxVersion } from "../../../shared/domain/advisories/ranges";
import { answerIndex, buildMatchTable } from "../../../shared/domain/advisories/match-table";
import { laxOrderKey, orderKey } from "../../../shared/domain/cpan/version";
import { readFileSync } from "node:fs";
import { realFeeds } from "../../helpers/fixtures";

// Versions that fall on, between, and around each other's bounds: many share a cell.
const versionText = fc.oneof(
  fc.stringMatching(/^v?[0-9]{1,2}(\.[0-9]{1,3}){0,3}(_[0-9])?$/),
  fc.constantFrom("0", "1", "1.0", "1.00", "1.5", "1.50", "1.500", "v1.5.0", "1.5.0.1", "2", "2.0.0", "undef", "1e5", "0.990_001"),
);
const op = fc.constantFrom("", "<", "<=", ">", ">=", "==", "!=", "=");
const element = fc
  .array(
    fc.tuple(op, versionText).map(([o, v]) => `${o}${v}`),
    { minLength: 0, maxLength: 3 },
  )
  .map((cs) => cs.join(", "));
const row = fc.record({ affected: fc.array(element, { maxLength: 3 }), fixed: fc.array(element, { maxLength: 2 }) });
const feedOf = (rows: { affected: string[]; fixed: string[] }[]): MatchFeed => ({
  version: { sha256: "0".repeat(64) },
  module2dist: {},
  dists: { D: { advisories: rows.map((r, i) => ({ id: `A-${i % 3}`, ...r })) } },
});

describe("answers kept per cell of a distribution's bounds", () => {
  it.each(["strict", "cpan-audit"] as MatchMode[])("are each version's own answer (%s), whatever order the versions come in", (mode) => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), fc.array(versionText, { minLength: 1, maxLength: 30 }), (rows, versions) => {
        const c = compileFeed(feedOf(rows), mode);
        const all = c.rows.get("D") ?? [];
        for (const s of versions) {
          const v = parseLaxVersion(s);
          if (!v) continue;
          const want = all.filter((r) => rowAffects(r, v));
          expect(affectingRows(c, "D", v)).toEqual(want);
          expect(advisoryIds(c, "D", s)).toEqual([...new Set(want.map((r) => r.row.id))].sort());
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each(realFeeds())("are each listed version's own answer on the real feed $name, both modes", ({ path }) => {
    const feed = parseFeed(readFileSync(path));
    for (const mode of ["strict", "cpan-audit"] as MatchMode[]) {
      const c = compileFeed(feed, mode);
      for (const [dist, entry] of Object.entries(feed.dists)) {
        const all = c.rows.get(dist) ?? [];
        for (const s of entry.versions) {
          const v = parseLaxVersion(s);
          const want = v ? all.filter((r) => rowAffects(r, v)) : [];
          expect(affectingRows(c, dist, s)).toEqual(want);
        }
      }
    }
  });

  it.each(["strict", "cpan-audit"] as MatchMode[])("are worked out ahead by a MatchTable, each version's own answer (%s)", (mode) => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), fc.array(versionText, { minLength: 1, maxLength: 30 }), (rows, versions) => {
        const c = compileFeed(feedOf(rows), mode);
        const table = buildMatchTable(c);
        const all = c.rows.get("D") ?? [];
        // Each bound, and just above and below it: the cells a table works out from no version asked.
        const probes = all.flatMap((r) =>
          r.bounds.flatMap((b) => [
            b.original,
            `v${[...b.parts, 1].join(".")}`,
            `v${b.parts.map((p, i) => (i === b.parts.length - 1 && p > 0 ? p - 1 : p)).join(".")}.999`,
          ]),
        );
        for (const s of [...versions, ...probes]) {
          const v = parseLaxVersion(s);
          if (!v) continue;
          const want = [...new Set(all.filter((r) => rowAffects(r, v)).map((r) => r.row.id))].sort();
          expect(table.answers[answerIndex(table, "D", orderKey(v))]).toEqual(want);
          expect(laxOrderKey(s)).toBe(orderKey(v));
        }
      }),
      { numRuns: 300 },
    );
  });

  it.each(realFeeds())("are worked out ahead by a MatchTable on the real feed $name, both modes, listed versions and around every bound", ({ path }) => {
    const feed = parseFeed(readFileSync(path));
    for (const mode of ["strict", "cpan-audit"] as MatchMode[]) {
      const c = compileFeed(feed, mode);
      const table = buildMatchTable(c);
      expect([...table.dists.keys()]).toEqual(Object.keys(feed.dists));
      for (const [dist, entry] of Object.entries(feed.dists)) {
        const around = (c.rows.get(dist) ?? []).flatMap((r) => r.bounds.flatMap((b) => [b.original, `v${[...b.parts, 1].join(".")}`]));
        for (const s of [...entry.versions, ...around, "0", "v999"]) {
          const key = laxOrderKey(s);
          expect(key === undefined ? [] : table.answers[answerIndex(table, dist, key)]).toEqual(advisoryIds(c, dist, s));
        }
      }
    }
  });
});
