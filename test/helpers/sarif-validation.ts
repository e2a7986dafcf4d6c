// SARIF 2.1.0 schema validation with test/fixtures/schemas/sarif/sarif-schema-2.1.0.json (OASIS,
// see the fixtures README). The schema is draft-04; it uses no keyword whose meaning changed since,
// only the draft-04 spelling `id`, so Ajv (draft-07) reads it once `id` is `$id`.
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { fixturePath } from "./fixtures";

let validate: (((doc: unknown) => boolean) & { errors?: unknown }) | undefined;

export function sarifSchemaErrors(doc: unknown): unknown {
  if (!validate) {
    const schema = JSON.parse(readFileSync(fixturePath("schemas", "sarif", "sarif-schema-2.1.0.json"), "utf8")) as Record<string, unknown>;
    const { $schema: _draft, id, ...rest } = schema;
    void _draft;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    validate = ajv.compile({ ...rest, $id: id as string });
  }
  return validate(doc) ? null : validate.errors;
}
