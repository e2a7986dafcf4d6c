// The hand-written feed check (feed-shape.ts) against the zod schema it replaced: the same feeds
// accepted and refused, and the same rows read, over the fuzz target's generated feeds.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { FeedError, parseFeed } from "../../../shared/domain/advisories/feed";
import { feedDoc } from "../../fuzz/gen/documents";

const ranges = z.optional(z.union([z.array(z.string()), z.string(), z.null()]));
const nullishString = z.nullish(z.string());
const bundledSchema = z.nullish(z.looseObject({ name: nullishString, distributed_version: nullishString }));
const advisorySchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  distribution: z.optional(z.string()),
  affected_versions: ranges,
  fixed_versions: ranges,
  cves: z.optional(z.union([z.array(z.string()), z.string(), z.null()])),
  description: nullishString,
  reported: nullishString,
  severity: nullishString,
  references: z.optional(z.union([z.array(z.string()), z.null()])),
  embedded_vulnerability: bundledSchema,
  external_vulnerability: bundledSchema,
});
const distSchema = z.looseObject({
  main_module: nullishString,
  versions: z.optional(z.array(z.looseObject({ version: z.nullish(z.union([z.string(), z.number()])), date: nullishString }))),
  advisories: z._default(z.array(advisorySchema), []),
});
const feedSchema = z.looseObject({
  meta: z.optional(z.looseObject({ commit: nullishString, date: nullishString, epoch: z.nullish(z.number()) })),
  module2dist: z._default(z.record(z.string(), z.string()), {}),
  dists: z.record(z.string(), distSchema),
});

const parsed = (bytes: Uint8Array) => {
  try {
    return parseFeed(bytes);
  } catch (e) {
    if (e instanceof FeedError) return e;
    throw e;
  }
};

describe("the feed's shape check", () => {
  it("accepts and refuses what the schema did, and reads the same rows", () => {
    fc.assert(
      fc.property(feedDoc, (bytes) => {
        const text = new TextDecoder().decode(bytes);
        const schema = feedSchema.safeParse(JSON.parse(text));
        const mine = parsed(bytes);
        expect(mine instanceof FeedError ? `refused: ${mine.message}` : "accepted").toEqual(
          schema.success ? "accepted" : expect.stringMatching(/^refused: advisory feed does not match the schema at /),
        );
        if (!schema.success || mine instanceof FeedError) return;
        for (const [name, d] of Object.entries(schema.data.dists)) {
          const entry = mine.dists[name];
          expect(entry?.versions).toEqual((d.versions ?? []).flatMap((v) => (v.version === null || v.version === undefined ? [] : [String(v.version)])));
          expect(entry?.advisories.map((a) => [a.id, a.distribution, a.description])).toEqual(
            d.advisories.map((a) => [a.id, a.distribution ?? name, a.description ?? ""]),
          );
        }
        expect(mine.module2dist).toEqual(schema.data.module2dist);
      }),
      { numRuns: 2000 },
    );
  });
  it("names where a feed goes wrong", () => {
    const bad = (doc: unknown) => () => parseFeed(new TextEncoder().encode(JSON.stringify(doc)));
    expect(bad({ dists: { X: { advisories: [{ id: "" }] } } })).toThrow(/at dists\.X\.advisories\.0\.id: expected a non-empty string/);
    expect(bad({ dists: {}, meta: { epoch: "1" } })).toThrow(/at meta\.epoch: expected number, got string/);
    expect(bad({ dists: { X: { versions: [{ version: true }] } } })).toThrow(/at dists\.X\.versions\.0\.version/);
    expect(bad([])).toThrow(/at \(top\): expected object, got array/);
  });
});
