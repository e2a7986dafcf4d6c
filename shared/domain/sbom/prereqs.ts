/** Prerequisites grouped by the distribution they resolve to, with the scope each one implies. */
import type { Prereqs } from "../cpan/meta";
import type { Resolution } from "./resolve";
import { byCodePoint } from "../order";

export interface Requirement {
  readonly phase: string;
  readonly relationship: string;
  readonly module: string;
  readonly range: string;
}

export type Scope = "required" | "optional" | "excluded";

export interface Prerequisite {
  /** The distribution, or the module when it could not be resolved. */
  readonly name: string;
  readonly resolved: boolean;
  readonly via: Resolution["via"];
  readonly requirements: readonly Requirement[];
  /** required: a runtime requirement; optional: runtime recommends/suggests; excluded: only build, test, configure, develop (or conflicts). */
  readonly scope: Scope;
}

export function groupPrerequisites(prereqs: Prereqs, resolve: (module: string) => Resolution): Prerequisite[] {
  const groups = new Map<string, { resolved: boolean; via: Resolution["via"]; requirements: Requirement[] }>();
  for (const [phase, rels] of Object.entries(prereqs)) {
    for (const [relationship, modules] of Object.entries(rels)) {
      for (const [module, range] of Object.entries(modules)) {
        const r = resolve(module);
        const key = r.distribution ?? `module:${module}`;
        const g = groups.get(key) ?? { resolved: !!r.distribution, via: r.via, requirements: [] };
        g.requirements.push({ phase, relationship, module, range });
        groups.set(key, g);
      }
    }
  }
  return [...groups]
    .map(([key, g]) => {
      const rt = g.requirements.filter((q) => q.phase === "runtime");
      const scope: Scope = rt.some((q) => q.relationship === "requires")
        ? "required"
        : rt.some((q) => q.relationship === "recommends" || q.relationship === "suggests")
          ? "optional"
          : "excluded";
      const requirements = [...g.requirements].sort((a, b) =>
        byCodePoint(`${a.phase} ${a.relationship} ${a.module}`, `${b.phase} ${b.relationship} ${b.module}`),
      );
      return { name: key.startsWith("module:") ? key.slice(7) : key, resolved: g.resolved, via: g.via, requirements, scope };
    })
    .sort((a, b) => byCodePoint(a.name, b.name));
}
