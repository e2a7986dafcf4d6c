/**
 * Mutation fuzzing with fast-check: take a seed (a fixture, or a valid document a structure-aware
 * generator made) and apply 1 to 8 byte-level edits, AFL style: bit flips, "interesting" bytes,
 * insertions, deletions, duplicated runs, truncation, splicing in part of another seed, and
 * dictionary tokens (the format's own keywords, where random bytes would rarely reach them).
 * Positions are naturals taken modulo the length, so fast-check shrinks failures towards small edits.
 */
import fc from "fast-check";

export type Mutation =
  | { readonly kind: "flip"; readonly at: number; readonly bit: number }
  | { readonly kind: "set"; readonly at: number; readonly byte: number }
  | { readonly kind: "insert"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: "delete"; readonly at: number; readonly length: number }
  | { readonly kind: "duplicate"; readonly at: number; readonly length: number; readonly times: number }
  | { readonly kind: "truncate"; readonly at: number }
  | { readonly kind: "splice"; readonly at: number; readonly other: number; readonly from: number }
  | { readonly kind: "token"; readonly at: number; readonly token: number; readonly replace: boolean };

/** Bytes that sit on boundaries: 0, sign bits, all ones, digits, separators, quote and octal marks. */
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x20, 0x0a, 0x0d, 0x09, 0x30, 0x37, 0x39, 0x2e, 0x2c, 0x3a, 0x22, 0x27, 0x5c, 0x2f, 0x2b, 0x3d, 0x7b, 0x7d];

const pos = fc.nat({ max: 0xffffff });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: pos, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant("set" as const), at: pos, byte: fc.oneof(fc.constantFrom(...INTERESTING), fc.nat({ max: 255 })) }),
  fc.record({ kind: fc.constant("insert" as const), at: pos, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: pos, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: pos, length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: pos }),
  fc.record({ kind: fc.constant("splice" as const), at: pos, other: fc.nat(), from: pos }),
  fc.record({ kind: fc.constant("token" as const), at: pos, token: fc.nat(), replace: fc.boolean() }),
);

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 8 });

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Applies the edits in order; `others` are what splice copies from, `tokens` the dictionary. */
export function applyMutations(
  seed: Uint8Array,
  edits: readonly Mutation[],
  others: readonly Uint8Array[] = [],
  tokens: readonly Uint8Array[] = [],
): Uint8Array {
  let b = seed;
  for (const m of edits) {
    const at = m.at % (b.byteLength + 1);
    switch (m.kind) {
      case "flip":
      case "set":
        if (at < b.byteLength) {
          b = b.slice();
          b[at] = m.kind === "flip" ? (b[at] as number) ^ (1 << m.bit) : m.byte;
        }
        break;
      case "insert":
        b = concat(b.subarray(0, at), m.bytes, b.subarray(at));
        break;
      case "delete":
        b = concat(b.subarray(0, at), b.subarray(at + m.length));
        break;
      case "duplicate": {
        const run = b.subarray(at, at + m.length);
        b = concat(b.subarray(0, at), ...Array.from({ length: m.times + 1 }, () => run), b.subarray(at + m.length));
        break;
      }
      case "truncate":
        b = b.subarray(0, at);
        break;
      case "splice": {
        const other = others.length ? (others[m.other % others.length] as Uint8Array) : b;
        const from = m.from % (other.byteLength + 1);
        b = concat(b.subarray(0, at), other.subarray(from));
        break;
      }
      case "token": {
        if (!tokens.length) break;
        const t = tokens[m.token % tokens.length] as Uint8Array;
        b = concat(b.subarray(0, at), t, b.subarray(m.replace ? at + t.byteLength : at));
        break;
      }
    }
  }
  return b;
}

const enc = new TextEncoder();
export const bytesOf = (s: string) => enc.encode(s);
export const textOf = (b: Uint8Array) => new TextDecoder().decode(b);

/** 1–8 mutations of one of `seeds` (fixed bytes, or values of an arbitrary). */
export function mutated(seeds: readonly Uint8Array[] | fc.Arbitrary<Uint8Array>, dictionary: readonly string[] = []): fc.Arbitrary<Uint8Array> {
  const tokens = dictionary.map(bytesOf);
  if (!Array.isArray(seeds)) {
    const arb = seeds as fc.Arbitrary<Uint8Array>;
    return fc.tuple(arb, arb, mutations).map(([seed, other, edits]) => applyMutations(seed, edits, [other], tokens));
  }
  const fixed = seeds as readonly Uint8Array[];
  return fc.tuple(fc.nat({ max: fixed.length - 1 }), mutations).map(([i, edits]) => applyMutations(fixed[i] as Uint8Array, edits, fixed, tokens));
}

/** The same, for parsers that read text: mutated as UTF-8 bytes, decoded leniently. */
export const mutatedText = (seeds: readonly Uint8Array[] | fc.Arbitrary<Uint8Array>, dictionary: readonly string[] = []) =>
  mutated(seeds, dictionary).map(textOf);
