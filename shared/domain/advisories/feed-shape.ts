/**
 * The feed's shape, checked by hand in the same pass that reads it: a schema library checked
 * the 4 MB feed by copying every object (about 100 ms and as much again in garbage collection per
 * `advisories match`). test/unit/advisories/feed-shape.test.ts holds that schema and checks that
 * both accept the same feeds. A value that does not fit throws ShapeError with its path.
 */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    got: unknown,
  ) {
    super(`expected ${expected}, got ${got === null ? "null" : Array.isArray(got) ? "array" : typeof got}`);
  }
}

export type Json = unknown;
export type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw new ShapeError(path, "object", v);
  return v;
}

/** An optional object field: absent (undefined) or an object; with `nullable`, null too. */
export function optObj(o: Obj, key: string, path: string, nullable = false): Obj | undefined {
  const v = o[key];
  if (v === undefined || (nullable && v === null)) return undefined;
  return obj(v, `${path}.${key}`);
}

/** A field that may be absent or null, else a string. */
export function nullishString(o: Obj, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new ShapeError(`${path}.${key}`, "string", v);
  return v;
}

export function stringArray(v: unknown, path: string): string[] {
  if (!Array.isArray(v)) throw new ShapeError(path, "array", v);
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string") throw new ShapeError(`${path}.${i}`, "string", v[i]);
  return v as string[];
}

/** A range-like field: absent, null, a string or a list of strings (the 2023 feeds wrote one string). */
export function stringOrList(o: Obj, key: string, path: string): string[] | string | null | undefined {
  const v = o[key];
  if (v === undefined || v === null || typeof v === "string") return v;
  if (!Array.isArray(v)) throw new ShapeError(`${path}.${key}`, "array, string or null", v);
  return stringArray(v, `${path}.${key}`);
}

/**
 * Own keys but `__proto__`: JSON.parse makes it an own key, and assigning it elsewhere would set
 * a prototype (no CPAN module or distribution has that name; the schema library dropped it too).
 */
export const ownKeys = (o: Obj): string[] => Object.keys(o).filter((k) => k !== "__proto__");

/** A copy of an object whose every value must be a string. */
export function stringRecord(v: unknown, path: string): Record<string, string> {
  const o = obj(v, path);
  const out: Record<string, string> = {};
  for (const k of ownKeys(o)) {
    const s = o[k];
    if (typeof s !== "string") throw new ShapeError(`${path}.${k}`, "string", s);
    out[k] = s;
  }
  return out;
}

/** `epoch`: absent, null or a finite number (JSON's 1e999 is Infinity). */
export function nullishNumber(o: Obj, key: string, path: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ShapeError(`${path}.${key}`, "number", v);
  return v;
}
