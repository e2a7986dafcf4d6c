import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as openpgp from "openpgp";
import { ChecksumsError, parseCksumDump } from "../../../shared/domain/cpan/checksums";
import { readTrustedKeys, verifyChecksums } from "../../../shared/domain/cpan/checksums-signature";
import { cksumDump, signedChecksums, testKey } from "../../helpers/pgp";
import { fixturePath } from "../../helpers/fixtures";

const SHA = "a".repeat(64);

describe("the $cksum dump, parsed as data", () => {
  it("reads entries with every field", () => {
    const m = parseCksumDump(cksumDump({ "Foo-1.0.tar.gz": { sha256: SHA, size: 1234 } }));
    expect(m.get("Foo-1.0.tar.gz")).toMatchObject({ sha256: SHA, size: 1234, md5: "0".repeat(32), mtime: "2026-08-16" });
  });

  it.each([
    ["code instead of data", "$cksum = { 'a' => { 'size' => system('id') } };", /expected a quoted string or a number/],
    ["interpolation", '$cksum = { "a" => { "sha256" => "$x" } };', /interpolation/],
    ["text after the dump", "$cksum = {};\nprint 1;", /unexpected text/],
    ["a bad sha256", "$cksum = { 'a' => { 'sha256' => 'zz' } };", /not 64 hex digits/],
    ["a duplicate file", "$cksum = { 'a' => {}, 'a' => {} };", /duplicate key/],
    ["a truncated dump", "$cksum = { 'a' => { 'size' => 1", /expected/],
    ["no $cksum", "$other = {};", /expected "\$cksum"/],
  ])("refuses %s", (_, text, why) => {
    expect(() => parseCksumDump(text)).toThrow(ChecksumsError);
    expect(() => parseCksumDump(text)).toThrow(why);
  });
});

describe("signed CHECKSUMS with a generated key", () => {
  let key: { privateKey: openpgp.PrivateKey; publicKey: openpgp.PublicKey };
  let other: { privateKey: openpgp.PrivateKey; publicKey: openpgp.PublicKey };
  beforeAll(async () => {
    key = await testKey();
    other = await testKey("Someone Else");
  });

  it("verifies and returns the entries, the signer and the signing time", async () => {
    const file = await signedChecksums(cksumDump({ "Foo-1.0.tar.gz": { sha256: SHA, size: 10 } }), key.privateKey);
    const r = await verifyChecksums(file, [key.publicKey]);
    expect(r.entries.get("Foo-1.0.tar.gz")?.sha256).toBe(SHA);
    expect(r.signedBy).toBe(key.publicKey.getFingerprint().toUpperCase());
    expect(r.signedAt.toISOString()).toBe("2026-08-16T14:31:00.000Z");
  });

  it("rejects a tampered entry, an untrusted signer, and unsigned text around the message", async () => {
    const file = await signedChecksums(cksumDump({ "Foo-1.0.tar.gz": { sha256: SHA, size: 10 } }), key.privateKey);
    await expect(verifyChecksums(file.replace("'size' => 10", "'size' => 11"), [key.publicKey])).rejects.toThrow(/does not verify/);
    await expect(verifyChecksums(file, [other.publicKey])).rejects.toThrow(/does not verify|not trusted/);
    await expect(verifyChecksums(`$cksum = { 'Evil-1.tar.gz' => {} };\n${file}`, [key.publicKey])).rejects.toThrow(/text before the signed message/);
    await expect(verifyChecksums(`${file}\n$cksum = {};\n`, [key.publicKey])).rejects.toThrow(/text after the signature/);
  });
});

describe("verifyChecksums on a malformed signature packet", () => {
  it("reports a signature openpgp.js cannot even evaluate as a ChecksumsError (found by fuzzing)", async () => {
    const key = await testKey();
    const file = await signedChecksums(cksumDump({ "Foo-1.0.tar.gz": { sha256: SHA, size: 10 } }), key.privateKey);
    // Rewrite the signature packet's type (v4: version, type, key algorithm, hash) to a value no
    // enum knows, and re-armor it: openpgp.verify then throws a plain Error.
    const at = file.indexOf("-----BEGIN PGP SIGNATURE-----");
    const { data } = await openpgp.unarmor(file.slice(at));
    const bytes = new Uint8Array(data as Uint8Array);
    const body = (bytes[0] as number) & 0x40 ? ((bytes[1] as number) < 192 ? 2 : 3) : 2; // new or old packet header
    expect(bytes[body]).toBe(4);
    bytes[body + 1] = 0xee;
    const forged = file.slice(0, at) + openpgp.armor(openpgp.enums.armor.signature, bytes);
    const e = await verifyChecksums(forged, [key.publicKey]).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ChecksumsError);
    expect((e as Error).message).toMatch(/^CHECKSUMS: /);
  });
});

const dir = fixturePath("vectors", "checksums");

describe("real PAUSE CHECKSUMS files", () => {
  const file = (f: string) => readFileSync(join(dir, f), "utf8");
  it.each([
    ["good", "pause", true],
    ["good-extra-whitespace", "pause", true],
    ["strong", "stigtsp", true],
    ["strong", "pause", false],
    ["good", "stigtsp", false],
    ["bad-prepend", "pause", false],
    ["bad-prepend-clearsign", "pause", false],
    ["bad-double", "pause", false],
    ["bad-message-incomplete", "pause", false],
  ])("%s with the %s key: accepted %s", async (name, keyName, ok) => {
    const keys = await readTrustedKeys(readFileSync(join(dir, keyName === "pause" ? "2E66557AB97C19C791AF8E20328DA867450F89EC.gpg" : "stigtsp.gpg")));
    const run = verifyChecksums(file(name), keys);
    if (ok) {
      const r = await run;
      expect(r.entries.get("CPAN-2.28.tar.gz")?.sha256).toBe("39d357489283d479695027640d7fc25b42ec3c52003071d1ec94496e34af5974");
      if (keyName === "pause") expect(r.signedBy).toBe("2E66557AB97C19C791AF8E20328DA867450F89EC");
    } else {
      await expect(run).rejects.toThrow(ChecksumsError);
    }
  });
});
