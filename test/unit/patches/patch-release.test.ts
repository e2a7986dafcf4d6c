// A patched release: applied like GNU patch, written reproducibly, readable by the scanner, with
// SBOMs that validate and carry pedigree. The original is built from scratch for each case.
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readArchive } from "../../../shared/domain/cpan/archive";
import { describeRelease } from "../../../shared/domain/cpan/release";
import { PatchError } from "../../../shared/domain/patches/errors";
import { patchRelease } from "../../../shared/domain/patches/patch-release";
import { readPatchRecord } from "../../../shared/domain/patches/registry";
import { patchedSboms } from "../../../shared/domain/patches/sboms";
import { checkCycloneDx, checkSpdx } from "../../../shared/domain/sbom/check";
import { bundledKeep, detectBundled, moduleResolver } from "../../../shared/domain/sbom";
import { tarGz, metaJson } from "../../helpers/archives";
import { preImage } from "../../helpers/gnu-patch";
import { SASL_PATCH, saslArchive, saslPatchBytes } from "../../helpers/patched-archive";
import { cycloneDxSchemaErrors, spdxSchemaErrors } from "../../helpers/sbom-validation";

const when = new Date("2025-07-10T20:05:29Z");
const record = () => readPatchRecord(SASL_PATCH, saslPatchBytes());
const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error("expected a PatchError");
};

