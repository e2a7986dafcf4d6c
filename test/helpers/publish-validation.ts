// Schema validation of published advisories: OSV with the schema in test/fixtures/schemas/osv,
// "CPAN" added to its ecosystems and "CPANSA" to its id prefixes and nothing else changed (the
// patch is checked below); CSAF 2.0 documents and provider-metadata.json with the OASIS schemas
// in test/fixtures/schemas/csaf-2.0. Both schemas are JSON Schema 2020-12 (Ajv2020).
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { fixturePath } from "./fixtures";

// Schemas are plain JSON documents walked by key.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const json = (...p: string[]) => JSON.parse(readFileSync(fixturePath("schemas", ...p), "utf8")) as Json;
type Validate = ((doc: unknown) => boolean) & { errors?: unknown };

/** The OSV schema as OSV would have it once CPAN and CPANSA are registered, and the paths that changed. */
export function osvSchemaWithCpan(): { schema: Json; changed: string[] } {
  const schema = json("osv", "osv-schema.json");
  const defs = schema.$defs;
  defs.ecosystemName.enum = [...defs.ecosystemName.enum, "CPAN"].sort((a: string, b: string) => a.localeCompare(b));
  defs.ecosystemWithSuffix.pattern = defs.ecosystemWithSuffix.pattern.replace("^(", "^(CPAN|");
  defs.prefix.pattern = defs.prefix.pattern.replace("(ASB-A|", "(ASB-A|CPANSA|");
  return { schema, changed: diffPaths(json("osv", "osv-schema.json"), schema) };
}

/** JSON-pointer-like paths where two values differ. */
export function diffPaths(a: unknown, b: unknown, at = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${k}`));
  }
  return [at];
}

let osv: Validate | undefined;
export function osvSchemaErrors(record: unknown): unknown {
  if (!osv) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    osv = ajv.compile(osvSchemaWithCpan().schema);
  }
  return osv(record) ? null : osv.errors;
}

let csaf: { doc: Validate; provider: Validate } | undefined;
function csafValidators() {
  if (!csaf) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    // The CVSS schemas are draft-04 and draft-07, which ajv 8's 2020-12 instance cannot load as
    // such; they use only type, enum, pattern, minimum, maximum and local refs, which mean the same
    // in 2020-12, so they are added without $schema and under the URLs the CSAF schema refers to.
    for (const v of ["2.0", "3.0", "3.1"]) {
      const { $schema: _s, $id: _i, id: _j, ...cvss } = json("csaf-2.0", `cvss-v${v}.json`);
      ajv.addSchema(cvss, `https://www.first.org/cvss/cvss-v${v}.json`);
    }
    ajv.addSchema(json("csaf-2.0", "csaf_json_schema.json"));
    csaf = {
      doc: ajv.getSchema("https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json") as Validate,
      provider: ajv.compile(json("csaf-2.0", "provider_json_schema.json")),
    };
  }
  return csaf;
}

export function csafSchemaErrors(doc: unknown): unknown {
  const v = csafValidators().doc;
  return v(doc) ? null : v.errors;
}

export function providerMetadataErrors(doc: unknown): unknown {
  const v = csafValidators().provider;
  return v(doc) ? null : v.errors;
}
