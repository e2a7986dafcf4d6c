/**
 * The findings table on the embedded store's `items` (pk the release id, sk the finding's key and
 * position, idx the key). A range finding (dependency, interpreter) cites every advisory on its
 * distribution, tens of KB, and is the same answer for every release that asks for the same range
 * of it: every release requiring perl carries the perl finding. Its text is stored once, in
 * `finding_texts` under its sha256 with a count of the rows that cite it, and its row holds
 * `#<sha256>`; findings on the release itself stay inline (the summary's index reads their
 * severity, sqlite-summary.ts). The contract (shared/ports FindingStore) is unchanged: what is
 * read back is what was stored. Rows written inline by an older version are read as they are.
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { type Finding, findingKey, isReleaseFinding } from "../../domain/advisories/findings";
import type { FindingStore } from "../../ports";

export const FINDINGS_SCHEMA = `
CREATE TABLE IF NOT EXISTS finding_texts (hash TEXT PRIMARY KEY, data TEXT NOT NULL, refs INTEGER NOT NULL);
`;

/** A row's data that names a text in finding_texts (JSON never starts with it). */
const REF = "#";

interface Stored {
  readonly text: string;
  /** Set for a range finding: its text goes to finding_texts under this hash. */
  readonly hash?: string;
}

/**
 * A finding's stored form. A frozen finding is one answer that many releases share
 * (shared/domain/advisories/dependencies.ts), so its text and hash are computed once, not once per
 * release; frozen, it cannot change after.
 */
const memo = new WeakMap<Finding, Stored>();
function stored(f: Finding): Stored {
  const frozen = Object.isFrozen(f);
  const known = frozen ? memo.get(f) : undefined;
  if (known) return known;
  const text = JSON.stringify(f);
  const s = isReleaseFinding(f) ? { text } : { text, hash: createHash("sha256").update(text).digest("hex") };
  if (frozen) memo.set(f, s);
  return s;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** Parsed texts by hash (a text never changes under its hash), frozen: every reader shares them. */
const PARSED_MAX = 512;

export function embeddedFindings(db: Database.Database): FindingStore {
  const held = db.prepare<[string], { id: number; sk: string; data: string }>(
    "SELECT rowid AS id, sk, data FROM items WHERE tbl = 'findings' AND pk = ? ORDER BY rowid",
  );
  const del = db.prepare("DELETE FROM items WHERE tbl = 'findings' AND pk = ?");
  const ins = db.prepare("INSERT OR REPLACE INTO items (tbl, pk, sk, idx, data, revision) VALUES ('findings', ?, ?, ?, ?, 0)");
  const set = db.prepare("UPDATE items SET data = ? WHERE rowid = ?");
  const byIdx = db.prepare<[string], { pk: string; data: string }>("SELECT pk, data FROM items WHERE tbl = 'findings' AND idx = ? ORDER BY pk, sk");
  const text = db.prepare<[string], { data: string }>("SELECT data FROM finding_texts WHERE hash = ?");
  const cite = db.prepare("UPDATE finding_texts SET refs = refs + 1 WHERE hash = ?");
  const add = db.prepare("INSERT INTO finding_texts (hash, data, refs) VALUES (?, ?, 1)");
  const uncite = db.prepare("UPDATE finding_texts SET refs = refs - 1 WHERE hash = ?");
  const drop = db.prepare("DELETE FROM finding_texts WHERE hash = ? AND refs <= 0");
  const parsed = new Map<string, Finding>();

  const parse = (data: string): Finding => {
    if (!data.startsWith(REF)) return JSON.parse(data) as Finding;
    const hash = data.slice(REF.length);
    let f = parsed.get(hash);
    if (!f) {
      const row = text.get(hash);
      // The row and its text are written in one transaction: a row without its text is a broken store.
      if (!row) throw new Error(`findings: the text ${hash} a finding cites is not stored`);
      f = deepFreeze(JSON.parse(row.data) as Finding);
      if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value as string);
      parsed.set(hash, f);
    }
    return f;
  };

  const replace = db.transaction((releaseId: string, findings: readonly Finding[]) => {
    const old = held.all(releaseId);
    const next = findings.map((f, i) => {
      const s = stored(f);
      return { key: findingKey(f), sk: `${findingKey(f)}#${i}`, hash: s.hash, data: s.hash ? `${REF}${s.hash}` : s.text, text: s.text };
    });
    for (const n of next) if (n.hash && cite.run(n.hash).changes === 0) add.run(n.hash, n.text);
    const dropped = old.filter((o) => o.data.startsWith(REF)).map((o) => o.data.slice(REF.length));
    for (const h of dropped) uncite.run(h);
    // The same keys in the same places (a re-match that changed what findings say, not which):
    // each row's data is rewritten where it is, and left alone when it is the same, so the
    // indexes on the key are not touched. Otherwise the rows are written anew, in order.
    if (old.length === next.length && old.every((o, i) => o.sk === next[i]?.sk)) {
      next.forEach((n, i) => {
        const o = old[i] as (typeof old)[number];
        if (o.data !== n.data) set.run(n.data, o.id);
      });
    } else {
      del.run(releaseId);
      for (const n of next) ins.run(releaseId, n.sk, n.key, n.data);
    }
    // After the new rows cite theirs: a text the release keeps citing is never dropped in between.
    for (const h of dropped) drop.run(h);
  });

  return {
    replace: async (id, findings) => replace(id, findings),
    byAdvisory: async (a) => byIdx.all(a).map((r) => ({ releaseId: r.pk, finding: parse(r.data) })),
    byRelease: async (id) => held.all(id).map((r) => parse(r.data)),
  };
}
