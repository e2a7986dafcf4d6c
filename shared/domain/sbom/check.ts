/**
 * What the JSON schemas do not check (FORMATS.md): unique bom-refs and SPDXIDs, references that
 * resolve, purls that parse, licence expressions that parse, the spec version. Returns problems.
 */
import { PackageURL } from "packageurl-js";
import { isSpdxExpression } from "./licenses";

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function purlProblem(purl: unknown, where: string): string[] {
  if (purl === undefined) return [];
  try {
    PackageURL.fromString(String(purl));
    return [];
  } catch (e) {
    return [`${where}: purl ${JSON.stringify(purl)} does not parse: ${(e as Error).message}`];
  }
}

export function checkCycloneDx(doc: Json): string[] {
  const problems: string[] = [];
  if (doc.specVersion !== "1.6") problems.push(`specVersion is ${JSON.stringify(doc.specVersion)}, not "1.6"`);
  const refs = new Map<string, number>();
  const visit = (c: Json, where: string) => {
    const ref = c["bom-ref"];
    if (typeof ref === "string") refs.set(ref, (refs.get(ref) ?? 0) + 1);
    problems.push(...purlProblem(c.purl, where));
    for (const l of arr(c.licenses))
      if (typeof l.expression === "string" && !isSpdxExpression(l.expression))
        problems.push(`${where}: licence expression ${JSON.stringify(l.expression)} does not parse`);
    arr(c.components).forEach((x, i) => visit(x, `${where}.components[${i}]`));
  };
  const meta = (doc.metadata ?? {}) as Json;
  if (meta.component) visit(meta.component as Json, "metadata.component");
  arr(doc.components).forEach((c, i) => visit(c, `components[${i}]`));
  for (const [ref, n] of refs) if (n > 1) problems.push(`bom-ref ${JSON.stringify(ref)} is used ${n} times`);
  for (const d of arr(doc.dependencies)) {
    if (!refs.has(String(d.ref))) problems.push(`dependency ref ${JSON.stringify(d.ref)} names no component`);
    for (const on of (d.dependsOn as string[] | undefined) ?? [])
      if (!refs.has(on)) problems.push(`${d.ref} dependsOn ${JSON.stringify(on)}, which names no component`);
  }
  return problems;
}

export function checkSpdx(doc: Json): string[] {
  const problems: string[] = [];
  if (doc.spdxVersion !== "SPDX-2.3") problems.push(`spdxVersion is ${JSON.stringify(doc.spdxVersion)}, not "SPDX-2.3"`);
  const created = ((doc.creationInfo ?? {}) as Json).created;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(String(created))) problems.push(`creationInfo.created ${JSON.stringify(created)} is not YYYY-MM-DDThh:mm:ssZ`);
  const ids = new Map<string, number>([["SPDXRef-DOCUMENT", 1]]);
  for (const x of [...arr(doc.packages), ...arr(doc.files)]) {
    const id = String(x.SPDXID);
    if (!/^SPDXRef-[A-Za-z0-9.-]+$/.test(id)) problems.push(`SPDXID ${JSON.stringify(id)} is not SPDXRef-[A-Za-z0-9.-]+`);
    ids.set(id, (ids.get(id) ?? 0) + 1);
  }
  for (const [id, n] of ids) if (n > 1) problems.push(`SPDXID ${id} is used ${n} times`);
  for (const p of arr(doc.packages)) {
    for (const r of arr(p.externalRefs)) if (r.referenceType === "purl") problems.push(...purlProblem(r.referenceLocator, String(p.SPDXID)));
    for (const k of ["licenseDeclared", "licenseConcluded"]) {
      const v = p[k];
      if (typeof v === "string" && v !== "NOASSERTION" && v !== "NONE" && !isSpdxExpression(v))
        problems.push(`${p.SPDXID}.${k} ${JSON.stringify(v)} does not parse`);
    }
  }
  for (const f of arr(doc.files)) if (!arr(f.checksums).some((c) => c.algorithm === "SHA1")) problems.push(`${f.SPDXID} has no SHA1 checksum`);
  for (const r of arr(doc.relationships)) {
    for (const k of ["spdxElementId", "relatedSpdxElement"])
      if (!ids.has(String(r[k]))) problems.push(`relationship ${r.relationshipType}: ${k} ${JSON.stringify(r[k])} names no element`);
  }
  return problems;
}
