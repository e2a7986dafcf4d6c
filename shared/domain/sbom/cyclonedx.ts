/**
 * CycloneDX 1.6 JSON with @cyclonedx/cyclonedx-library: model, then the library's normaliser and
 * serialiser with sorted lists, so the same archive gives the same bytes.
 */
// The library's parts, not its root: the root also loads validators, builders and factories this
// code never uses, which doubled the cold load of the generate-sbom Lambda.
import * as Enums from "@cyclonedx/cyclonedx-library/Enums";
import * as Models from "@cyclonedx/cyclonedx-library/Models";
import * as Serialize from "@cyclonedx/cyclonedx-library/Serialize";
import * as Spec from "@cyclonedx/cyclonedx-library/Spec";
import { buildCpanPurl } from "../cpan/purl";
import type { SbomFacts, SbomInput } from "./input";
import { displayText } from "../text/display";

const prop = (name: string, value: string) => new Models.Property(name, value);

function licenses(facts: SbomFacts): Models.LicenseRepository {
  const repo = new Models.LicenseRepository();
  if (facts.license.expression) repo.add(new Models.LicenseExpression(facts.license.expression));
  else for (const n of facts.license.named) repo.add(new Models.NamedLicense(n));
  return repo;
}

function externalReferences(input: SbomInput, facts: SbomFacts): Models.ExternalReferenceRepository {
  const refs = new Models.ExternalReferenceRepository();
  const res = input.release.meta?.resources;
  const add = (url: string | undefined, type: Enums.ExternalReferenceType, comment?: string) => {
    if (url) refs.add(new Models.ExternalReference(url, type, comment ? { comment } : {}));
  };
  add(res?.repository?.url ?? res?.repository?.web, Enums.ExternalReferenceType.VCS);
  add(res?.bugtracker?.web ?? (res?.bugtracker?.mailto ? `mailto:${res.bugtracker.mailto}` : undefined), Enums.ExternalReferenceType.IssueTracker);
  add(res?.homepage, Enums.ExternalReferenceType.Website);
  add(facts.downloadUrl, Enums.ExternalReferenceType.Distribution, "CPAN");
  add(facts.metacpanUrl, Enums.ExternalReferenceType.Documentation, "MetaCPAN");
  return refs;
}

export function buildCycloneDx(input: SbomInput, facts: SbomFacts): Models.Bom {
  const r = input.release;
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${facts.uuid}` });
  bom.metadata.timestamp = input.uploaded;
  bom.metadata.lifecycles.add(Enums.LifecyclePhase.PreBuild);
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, input.tool.name, { version: input.tool.version }));
  const author = input.author ?? r.path.author;
  const main = new Models.Component(Enums.ComponentType.Library, facts.name, {
    bomRef: facts.purl,
    ...(facts.version ? { version: facts.version } : {}),
    purl: facts.purl,
    ...(author ? { supplier: new Models.OrganizationalEntity({ name: author }) } : {}),
    ...(r.meta?.abstract && r.meta.abstract !== "unknown" ? { description: displayText(r.meta.abstract) } : {}),
    hashes: new Models.HashDictionary([
      [Enums.HashAlgorithm["SHA-256"], r.archive.sha256],
      [Enums.HashAlgorithm["SHA-512"], r.archive.sha512],
    ]),
    licenses: licenses(facts),
    externalReferences: externalReferences(input, facts),
    properties: new Models.PropertyRepository([
      prop("cpansec:identity-source", r.source),
      prop("cpansec:developer-release", String(r.developer)),
      prop("cpansec:archive-size", String(r.archive.size)),
      prop("cpansec:files", String(facts.files.length)),
      ...(input.cpanPath ? [prop("cpansec:cpan-path", input.cpanPath)] : []),
      ...(r.error ? [prop("cpansec:metadata-error", r.error.message)] : []),
      ...r.problems.map((p) => prop("cpansec:metadata-error", p)),
    ]),
  });
  bom.metadata.component = main;

  for (const p of facts.prerequisites) {
    const c = new Models.Component(Enums.ComponentType.Library, p.name, {
      bomRef: p.resolved ? `cpan-dist:${p.name}` : `cpan-module:${p.name}`,
      ...(p.resolved ? { purl: buildCpanPurl({ dist: p.name }) } : {}),
      scope: { required: Enums.ComponentScope.Required, optional: Enums.ComponentScope.Optional, excluded: Enums.ComponentScope.Excluded }[p.scope],
      properties: new Models.PropertyRepository([
        ...p.requirements.map((q) => prop("cpansec:requirement", `${q.phase} ${q.relationship} ${q.module} ${q.range}`)),
        prop("cpansec:resolved-by", p.via),
        ...(p.resolved ? [] : [prop("cpansec:unresolved", "true")]),
      ]),
    });
    bom.components.add(c);
    if (p.scope !== "excluded" || p.requirements.some((q) => q.relationship !== "conflicts")) main.dependencies.add(c.bomRef);
  }
  for (const b of input.bundled) {
    const c = new Models.Component(Enums.ComponentType.Library, b.name, {
      bomRef: `bundled:${b.name}@${b.version ?? ""}:${b.path}`,
      ...(b.version ? { version: b.version } : {}),
      ...(b.purl ? { purl: b.purl } : {}),
      properties: new Models.PropertyRepository([prop("cpansec:bundled", "true"), prop("cpansec:path", b.path), prop("cpansec:ecosystem", b.ecosystem)]),
    });
    bom.components.add(c);
    main.dependencies.add(c.bomRef);
  }
  return bom;
}

const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));

export function serializeCycloneDx(bom: Models.Bom): string {
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}
