import { describe, expect, it } from "vitest";
import { NoteError, formatVerifierKey, openNote, parsePrivateKey, parseVerifierKey, signNote } from "../../../shared/domain/tlog/note";

// golang.org/x/mod/sumdb/note's known-answer vector (FORMATS.md).
const SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const SIGNED =
  "This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
// The tessera test log's key (../shared/vectors/tessera-log/README), embedded as a fact.
const TESSERA_SKEY = "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg";
const TESSERA_VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";
const TESSERA_CHECKPOINT_0 =
  "example.com/log/testdata\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n\u2014 example.com/log/testdata M9e0lhxJACzE1KoUdqKuPa+9p6R7dSW8BlEvrg/noo8FkGg6PbJoRNOcdjqjOq89wVvTA60eubCc4oufo5BvIVEgtQc=\n";

describe("signed notes", () => {
  it("verifies the x/mod known-answer note", () => {
    expect(openNote(SIGNED, [parseVerifierKey(VKEY)])).toEqual({ text: "This is an example message.\n", verifiedBy: ["example.com/foo"] });
  });

  it("parses a private key and derives its verifier key", () => {
    const s = parsePrivateKey(SKEY);
    expect(s.name).toBe("PeterNeumann");
    expect(formatVerifierKey(s)).toMatch(/^PeterNeumann\+c74f20a3\+A/);
    expect(formatVerifierKey(parsePrivateKey(TESSERA_SKEY))).toBe(TESSERA_VKEY);
  });

  it("signs deterministically: reproduces the tessera log's checkpoint.0", () => {
    const text = "example.com/log/testdata\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
    expect(signNote(text, parsePrivateKey(TESSERA_SKEY))).toBe(TESSERA_CHECKPOINT_0);
  });

  it("ignores unknown keys but requires one known signature", () => {
    const other = parsePrivateKey(TESSERA_SKEY);
    expect(() => openNote(SIGNED, [parseVerifierKey(formatVerifierKey(other))])).toThrow(/no signature by a known key/);
  });

  it.each([
    ["tampered text", SIGNED.replace("example message", "exemplary message"), /invalid signature by example.com\/foo/],
    ["tampered signature", SIGNED.replace("Uw2QOkn8", "Uw2QOkn9"), /invalid signature|malformed/],
    ["no signatures", "This is an example message.\n", /no blank line/],
    ["bad signature line", "This is an example message.\n\n- example.com/foo abc\n", /malformed signature line/],
    ["truncated", SIGNED.slice(0, -10), /newline|malformed/],
  ])("rejects %s", (_, note, why) => {
    expect(() => openNote(note, [parseVerifierKey(VKEY)])).toThrow(why);
  });

  it.each([
    ["wrong id", VKEY.replace("530d903a", "530d903b"), /does not match/],
    ["not ed25519", "a+530d903a+AgkyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", /Ed25519|does not match/],
    ["missing parts", "example.com/foo", /must be/],
    ["bad name", "bad name+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", /bad key name|must be/],
  ])("rejects a verifier key with %s", (_, key, why) => {
    expect(() => parseVerifierKey(key)).toThrow(why);
  });

  it("refuses to sign text with a blank line or without a final newline", () => {
    const s = parsePrivateKey(SKEY);
    expect(() => signNote("a\n\nb\n", s)).toThrow(NoteError);
    expect(() => signNote("a", s)).toThrow(NoteError);
  });
});
