/**
 * Text from uploads (META names, abstracts, reasons) and the feed, made safe to show a person.
 * Records keep the raw value; this runs where text is rendered (mail, Atom, SBOM descriptions).
 * What a reader could be fooled by is shown, not interpreted: a character is replaced by its code
 * point, `<U+202E>`, so the trick is visible and the text stays readable.
 * - controls (CR and LF too: a rendered line stays one line), bidirectional overrides and
 *   isolates (U+202E turns "gpj.exe" around), invisible characters (zero-width, BOM, tags);
 * - in identifiers (distribution names, versions, PAUSE ids, paths, advisory ids) anything but
 *   printable ASCII and Latin letters: CPAN names are Latin, so a Cyrillic "а" in "Dаta-Dumper"
 *   is a look-alike (an accented Latin letter, "Ünicode", is shown as it is);
 * - in free text, letters of a look-alike script (Cyrillic, Greek, Armenian, Cherokee, …) inside a
 *   word that also has Latin letters; fullwidth and mathematical letters ("Ｄ", "𝐃") folded to
 *   what they stand for (NFKC of those alone: "…" or "½" elsewhere stay as written).
 */

const show = (ch: string) => `<U+${(ch.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")}>`;

// Cc, Cf (format: bidi controls, zero-width joiners, BOM, tags, soft hyphen …), Zl, Zp, and the
// noncharacters and private-use code points that render as anything a font likes.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\u{FFF9}-\u{FFFB}\u{FFFE}\u{FFFF}]/gu;
// Scripts whose letters pass for Latin ones in common fonts (Unicode TR39's confusables are mostly these).
const LOOKALIKE = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}\p{Script=Coptic}\p{Script=Lisu}\p{Script=Georgian}]/u;
const WORD = /[\p{L}\p{M}\p{N}_.-]+/gu;
const STYLED = /[\u{FF01}-\u{FF5E}\u{1D400}-\u{1D7FF}]/gu;

/** An identifier as shown: printable ASCII and Latin letters, everything else as `<U+XXXX>`. */
export function displayIdentifier(s: string): string {
  return s.replace(/[^\x20-\x7e\p{Script=Latin}]/gu, show);
}

/** Free text as shown: hidden characters and mixed-script look-alikes as `<U+XXXX>`, on one line. */
export function displayText(s: string): string {
  return s
    .replace(STYLED, (c) => c.normalize("NFKC"))
    .replace(HIDDEN, show)
    .replace(WORD, (w) => (/[A-Za-z]/.test(w) && LOOKALIKE.test(w) ? [...w].map((c) => (LOOKALIKE.test(c) ? show(c) : c)).join("") : w));
}
