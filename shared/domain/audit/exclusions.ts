/**
 * Accepted risks (`--exclude FILE`): advisory ids or CVEs, each with the reason it is accepted and
 * the date the acceptance ends. YAML (or JSON) list of `{id, reason, expires: YYYY-MM-DD}`. An
 * exclusion in force hides nothing: the advisory is still shown, marked as accepted, and does not
 * count towards `--fail-on`; once expired it counts again and says so. Entries that matched
 * nothing are reported, so a stale file is noticed.
 */
import { parseDocument } from "yaml";

export class ExclusionsError extends Error {
  override readonly name = "ExclusionsError";
}

export interface Exclusion {
  readonly id: string;
  readonly reason: string;
  /** Last day the acceptance holds (inclusive), YYYY-MM-DD. */
  readonly expires: string;
}

export interface ExclusionState extends Exclusion {
  readonly expired: boolean;
}

const ID = /^(?:CPANSA-[\w.+-]+|CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})$/;
const DAY = /^(\d{4})-(\d\d)-(\d\d)$/;

function validDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

export function parseExclusions(text: string, file: string): Exclusion[] {
  const doc = parseDocument(text, { schema: "failsafe", uniqueKeys: true, prettyErrors: false, logLevel: "error" });
  if (doc.errors.length) throw new ExclusionsError(`${file}: ${doc.errors[0]?.message.split("\n")[0]}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ExclusionsError(`${file}: ${(e as Error).message}`);
  }
  if (value === null || value === undefined || value === "") return [];
  if (!Array.isArray(value)) throw new ExclusionsError(`${file}: expected a list of {id, reason, expires}`);
  const seen = new Set<string>();
  return value.map((e: unknown, i) => {
    const where = `${file}: entry ${i + 1}`;
    if (!e || typeof e !== "object" || Array.isArray(e)) throw new ExclusionsError(`${where}: expected {id, reason, expires}`);
    const { id, reason, expires, ...rest } = e as Record<string, unknown>;
    if (Object.keys(rest).length) throw new ExclusionsError(`${where}: unknown field ${Object.keys(rest)[0]}`);
    if (typeof id !== "string" || !ID.test(id.trim()))
      throw new ExclusionsError(`${where}: id must be a CPANSA advisory id, a CVE or a GHSA id, got ${JSON.stringify(id)}`);
    if (typeof reason !== "string" || !reason.trim()) throw new ExclusionsError(`${where} (${id}): a reason is required`);
    if (typeof expires !== "string" || !validDay(expires.trim()))
      throw new ExclusionsError(`${where} (${id}): expires must be a date YYYY-MM-DD, got ${JSON.stringify(expires)}`);
    if (seen.has(id.trim())) throw new ExclusionsError(`${where}: ${id} is listed twice`);
    seen.add(id.trim());
    return { id: id.trim(), reason: reason.trim(), expires: expires.trim() };
  });
}

/** The exclusion (in force or expired) an advisory falls under, by its id or any of its CVEs. */
export function exclusionFor(list: readonly Exclusion[], today: string, advisory: { id: string; cves: readonly string[] }): ExclusionState | undefined {
  const e = list.find((x) => x.id === advisory.id) ?? list.find((x) => advisory.cves.includes(x.id));
  return e ? { ...e, expired: e.expires < today } : undefined;
}
