// Schema validation of generated SBOMs: CycloneDX 1.6 with the schemas @cyclonedx/cyclonedx-library
// ships, SPDX 2.3 with test/fixtures/schemas/spdx-schema.json (Ajv2019).
import { readFileSync } from "node:fs";
import * as CDX from "@cyclonedx/cyclonedx-library";
import Ajv2019 from "ajv/dist/2019.js";
import addFormats from "ajv-formats";
import { fixturePath } from "./fixtures";

const cdx = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);

export async function cycloneDxSchemaErrors(text: string): Promise<unknown> {
  return cdx.validate(text);
}

const spdxSchemaPath = fixturePath("schemas", "spdx-schema.json");
let spdxValidate: (((doc: unknown) => boolean) & { errors?: unknown }) | undefined;

export function spdxSchemaErrors(doc: unknown): unknown {
  if (!spdxValidate) {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    spdxValidate = ajv.compile(JSON.parse(readFileSync(spdxSchemaPath, "utf8")));
  }
  return spdxValidate(doc) ? null : spdxValidate.errors;
}
