// A few of CSAF 2.0's mandatory tests (section 6.1) that the JSON schema cannot express, for the
// documents the exporter writes: 6.1.1 every referenced product id is defined, 6.1.2 none defined
// twice, 6.1.6 no product in contradicting status groups, 6.1.13 purls parse, 6.1.14 revision
// history sorted, 6.1.16 tracking.version is the latest revision, 6.1.27.4-6 and .11 the
// security advisory profile's required elements, 6.1.29 remediations name products, 6.1.31 no
// ranges in product_version names.
import { parseCpanPurl } from "../../../shared/domain/cpan/purl";
import type { CsafDocument } from "../../../shared/domain/publish/csaf";

type Node = { product?: { product_id: string; product_identification_helper?: { purl?: string } }; branches?: Node[]; name?: string; category?: string };
type Vuln = { notes?: unknown[]; product_status?: Record<string, string[]>; remediations?: { product_ids?: string[] }[] };

export function csafMandatoryProblems(doc: CsafDocument): string[] {
  const problems: string[] = [];
  const defined: string[] = [];
  const walk = (n: Node) => {
    if (n.product) {
      defined.push(n.product.product_id);
      const purl = n.product.product_identification_helper?.purl;
      if (purl)
        try {
          parseCpanPurl(purl);
        } catch (e) {
          problems.push(`6.1.13 ${(e as Error).message}`);
        }
    }
    if (n.category === "product_version" && /[<>=]|\b(and|or|through|before|after)\b/i.test(n.name ?? ""))
      problems.push(`6.1.31 range in product_version ${n.name}`);
    n.branches?.forEach(walk);
  };
  const tree = doc.product_tree as Node | undefined;
  if (!tree) problems.push("6.1.27.4 no product_tree");
  else walk(tree);
  const ids = new Set(defined);
  if (ids.size !== defined.length) problems.push("6.1.2 a product id defined twice");
  const vulns = doc.vulnerabilities as Vuln[] | undefined;
  if (!vulns?.length) problems.push("6.1.27.11 no vulnerabilities");
  for (const v of vulns ?? []) {
    if (!v.notes?.length) problems.push("6.1.27.5 vulnerability without notes");
    if (!v.product_status) problems.push("6.1.27.6 vulnerability without product_status");
    const groups = Object.entries(v.product_status ?? {});
    const seen = new Map<string, string>();
    for (const [group, list] of groups)
      for (const id of list) {
        if (!ids.has(id)) problems.push(`6.1.1 ${id} not defined`);
        if (seen.has(id)) problems.push(`6.1.6 ${id} is both ${seen.get(id)} and ${group}`);
        seen.set(id, group);
      }
    for (const r of v.remediations ?? []) {
      if (!r.product_ids?.length) problems.push("6.1.29 remediation without products");
      for (const id of r.product_ids ?? []) if (!ids.has(id)) problems.push(`6.1.1 ${id} not defined`);
    }
  }
  const t = doc.document.tracking;
  const numbers = t.revision_history.map((h) => Number(h.number));
  if (numbers.some((n, i) => i > 0 && n <= (numbers[i - 1] as number))) problems.push("6.1.14 revision history not sorted");
  if (t.version !== String(Math.max(...numbers))) problems.push("6.1.16 tracking.version is not the latest revision");
  if (t.current_release_date !== t.revision_history[t.revision_history.length - 1]?.date)
    problems.push("current_release_date is not the latest revision's date");
  return problems;
}
