/**
 * Perl version numbers exactly as version.pm 0.9929 (Perl 5.36) parses and compares them.
 *
 * This is a port of vutil.c's prescan_version/scan_version (lax rules) and vcmp, not an
 * approximation: CPAN ordering decides which releases an advisory affects, so it must agree with
 * Perl byte for byte. test/unit/cpan/version-perl.test.ts checks that against perl itself.
 */

export class InvalidVersionError extends Error {
  override readonly name = "InvalidVersionError";
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`Invalid version format (${reason}): ${JSON.stringify(input)}`);
  }
}

export interface PerlVersion {
  /** What the version stringifies to in Perl: the input as written ("v.Inf" on overflow). */
  readonly original: string;
  /** The integer components that vcmp compares. */
  readonly parts: readonly number[];
  /** Dotted-decimal (v-string style). */
  readonly qv: boolean;
  /** Had an underscore (a developer release). */
  readonly alpha: boolean;
}

const VERSION_MAX = 0x7fffffff;
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
/** End of a version: end of string or one of the terminators version.pm accepts. */
const isEnd = (c: string | undefined) => c === undefined || c === ";" || c === "{" || c === "}";

interface Prescan {
  end: number;
  qv: boolean;
  sawDecimal: number;
  alpha: boolean;
}

/** vutil.c prescan_version with strict = FALSE; throws where version.pm croaks. */
function prescan(s: string, start: number): Prescan {
  const bad = (reason: string): never => {
    throw new InvalidVersionError(s, reason);
  };
  let d = start;
  let qv = false;
  let sawDecimal = 0;
  let alpha = false;

  const dotted = (): void => {
    while (isDigit(s[d])) d++;
    if (s[d] !== ".") return;
    sawDecimal++;
    d++;
    while (isDigit(s[d])) {
      while (isDigit(s[d])) d++;
      if (s[d] === "_") {
        if (alpha) bad("multiple underscores");
        d++;
        alpha = true;
      } else if (s[d] === ".") {
        if (alpha) bad("underscores before decimal");
        sawDecimal++;
        d++;
      } else break;
    }
  };

  if (s[d] === "v") {
    d++;
    if (!isDigit(s[d])) bad("dotted-decimal versions require at least three parts");
    qv = true;
    dotted();
  } else {
    if (s[d] === "-") bad("negative version number");
    while (isDigit(s[d])) d++;
    let decimal = true;
    if (s[d] === ".") {
      sawDecimal++;
      d++;
    } else if (isEnd(s[d]) || isSpace(s[d])) {
      if (d === start) bad("version required");
      decimal = false;
    } else if (d === start) {
      bad("non-numeric data");
    } else if (s[d] === "_") {
      bad(isDigit(s[d + 1]) ? "alpha without decimal" : "misplaced underscore");
    } else {
      bad("non-numeric data");
    }
    if (decimal) {
      if (!isDigit(s[d]) && !(isEnd(s[d]) || isSpace(s[d]))) bad("fractional part required");
      while (isDigit(s[d])) {
        d++;
        if (s[d] === "." && isDigit(s[d - 1])) {
          if (alpha) bad("underscores before decimal");
          // A second decimal point: start again as a dotted-decimal version.
          d = start;
          qv = true;
          dotted();
          break;
        }
        if (s[d] === "_") {
          if (alpha) bad("multiple underscores");
          if (!isDigit(s[d + 1])) bad("misplaced underscore");
          d++;
          alpha = true;
        }
      }
    }
  }
  while (isSpace(s[d])) d++;
  if (!isDigit(s[d]) && !isEnd(s[d])) bad("non-numeric data");
  if (sawDecimal > 1 && s[d - 1] === ".") bad("trailing decimal");
  return { end: d, qv, sawDecimal, alpha };
}

/** Parses a version string as `version->parse($s)` does; throws InvalidVersionError where it croaks. */
export function parseVersion(input: string): PerlVersion {
  return scanVersion(input).version;
}

