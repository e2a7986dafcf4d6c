/** Canonical JSON for published files: keys sorted at every level, two-space indent, final newline. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
    );
  return v;
}

export const canonicalJson = (v: unknown): string => `${JSON.stringify(sorted(v), null, 2)}\n`;
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
