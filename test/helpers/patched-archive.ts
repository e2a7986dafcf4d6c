// A release to patch, built from scratch: META.json, a script, a symlink, and the pre-image of a
// published CPANSec patch (its own context and '-' lines), so the real patch applies to it.
import { readFileSync } from "node:fs";
import { parsePatch } from "../../shared/domain/patches/parse";
import { type TarEntry, metaJson, tarGz } from "./archives";
import { fixturePath } from "./fixtures";
import { preImage } from "./gnu-patch";

export const SASL_PATCH = "A/Authen-SASL/2.1800/CVE-2025-40918-r1.patch";

export function saslPatchBytes(): Buffer {
  return readFileSync(fixturePath("patches", SASL_PATCH));
}

/** Authen-SASL-2.1800 with the pre-image of CVE-2025-40918-r1; `extra` entries are added as given. */
export async function saslArchive(extra: TarEntry[] = [], top = "Authen-SASL-2.1800"): Promise<Buffer> {
  const parsed = parsePatch(saslPatchBytes(), SASL_PATCH);
  const files = parsed.files.map((f) => ({ name: `${top}/${f.path}`, content: Buffer.from(preImage(f), "latin1") }));
  return tarGz([
    { name: `${top}/META.json`, content: metaJson({ name: "Authen-SASL", version: "2.1800", abstract: "SASL Authentication framework" }) },
    { name: `${top}/bin/sasl-tool`, content: "#!/usr/bin/perl\nprint 1;\n" },
    { name: `${top}/README.link`, type: "symlink", linkname: "lib/Authen/SASL.pm" },
    ...files,
    ...extra,
  ]);
}