/**
 * Like parseVersion, but also refuses what version.pm only warns about: text left over after the
 * version ("1.2 3", "1 ") and integer overflow. CPAN::Meta::Requirements turns those warnings into
 * errors, so requirement strings use this.
 */
export function parseVersionExact(input: string): PerlVersion {
  const { version, end } = scanVersion(input);
  if (version.original === "v.Inf") throw new InvalidVersionError(input, "integer overflow");
  if (end < input.length) throw new InvalidVersionError(input, `contains invalid data: ${JSON.stringify(input.slice(end))}`);
  return version;
}

function scanVersion(input: string): { version: PerlVersion; end: number } {
  let s0 = 0;
  while (isSpace(input[s0])) s0++;
  let pre: Prescan;
  try {
    pre = prescan(input, s0);
  } catch (e) {
    if (input.slice(s0) === "undef") return { version: { original: "0", parts: [0], qv: false, alpha: false }, end: input.length };
    throw e;
  }
  const { qv, sawDecimal, alpha } = pre;
  const start = s0;
  let s = input[s0] === "v" ? s0 + 1 : s0;
  let pos = s;
  const parts: number[] = [];
  let inf = false;

  while (isDigit(input[pos]) || input[pos] === "_") pos++;
  for (;;) {
    let rev = 0;
    const end = pos;
    if (!qv && s > start && sawDecimal === 1) {
      // Fraction of a decimal version: up to three digits, left-aligned (".5" is 500).
      let mult = 100;
      while (s < end) {
        if (input[s] === "_") {
          s++;
          continue;
        }
        rev += (input.charCodeAt(s) - 48) * mult;
        mult /= 10;
        s++;
      }
    } else {
      let mult = 1;
      for (let e = end - 1; e >= s; e--) {
        if (input[e] === "_") continue;
        const i = input.charCodeAt(e) - 48;
        if (mult === VERSION_MAX || i > Math.floor(VERSION_MAX / mult) || i * mult > VERSION_MAX - rev) {
          rev = VERSION_MAX;
          inf = true;
          break;
        }
        rev += i * mult;
        mult = mult > Math.floor(VERSION_MAX / 10) ? VERSION_MAX : mult * 10;
      }
    }
    parts.push(rev);
    if (inf) {
      s = pre.end;
      break;
    }
    if (input[pos] === ".") {
      pos++;
      if (qv) while (input[pos] === "0") pos++;
      s = pos;
    } else if ((input[pos] === "_" || input[pos] === ",") && isDigit(input[pos + 1])) {
      s = ++pos;
    } else if (isDigit(input[pos])) {
      s = pos;
    } else {
      s = pos;
      break;
    }
    if (qv) {
      while (isDigit(input[pos]) || input[pos] === "_") pos++;
    } else {
      let digits = 0;
      while ((isDigit(input[pos]) || input[pos] === "_") && digits < 3) {
        if (input[pos] !== "_") digits++;
        pos++;
      }
    }
  }
  if (qv) while (parts.length < 3) parts.push(0);

  let original: string;
  if (inf) original = "v.Inf";
  else if (s > start) {
    original = input.slice(start, s);
    if (qv && sawDecimal === 1 && input[start] !== "v") original = `v${original}`;
  } else {
    original = "0";
    parts.push(0);
  }
  return { version: { original, parts, qv, alpha }, end: s };
}

/** True when version.pm would accept the string (version::is_lax plus the "undef" special case). */
export function isValidVersion(s: string): boolean {
  try {
    parseVersion(s);
    return true;
  } catch {
    return false;
  }
}

const asVersion = (v: string | PerlVersion) => (typeof v === "string" ? parseVersion(v) : v);