describe("patchRelease", () => {
  it("applies the patch inside the top directory and names the result by the rule", async () => {
    const r = await patchRelease("Authen-SASL-2.1800.tar.gz", await saslArchive(), [record()], when);
    expect(r.fileName).toBe("Authen-SASL-2.1800-PATCHED-CVE-2025-40918-r1.tar.gz");
    const c = await readArchive(r.bytes, { keep: () => true });
    const pm = Buffer.from(c.files.get(`${r.topDir}/lib/Authen/SASL/Perl/DIGEST_MD5.pm`) as Uint8Array).toString("latin1");
    expect(pm).toContain("use Crypt::URandom qw(urandom);\n");
    expect(pm).not.toContain("md5_hex($NONCE || join");
    expect(c.entries.map((e) => e.path)).toEqual([...c.entries.map((e) => e.path)].sort());
    expect(c.entries.find((e) => e.type === "symlink")).toMatchObject({ path: `${r.topDir}/README.link`, linkTarget: "lib/Authen/SASL.pm" });
  });

  it("is reproducible: same content gives the same bytes, whatever the original's entry order", async () => {
    const a = await patchRelease("Authen-SASL-2.1800.tar.gz", await saslArchive(), [record()], when);
    const b = await patchRelease("Authen-SASL-2.1800.tar.gz", await saslArchive(), [record()], when);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    // The same files in another order: still the same output.
    const parsed = record().parsed;
    const shuffled = await tarGz([
      ...parsed.files.map((f) => ({ name: `Authen-SASL-2.1800/${f.path}`, content: Buffer.from(preImage(f), "latin1") })),
      { name: "Authen-SASL-2.1800/README.link", type: "symlink" as const, linkname: "lib/Authen/SASL.pm" },
      { name: "Authen-SASL-2.1800/bin/sasl-tool", content: "#!/usr/bin/perl\nprint 1;\n" },
      { name: "Authen-SASL-2.1800/META.json", content: metaJson({ name: "Authen-SASL", version: "2.1800", abstract: "SASL Authentication framework" }) },
    ]);
    const c = await patchRelease("Authen-SASL-2.1800.tar.gz", shuffled, [record()], when);
    expect(Buffer.from(c.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    const gz = Buffer.from(a.bytes);
    expect(gz.readUInt32LE(4)).toBe(0); // gzip MTIME
    expect(gz[3]! & 0x08).toBe(0); // no FNAME
    const tar = gunzipSync(gz);
    const headers = [];
    for (let off = 0; off + 512 <= tar.length && tar[off] !== 0; ) {
      const h = tar.subarray(off, off + 512);
      const field = (o: number, n: number) =>
        h
          .subarray(o, o + n)
          .toString("latin1")
          .replace(/\0.*$/s, "")
          .trim();
      const size = parseInt(field(124, 12) || "0", 8);
      headers.push({
        name: field(0, 100),
        mode: field(100, 8),
        uid: field(108, 8),
        gid: field(116, 8),
        mtime: parseInt(field(136, 12), 8),
        uname: field(265, 32),
        gname: field(297, 32),
      });
      off += 512 + Math.ceil(size / 512) * 512;
    }
    expect(new Set(headers.map((h) => h.mtime))).toEqual(new Set([when.getTime() / 1000]));
    expect(new Set(headers.map((h) => `${Number(h.uid)}:${Number(h.gid)}:${h.uname}:${h.gname}`))).toEqual(new Set(["0:0::"]));
    expect(headers.find((h) => h.name.endsWith("bin/sasl-tool"))?.mode).toMatch(/755$/);
    expect(headers.find((h) => h.name.endsWith("META.json"))?.mode).toMatch(/644$/);
    expect(headers[0]?.name).toBe("Authen-SASL-2.1800-PATCHED-CVE-2025-40918-r1/");
  });

  it("gives an archive the scanner reads like any other", async () => {
    const r = await patchRelease("Authen-SASL-2.1800.tar.gz", await saslArchive(), [record()], when);
    const d = await describeRelease(r.fileName, r.bytes);
    expect(d.error).toBeUndefined();
    // Identity comes from the file name, as for any upload: the patched archive is its own release.
    expect(d).toMatchObject({
      distribution: "Authen-SASL",
      version: "2.1800-PATCHED-CVE-2025-40918-r1",
      metaIdentity: { name: "Authen-SASL", version: "2.1800", agrees: false },
    });
    expect(d.meta?.abstract).toBe("SASL Authentication framework");
  });

  it("writes SBOMs that validate (CycloneDX 1.6, SPDX 2.3) and record the pedigree", async () => {
    const r = await patchRelease("Authen-SASL-2.1800.tar.gz", await saslArchive(), [record()], when);
    const patched = await describeRelease(r.fileName, r.bytes, { sha1: true, keep: bundledKeep });
    const s = patchedSboms(
      {
        release: patched,
        uploaded: when,
        tool: { name: "cpansec-pipeline", version: "0.1.0" },
        resolve: moduleResolver(undefined, undefined),
        bundled: detectBundled(patched.files),
      },
      { release: r.original, author: "EHUELS", cpanPath: "authors/id/E/EH/EHUELS/Authen-SASL-2.1800.tar.gz" },
      r.patches,
    );
    const cdx = JSON.parse(s.cyclonedx);
    const spdx = JSON.parse(s.spdx);
    expect(await cycloneDxSchemaErrors(s.cyclonedx)).toBeNull();
    expect(spdxSchemaErrors(spdx)).toBeNull();
    expect([...checkCycloneDx(cdx), ...checkSpdx(spdx)]).toEqual([]);
    const ped = cdx.metadata.component.pedigree;
    expect(ped.ancestors[0]).toMatchObject({
      purl: "pkg:cpan/Authen-SASL@2.1800?author=EHUELS",
      hashes: [
        { alg: "SHA-256", content: r.original.archive.sha256 },
        { alg: "SHA-512", content: r.original.archive.sha512 },
      ],
    });
    expect(ped.patches).toEqual([
      {
        type: "backport",
        diff: { text: { contentType: "text/x-diff", content: saslPatchBytes().toString("utf8") } },
        resolves: [expect.objectContaining({ type: "security", id: "CVE-2025-40918" })],
      },
    ]);
    expect(cdx.metadata.component.hashes[0].content).toBe(patched.archive.sha256);
    expect(spdx.relationships).toContainEqual({
      spdxElementId: "SPDXRef-Package-Release",
      relationshipType: "DESCENDANT_OF",
      relatedSpdxElement: "SPDXRef-Package-Original",
    });
    expect(spdx.relationships).toContainEqual({
      spdxElementId: "SPDXRef-Patch-1-CVE-2025-40918-r1",
      relationshipType: "PATCH_APPLIED",
      relatedSpdxElement: "SPDXRef-Package-Original",
    });
    expect(spdx.packages[0].annotations[0].comment).toContain("CVE-2025-40918");
    // Same inputs, same documents.
    expect(
      patchedSboms(
        { release: patched, uploaded: when, tool: { name: "cpansec-pipeline", version: "0.1.0" }, resolve: moduleResolver(undefined, undefined), bundled: [] },
        { release: r.original, author: "EHUELS" },
        r.patches,
      ).cyclonedx,
    ).toBe(
      patchedSboms(
        { release: patched, uploaded: when, tool: { name: "cpansec-pipeline", version: "0.1.0" }, resolve: moduleResolver(undefined, undefined), bundled: [] },
        { release: r.original, author: "EHUELS" },
        r.patches,
      ).cyclonedx,
    );
  });

  it("refuses a patch for another distribution or version", async () => {
    const other = await tarGz([{ name: "Authen-SASL-2.1700/META.json", content: metaJson({ name: "Authen-SASL", version: "2.1700" }) }]);
    const e = await refusal(patchRelease("Authen-SASL-2.1700.tar.gz", other, [record()], when));
    expect(e.code).toBe("mismatch");
    expect(e.message).toContain("is for Authen-SASL 2.1800; Authen-SASL-2.1700.tar.gz is Authen-SASL 2.1700");
  });

  it("refuses, naming the hunk, when the file differs from what the patch expects; writes nothing", async () => {
    const parsed = record().parsed;
    const f = parsed.files[0]!;
    const changed = preImage(f).replace("  $self->{need_step} = 1;\n", "  $self->{need_step} = 2;\n");
    const archive = await tarGz([
      { name: "Authen-SASL-2.1800/META.json", content: metaJson({ name: "Authen-SASL", version: "2.1800" }) },
      { name: `Authen-SASL-2.1800/${f.path}`, content: Buffer.from(changed, "latin1") },
    ]);
    const e = await refusal(patchRelease("Authen-SASL-2.1800.tar.gz", archive, [record()], when));
    expect(e).toMatchObject({
      code: "does-not-apply",
      message: expect.stringContaining("hunk #2 (@@ -201,7 +202,7 @@) of lib/Authen/SASL/Perl/DIGEST_MD5.pm does not apply"),
    });
  });

  it("refuses an archive without a single top directory, a patch onto a link, and links that leave the tree", async () => {
    const flat = await tarGz([{ name: "META.json", content: metaJson({ name: "Authen-SASL", version: "2.1800" }) }]);
    expect(await refusal(patchRelease("Authen-SASL-2.1800.tar.gz", flat, [record()], when))).toMatchObject({
      code: "unsupported",
      message: expect.stringContaining("no single top directory"),
    });
    const f = record().parsed.files[0]!;
    const onLink = await tarGz([
      { name: "Authen-SASL-2.1800/META.json", content: metaJson({ name: "Authen-SASL", version: "2.1800" }) },
      { name: `Authen-SASL-2.1800/${f.path}`, type: "symlink", linkname: "../../x" },
    ]);
    expect(await refusal(patchRelease("Authen-SASL-2.1800.tar.gz", onLink, [record()], when))).toMatchObject({
      code: "unsupported",
      message: expect.stringContaining("is a link"),
    });
    for (const [type, linkname] of [
      ["symlink", "../../../etc/passwd"],
      ["symlink", "/etc/passwd"],
      ["link", "etc/passwd"],
      ["link", "Authen-SASL-2.1800/../../x"],
    ] as const) {
      const a = await saslArchive([{ name: "Authen-SASL-2.1800/evil", type, linkname }]);
      // Refused here, or already by the archive reader (which checks links too): never written.
      expect((await refusal(patchRelease("Authen-SASL-2.1800.tar.gz", a, [record()], when))).message, `${type} ${linkname}`).toMatch(
        /outside the distribution|hard link to .* not in the archive|points outside/,
      );
    }
  });
});
