/**
 * A cpanfile (Module::CPANfile's DSL) read as data, never run: it is Perl, and running an
 * application's file to audit it would hand it the auditor's machine. The declarative subset real
 * cpanfiles use is read: `requires|recommends|suggests|conflicts 'Module' [, 'range'] [, key =>
 * value...]`, the `<phase>_requires` shorthands, and `on 'phase' => sub { ... }`. Optional
 * `feature` blocks are not prerequisites unless chosen (as in Module::CPANfile's `prereqs`): they
 * are noted, not audited. Anything else (conditionals, variables, interpolation) is refused with
 * its line, since its meaning depends on running it.
 */
import type { Prereqs } from "../cpan/meta";
import type { CpanfilePrereqs } from "./inventory";
import { type Token, tokenize } from "./perl-tokens";

export class CpanfileError extends Error {
  override readonly name = "CpanfileError";
}

const RELATIONS = new Set(["requires", "recommends", "suggests", "conflicts"]);
const SHORTHAND: Record<string, string> = { configure_requires: "configure", build_requires: "build", test_requires: "test", author_requires: "develop" };
const PHASES = new Set(["configure", "build", "test", "runtime", "develop"]);
const IGNORED = new Set(["mirror", "osname"]);

export function parseCpanfile(text: string, file: string): CpanfilePrereqs & { notes: string[] } {
  const toks = tokenize(text, (line, why) => new CpanfileError(`${file}: line ${line}: ${why}`));
  const prereqs: Prereqs = {};
  const lines = new Map<string, number>();
  const notes: string[] = [];
  let i = 0;
  const fail = (t: Token | undefined, why: string): never => {
    throw new CpanfileError(`${file}: line ${t?.line ?? toks[toks.length - 1]?.line ?? 1}: ${why}${t ? ` (at ${JSON.stringify(t.text)})` : ""}`);
  };
  const peek = () => toks[i];

  /** Values separated by `,` or `=>`, in optional parentheses, to `;`, `}` or the end; a `sub { }` runs `block`. */
  const args = (keyword: Token, block?: (values: Token[]) => void): Token[] => {
    const out: Token[] = [];
    const paren = peek()?.text === "(" ? (i++, true) : false;
    for (;;) {
      const t = peek();
      if (!t || t.text === ";" || t.text === "}") {
        if (paren) fail(t, "expected )");
        return out;
      }
      i++;
      if (t.text === ")" && paren) return out;
      if (t.text === "," || t.text === "=>") continue;
      if (t.kind === "word" && t.text === "sub" && block && peek()?.text === "{") {
        i++;
        block(out);
        continue;
      }
      if (t.kind === "string" || t.kind === "number" || (t.kind === "word" && peek()?.text === "=>")) out.push(t);
      else fail(t, `${keyword.text}: not a plain value (this cpanfile needs Perl to be read)`);
    }
  };

  /** Statements to `}` (nested) or the end, into `sink` (null: read and dropped) under `phase`. */
  const statements = (sink: Prereqs | null, phase: string, nested: boolean) => {
    for (;;) {
      const t = peek();
      if (!t) return nested ? fail(t, "expected }") : undefined;
      i++;
      if (t.text === ";") continue;
      if (t.text === "}" && nested) return;
      if (t.kind !== "word") fail(t, "expected a cpanfile keyword");
      if (RELATIONS.has(t.text) || Object.hasOwn(SHORTHAND, t.text)) {
        const [mod, ...rest] = args(t);
        if (!mod) return fail(t, `${t.text} without a module name`);
        // Module::CPANfile: `requires $module, [$version,] %options`: an odd count means a version.
        const range = rest.length % 2 === 1 ? (rest[0] as Token).text : "0";
        if (!sink) continue;
        const ph = SHORTHAND[t.text] ?? phase;
        ((sink[ph] ??= {})[Object.hasOwn(SHORTHAND, t.text) ? "requires" : t.text] ??= {})[mod.text] = range;
        if (!lines.has(mod.text)) lines.set(mod.text, mod.line);
      } else if (t.text === "on") {
        let seen = false;
        args(t, (v) => {
          const p = v[0]?.text;
          if (v.length !== 1 || !p || !PHASES.has(p)) fail(t, "expected on 'phase' => sub { ... } with a phase of configure, build, test, runtime, develop");
          seen = true;
          statements(sink, p as string, true);
        });
        if (!seen) fail(t, "expected on 'phase' => sub { ... }");
      } else if (t.text === "feature") {
        args(t, (v) => {
          notes.push(
            `${file}:${t.line}: optional feature ${JSON.stringify(v[0]?.text ?? "")}: its prerequisites are not audited (installed only when the feature is chosen)`,
          );
          statements(null, phase, true);
        });
      } else if (IGNORED.has(t.text)) args(t);
      else fail(t, `${JSON.stringify(t.text)} is not cpanfile syntax this reader accepts (it would need Perl to be run)`);
    }
  };
  statements(prereqs, "runtime", false);
  return { prereqs, lines, notes };
}
