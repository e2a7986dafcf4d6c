// Issue 18 items 1, 2 and 4: every exported OSV record validates against the OSV schema with CPAN
// added to the ecosystems and CPANSA to the id prefixes (and nothing else changed), and every
// CSAF document and the provider metadata against the OASIS CSAF 2.0 schemas.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFeed } from "../../../shared/domain/advisories/feed";
import { exportCsaf } from "../../../shared/domain/publish/export-csaf";
import type { CsafDocument } from "../../../shared/domain/publish/csaf";
import { exportOsv } from "../../../shared/domain/publish/export-osv";
import { realFeeds } from "../../helpers/fixtures";
import { csafSchemaErrors, osvSchemaErrors, osvSchemaWithCpan, providerMetadataErrors } from "../../helpers/publish-validation";
import { csafMandatoryProblems } from "./csaf-checks";

const options = {
  publisher: { category: "coordinator" as const, name: "CPAN Security Group", namespace: "https://security.metacpan.org" },
  baseUrl: "https://example.org/.well-known/csaf",
};
const feeds = realFeeds().map((f) => ({ name: f.name, feed: parseFeed(readFileSync(f.path)) }));
console.log(`schema validation over ${feeds.map((f) => f.name).join(", ")}${feeds.length < 2 ? " (../shared absent: the 2026 feed is not checked)" : ""}`);

describe("the OSV schema with CPAN registered", () => {
  it("differs from the official one only in the ecosystem list, its pattern and the id prefixes", () => {
    expect(osvSchemaWithCpan().changed).toEqual(["/$defs/ecosystemName/enum", "/$defs/ecosystemWithSuffix/pattern", "/$defs/prefix/pattern"]);
  });
  it("still refuses what the official one refuses (an unregistered ecosystem, an unknown prefix)", () => {
    const record = {
      schema_version: "1.7.5",
      id: "CPANSA-X-2026-1",
      modified: "2026-08-16T14:31:00Z",
      affected: [{ package: { ecosystem: "CPAN", name: "X" } }],
    };
    expect(osvSchemaErrors(record)).toBeNull();
    expect(osvSchemaErrors({ ...record, id: "CPANSB-X-2026-1" })).not.toBeNull();
    expect(osvSchemaErrors({ ...record, affected: [{ package: { ecosystem: "CPANX", name: "X" } }] })).not.toBeNull();
  });
});

describe.each(feeds)("$name", ({ feed }) => {
  it("every OSV record validates", async () => {
    const { records, problems } = await exportOsv(feed, async () => undefined);
    const bad = records.map((r) => ({ id: r.id, errors: osvSchemaErrors(r) })).filter((x) => x.errors);
    expect(bad.slice(0, 3)).toEqual([]);
    expect(problems).toEqual([]);
    expect(records.length).toBeGreaterThan(400);
  });
  it("every CSAF document validates and passes the profile's mandatory tests we check; so does provider-metadata.json", async () => {
    const { documents, files } = await exportCsaf(feed, async () => undefined, options);
    // The documents as written.
    const docs = files.filter((f) => /^[0-9]{4}\/[^/]+\.json$/.test(f.path)).map((f) => JSON.parse(new TextDecoder().decode(f.bytes)) as CsafDocument);
    expect(docs).toHaveLength(documents);
    const bad = docs
      .map((d) => ({ id: d.document.tracking.id, errors: csafSchemaErrors(d), problems: csafMandatoryProblems(d) }))
      .filter((x) => x.errors || x.problems.length);
    expect(bad.slice(0, 3)).toEqual([]);
    const meta = JSON.parse(new TextDecoder().decode(files.find((f) => f.path === "provider-metadata.json")!.bytes));
    expect(providerMetadataErrors(meta)).toBeNull();
  });
});
