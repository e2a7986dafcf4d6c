// The overlay's CHECKSUMS: written as CPAN::Checksums writes them, clear-signed with the
// deployment's key, and read back by the project's own verifier, by GnuPG and by the way cpanm
// --verify reads one (Perl's Safe->reval), so all three agree on what is signed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readTrustedKeys, verifyChecksums } from "../../../shared/domain/cpan/checksums-signature";
import { checksumFields, formatCksumDump } from "../../../shared/domain/overlay/checksums-write";
import { generateOverlayKey, publicKeyOf, readOverlayKey, signChecksums } from "../../../shared/domain/overlay/sign";
import { announceSkip, perlMissing, runPerl } from "../../helpers/perl";

const when = new Date("2026-06-01T21:52:36Z");
const archive = gzipSync(Buffer.from("not really a tar, but gzip"));

async function signed() {
  const key = await readOverlayKey(await generateOverlayKey("test overlay", "overlay@example.invalid", new Date("2026-01-01T00:00:00Z")));
  const files = new Map([
    ["Foo-1.0-PATCHED-CVE-2026-1234-r1.tar.gz", checksumFields("Foo-1.0-PATCHED-CVE-2026-1234-r1.tar.gz", archive, when)],
    ["Foo-1.0-PATCHED-CVE-2026-1234-r1.cdx.json", checksumFields("x.cdx.json", Buffer.from("{}"), when)],
  ]);
  const text = formatCksumDump(files, when, "cpansec-pipeline (v0.0.0)");
  return { key, text, file: await signChecksums(text, key, when) };
}

describe("overlay CHECKSUMS", () => {
  it("has CPAN::Checksums' layout: sorted keys, -ungz digests for a gzip, the Perl prefix line", async () => {
    const { text, file } = await signed();
    expect(text.split("\n")[0]).toBe("# CHECKSUMS file written on Mon Jun  1 21:52:36 2026 GMT by cpansec-pipeline (v0.0.0)");
    expect(text).toMatch(
      /^\$cksum = \{\n {2}'Foo-1\.0-PATCHED-CVE-2026-1234-r1\.cdx\.json' => \{\n {4}'md5' => '[0-9a-f]{32}',\n {4}'mtime' => '2026-06-01',\n/m,
    );
    expect(text).toContain("    'sha256-ungz' => '");
    expect(text.endsWith("\n};\n__END__\n")).toBe(true);
    expect(file.startsWith("0&&<<''; # this PGP-signed message is also valid perl\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n")).toBe(true);
  });

  it("verifies with the project's verifier and the deployment's public key, and not with another key", async () => {
    const { key, file } = await signed();
    const v = await verifyChecksums(file, await readTrustedKeys(new TextEncoder().encode(publicKeyOf(key))));
    expect(v.signedBy).toBe(key.getFingerprint().toUpperCase());
    expect(v.signedAt).toEqual(when);
    expect(v.entries.get("Foo-1.0-PATCHED-CVE-2026-1234-r1.tar.gz")?.size).toBe(archive.byteLength);
    const other = await readOverlayKey(await generateOverlayKey("other", "other@example.invalid", new Date("2026-01-01T00:00:00Z")));
    await expect(verifyChecksums(file, [other.toPublic()])).rejects.toThrow(/not trusted|does not verify/);
    const tampered = file.replace(/'size' => \d+/, "'size' => 1");
    await expect(verifyChecksums(tampered, [key.toPublic()])).rejects.toThrow(/does not verify/);
  });

  it("GnuPG says Good signature", async (ctx) => {
    if (spawnSync("gpg", ["--version"]).error) {
      announceSkip("gpg --verify of the overlay's CHECKSUMS", "gpg is not installed");
      return ctx.skip();
    }
    const { key, file } = await signed();
    const home = mkdtempSync(join(tmpdir(), "cpansec-gpg-"));
    writeFileSync(join(home, "key.asc"), publicKeyOf(key));
    writeFileSync(join(home, "CHECKSUMS"), file);
    expect(spawnSync("gpg", ["--homedir", home, "--batch", "--import", join(home, "key.asc")]).status).toBe(0);
    const v = spawnSync("gpg", ["--homedir", home, "--batch", "--verify", join(home, "CHECKSUMS")], { encoding: "utf8" });
    expect(v.stderr).toContain('Good signature from "test overlay <overlay@example.invalid>"');
    expect(v.status).toBe(0);
  });

  it("reads as Perl data the way cpanm --verify reads it (Safe->reval)", async (ctx) => {
    const missing = perlMissing("Safe");
    if (missing) {
      announceSkip("Safe->reval of the overlay's CHECKSUMS", missing);
      return ctx.skip();
    }
    const { file } = await signed();
    const out = runPerl(
      'use Safe; local $/; my $c = Safe->new->reval(<STDIN>); die $@ if $@; print join(",", map { "$_=$c->{$_}{size}" } sort keys %$c);',
      file,
    );
    expect(out).toBe(`Foo-1.0-PATCHED-CVE-2026-1234-r1.cdx.json=2,Foo-1.0-PATCHED-CVE-2026-1234-r1.tar.gz=${archive.byteLength}`);
  });

  it("a file name with a quote or backslash is escaped, and reads back as written", async () => {
    const text = formatCksumDump(new Map([["a'b\\c.tar", { size: 1, sha256: "a".repeat(64) }]]), when, "t");
    expect(text).toContain("  'a\\'b\\\\c.tar' => {");
    const { parseCksumDump } = await import("../../../shared/domain/cpan/checksums");
    expect([...parseCksumDump(text).keys()]).toEqual(["a'b\\c.tar"]);
  });
});
