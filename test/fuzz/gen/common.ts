/** Small generators shared by the targets: awkward strings and numbers that outside data carries. */
import fc from "fast-check";

/** Text as outside data has it: ASCII, full Unicode (lone surrogates too), control characters. */
export const anyText = (maxLength = 40) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: "binary", maxLength }),
    fc.string({ unit: fc.constantFrom("\n", "\r", "\t", "\0", " ", "\u2014", "\uFEFF", "+", "=", "/", ".", "_", "-", ":", "a", "0", "9"), maxLength }),
  );

/** Numbers as a JSON field or `Number(text)` can give them. */
export const anyNumber = fc.oneof(
  fc.nat({ max: 300 }),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0, 1, 2, 255, 256, 257, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, -0, NaN, Infinity, -Infinity, 0.5, 1.5, 1e21),
  fc.maxSafeNat(),
  fc.double(),
);

/** Numbers written as text: valid decimals, leading zeros, signs, exponents, overflow. */
export const numberText = fc.oneof(
  fc.nat().map(String),
  fc.maxSafeNat().map(String),
  fc.constantFrom("", "0", "00", "01", "-1", "+1", "1e3", "1.0", "0x10", "9007199254740993", "99999999999999999999999", " 1", "1 ", "NaN", "Infinity"),
  fc.stringMatching(/^[0-9]{1,30}$/),
);

export const base64Of = (min = 0, max = 48) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b).toString("base64"));