/** version.pm's vcmp: -1, 0 or 1. Trailing zero components do not count. */
export function compareVersions(a: string | PerlVersion, b: string | PerlVersion): -1 | 0 | 1 {
  const l = asVersion(a).parts;
  const r = asVersion(b).parts;
  const m = Math.min(l.length, r.length);
  for (let i = 0; i < m; i++) {
    const x = l[i] as number;
    const y = r[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  for (let i = m; i < l.length; i++) if (l[i] !== 0) return 1;
  for (let i = m; i < r.length; i++) if (r[i] !== 0) return -1;
  return 0;
}

/** `$v->normal`: v-string form with at least three components. */
export function normalVersion(v: string | PerlVersion): string {
  const parts = [...asVersion(v).parts];
  while (parts.length < 3) parts.push(0);
  return `v${parts.join(".")}`;
}

/**
 * A string whose code-point order is version.pm's order (a DynamoDB sort key): each component
 * zero-padded to 10 digits, trailing zeros dropped (vcmp ignores them). A version that does not
 * parse sorts after every valid one, by its text.
 */
export function versionOrderKey(v: string): string {
  let version: PerlVersion;
  try {
    version = parseVersion(v);
  } catch (e) {
    if (e instanceof InvalidVersionError) return `~${v}`;
    throw e;
  }
  return orderKey(version);
}

/** versionOrderKey of a parsed version: equal keys are equal versions, and `<` on keys is vcmp's order. */
export function orderKey(v: PerlVersion): string {
  let n = v.parts.length;
  while (n > 1 && v.parts[n - 1] === 0) n--;
  let key = "";
  for (let i = 0; i < n; i++) key += `${i ? "." : ""}${String(v.parts[i]).padStart(10, "0")}`;
  return key;
}

const INTEGER = /^\d{1,9}$/;
const DECIMAL = /^(\d{1,9})\.(\d+)(?:_(\d+))?$/;
const DOTTED = /^(?:v\d+(?:(?:\.\d+)+(?:_\d+)?)?|\d+(?:\.\d+){2,}(?:_\d+)?)$/;
/** A component's key from its digits (at most 10: leading zeros are zeros either way). */
const pad = (digits: string) => "0000000000".slice(digits.length) + digits;
const ZERO_KEY = pad("0");

/** orderKey of components, from their digit strings; undefined when one may overflow (the parser then decides). */
function keyOfDigits(digits: string[]): string | undefined {
  let key = "";
  let kept = "";
  for (const d of digits) {
    if (d.length > 9) return undefined;
    const part = pad(d);
    // Trailing zero components are dropped (vcmp ignores them); a first one is kept.
    kept += `${kept ? "." : ""}${part}`;
    if (part !== ZERO_KEY || !key) key = kept;
  }
  return key;
}

/**
 * orderKey(parseVersion(text)), or undefined where parseVersion throws. The shapes nearly every
 * CPAN version has (an integer, a decimal, a dotted-decimal, an underscore before the last digits)
 * are read directly, as parseVersion reads them: `advisories match` reads thousands of distinct
 * versions once each, before V8 has optimised the parser. test/unit/cpan/version.test.ts checks
 * both ways agree.
 */
export function laxOrderKey(text: string): string | undefined {
  let key: string | undefined;
  if (INTEGER.test(text)) key = pad(text);
  else {
    const dec = DECIMAL.exec(text);
    if (dec) {
      // Decimal: the fraction in groups of three digits, left-aligned (".5" is 500); an underscore is skipped.
      const fraction = `${dec[2]}${dec[3] ?? ""}`;
      const groups = [dec[1] as string];
      for (let i = 0; i < fraction.length; i += 3) groups.push(fraction.slice(i, i + 3).padEnd(3, "0"));
      key = keyOfDigits(groups);
    } else if (DOTTED.test(text)) {
      // Dotted-decimal: integer components; an underscore joins the last one's digits.
      key = keyOfDigits(text.replace(/^v/, "").replace("_", "").split("."));
    }
  }
  if (key !== undefined) return key;
  try {
    return orderKey(parseVersion(text));
  } catch {
    return undefined;
  }
}
