import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { ArchiveError, DEFAULT_LIMITS, readArchive } from "../../../shared/domain/cpan/archive";
import { tar, tarGz, zip } from "../../helpers/archives";
import { repoRoot } from "../../helpers/shared-data";

const keepMeta = (p: string) => p.endsWith("META.json");

async function rejection(p: Promise<unknown>): Promise<ArchiveError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ArchiveError);
  return e as ArchiveError;
}

describe("readArchive", () => {
  it("lists files with sizes and sha256, keeps only the wanted bytes", async () => {
    const a = await readArchive(
      await tarGz([
        { name: "Foo-1.0/", type: "directory" },
        { name: "Foo-1.0/META.json", content: "{}" },
        { name: "./Foo-1.0/lib/Foo.pm", content: "1;\n" },
      ]),
      { keep: keepMeta, sha1: true },
    );
    expect(a.format).toBe("tar.gz");
    expect(a.entries).toEqual([
      {
        path: "Foo-1.0/META.json",
        type: "file",
        size: 2,
        sha256: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        sha1: "bf21a9e8fbc5a3846fb05b4fa0859e0917b2202f",
      },
      { path: "Foo-1.0/lib/Foo.pm", type: "file", size: 3, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), sha1: expect.stringMatching(/^[0-9a-f]{40}$/) },
    ]);
    expect([...a.files.keys()]).toEqual(["Foo-1.0/META.json"]);
  });

  it.each(["Small-Dist-0.01.tar.bz2", "Small-Dist-0.01.tar.xz"])("reads %s", async (name) => {
    const a = await readArchive(readFileSync(join(repoRoot, "test/fixtures/archives", name)), { keep: keepMeta });
    expect(a.entries.map((e) => e.path)).toEqual(["Small-Dist-0.01/META.json", "Small-Dist-0.01/lib/Dist.pm"]);
    expect(new TextDecoder().decode(a.files.get("Small-Dist-0.01/META.json"))).toContain('"Small-Dist"');
  });

  it("refuses an xz file whose dictionary is over the decoder's 64 MiB cap, as a limit", async (ctx) => {
    const t = await tar([{ name: "X-1/META.json", content: "{}" }]);
    let bytes: Buffer;
    try {
      bytes = execFileSync("xz", ["-c", "--lzma2=dict=256MiB"], { input: t });
    } catch (e) {
      console.log(`SKIPPED xz dictionary cap: the xz command is not available (${(e as Error).message.split("\n")[0]})`);
      return ctx.skip();
    }
    const e = await rejection(readArchive(bytes));
    expect(e.code).toBe("limit");
    expect(e.message).toMatch(/64 MiB/);
  });

  it("reads zips, recording symlinks without following them", async () => {
    const a = await readArchive(
      await zip([
        { name: "Z-1/META.json", content: "{}" },
        { name: "Z-1/link", symlinkTo: "/etc/passwd" },
      ]),
      { keep: keepMeta },
    );
    expect(a.format).toBe("zip");
    expect(a.entries).toContainEqual({ path: "Z-1/link", type: "symlink", size: 0, linkTarget: "/etc/passwd" });
  });

  it("records tar symlinks, never following them, and flags those that point outside the archive", async () => {
    const a = await readArchive(
      await tarGz([
        { name: "X-1/s", type: "symlink", linkname: "/etc/shadow" },
        { name: "X-1/lib/up", type: "symlink", linkname: "../../../etc/passwd" },
        { name: "X-1/lib/in", type: "symlink", linkname: "../README" },
      ]),
    );
    expect(a.entries).toEqual([
      { path: "X-1/s", type: "symlink", size: 0, linkTarget: "/etc/shadow" },
      { path: "X-1/lib/up", type: "symlink", size: 0, linkTarget: "../../../etc/passwd" },
      { path: "X-1/lib/in", type: "symlink", size: 0, linkTarget: "../README" },
    ]);
    expect(a.warnings).toEqual([
      'X-1/s is a symbolic link to "/etc/shadow", outside the archive',
      'X-1/lib/up is a symbolic link to "../../../etc/passwd", outside the archive',
    ]);
  });

  it("flags zip symlinks that point outside the archive", async () => {
    const a = await readArchive(await zip([{ name: "Z-1/link", symlinkTo: "../../x" }]));
    expect(a.warnings).toEqual(['Z-1/link is a symbolic link to "../../x", outside the archive']);
  });

  it("gives a hard link its target's size and digests (extractors write a copy), and refuses one to a path not before it", async () => {
    const a = await readArchive(
      await tarGz([
        { name: "X-1/a", content: "AAAA" },
        { name: "X-1/h", type: "link", linkname: "X-1/a" },
      ]),
      { sha1: true },
    );
    const [file, link] = a.entries;
    expect(link).toEqual({ path: "X-1/h", type: "hardlink", size: 4, sha256: file?.sha256, sha1: file?.sha1, linkTarget: "X-1/a" });
    const e = await rejection(readArchive(await tarGz([{ name: "X-1/h", type: "link", linkname: "../../etc/passwd" }])));
    expect(e.message).toMatch(/hard link to "..\/..\/etc\/passwd", which is not in the archive before it/);
  });

  it("lets the last of duplicate entries win, with a warning", async () => {
    const a = await readArchive(
      await tarGz([
        { name: "D/META.json", content: "first" },
        { name: "D/META.json", content: "second" },
      ]),
      { keep: keepMeta },
    );
    expect(a.entries).toHaveLength(1);
    expect(new TextDecoder().decode(a.files.get("D/META.json"))).toBe("second");
    expect(a.warnings[0]).toMatch(/duplicate entry D\/META.json/);
  });
});

describe("readArchive on hostile input", () => {
  it("says when the bytes are not an archive", async () => {
    const e = await rejection(readArchive(new TextEncoder().encode("<html>not found</html>")));
    expect(e.code).toBe("not-an-archive");
  });

  it("reports truncated gzip", async () => {
    const whole = await tarGz([{ name: "T-1/a", content: "x".repeat(100_000) }]);
    const e = await rejection(readArchive(whole.subarray(0, whole.length / 2)));
    expect(e.code).toBe("corrupt");
    expect(e.message).toMatch(/tar\.gz data is truncated or corrupt/);
  });

  it.each(["Small-Dist-0.01.tar.bz2", "Small-Dist-0.01.tar.xz"])("reports truncated %s", async (name) => {
    const whole = readFileSync(join(repoRoot, "test/fixtures/archives", name));
    const e = await rejection(readArchive(whole.subarray(0, Math.floor(whole.length * 0.6))));
    expect(e.code).toBe("corrupt");
    expect(e.message).toMatch(/truncated or corrupt/);
  });

  it("reports a truncated tar inside valid gzip", async () => {
    const t = await tar([{ name: "T-1/a", content: "x".repeat(10_000) }]);
    const e = await rejection(readArchive(gzipSync(t.subarray(0, 3000))));
    expect(e.code).toBe("corrupt");
  });

  it.each([
    ["../evil.pm", /path traversal/],
    ["Foo-1/../../evil.pm", /path traversal/],
    ["/etc/cron.d/evil", /absolute path/],
    ["C:/evil", /absolute path/],
    ["Foo-1\\..\\..\\evil", /path traversal/],
  ])("rejects the entry name %j", async (name, why) => {
    const e = await rejection(readArchive(await tarGz([{ name, content: "x" }])));
    expect(e.code).toBe("unsafe-path");
    expect(e.message).toMatch(why);
  });

  it("refuses a zip entry that is a directory by its mode but not its name, or by its name but carries data", async () => {
    // Extractors take a directory from the trailing slash alone: either entry would be written as
    // a file we never listed (lib/Evil.pm) or listed as a directory with bytes nobody hashed.
    const byMode = await rejection(
      readArchive(
        await zip([
          { name: "Z-1/META.json", content: "{}" },
          { name: "Z-1/lib/Evil.pm", content: "system('x')", mode: 0o40755 },
        ]),
      ),
    );
    expect(byMode.code).toBe("unsupported-entry");
    expect(byMode.message).toMatch(/Evil\.pm is a directory by its mode but not by its name/);
    const z = await zip([{ name: "Z-1/lib/EvilX", content: "system('x')" }]);
    const byName = await rejection(readArchive(Buffer.from(z.toString("latin1").replaceAll("Z-1/lib/EvilX", "Z-1/lib/Evil/"), "latin1")));
    expect(byName.code).toBe("unsupported-entry");
    expect(byName.message).toMatch(/by its name but carries data/);
  });

  it("rejects traversal in zips", async () => {
    const z = await zip([{ name: "ok/file", content: "x" }]);
    // yazl refuses to write "..", so patch the name in place (same length) in both headers.
    const evil = Buffer.from(z.toString("latin1").replaceAll("ok/file", "../file"), "latin1");
    const e = await rejection(readArchive(evil));
    expect(e.message).toMatch(/\.\.|invalid relative path/);
  });

  it("leaves no zip entry stream running after a rejected entry (its late size error was uncaught)", async () => {
    const z = await zip([{ name: "Z-1/big", content: "short" }]);
    // Declare 60,000 bytes in the central directory (offset 24): over the one-file limit below,
    // and more than the entry inflates to, so a stream left running ends with an error of its own.
    const cd = z.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    z.writeUInt32LE(60_000, cd + 24);
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.prependListener("uncaughtException", onUncaught);
    try {
      const e = await rejection(readArchive(z, { limits: { maxEntryBytes: 1000 } }));
      expect(e.code).toBe("limit");
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  it.each(["character-device", "fifo"] as const)("rejects %s entries", async (type) => {
    const e = await rejection(readArchive(await tarGz([{ name: "F-1/dev", type }])));
    expect(e.code).toBe("unsupported-entry");
    expect(e.message).toContain("F-1/dev");
  });

  it("stops a gzip bomb at the uncompressed-size limit", async () => {
    const bomb = await tarGz([{ name: "B-1/zeros", content: new Uint8Array(40 * 2 ** 20) }]);
    expect(bomb.length).toBeLessThan(100_000);
    const e = await rejection(readArchive(bomb, { limits: { maxTotalBytes: 8 * 2 ** 20 } }));
    expect(e.code).toBe("limit");
    expect(e.message).toMatch(/expands past the 8\.0 MiB limit/);
    const r = await rejection(readArchive(bomb)); // defaults: the compression ratio trips first
    expect(r.message).toMatch(/more than 100x/);
  });

  it("stops at the entry-count limit", async () => {
    const many = await tarGz(Array.from({ length: 2001 }, (_, i) => ({ name: `M-1/f${i}`, content: "" })));
    const e = await rejection(readArchive(many, { limits: { maxEntries: 2000 } }));
    expect(e.message).toMatch(/more than 2000 entries/);
  });

  it("refuses a single file over the per-file limit before reading it", async () => {
    const e = await rejection(readArchive(await tarGz([{ name: "L-1/big", content: new Uint8Array(3 * 2 ** 20) }]), { limits: { maxEntryBytes: 2 ** 20 } }));
    expect(e.message).toMatch(/L-1\/big is 3\.0 MiB, over the 1\.0 MiB limit/);
  });

  it("refuses an archive over the size limit without reading it", async () => {
    const e = await rejection(readArchive(new Uint8Array(2048), { limits: { maxArchiveBytes: 1024 } }));
    expect(e.message).toMatch(/over the .* limit/);
  });

  it("hashes but does not keep a parsed file over the kept-file limit", async () => {
    const a = await readArchive(await tarGz([{ name: "K-1/META.json", content: " ".repeat(5 * 2 ** 20) }]), { keep: keepMeta });
    expect(a.files.size).toBe(0);
    expect(a.entries[0]?.size).toBe(5 * 2 ** 20);
    expect(a.warnings[0]).toMatch(/K-1\/META.json is over the 4194304-byte limit/);
  });
});

describe("readArchive memory allowances", () => {
  // 256 KiB per file: 4 KiB of noise and zeros, so the archive stays under the bomb ratio.
  const sample = () => Buffer.concat([randomBytes(4096), Buffer.alloc(252 * 1024)]);

  it("keeps at most the archive's allowance of sampled bytes, however many files ask, and still META", async () => {
    const entries = Array.from({ length: 200 }, (_, i) => ({ name: `C-1/d${i}/config.h`, content: sample() }));
    const bytes = await tarGz([...entries, { name: "C-1/META.json", content: "{}" }]);
    const limits = { maxKeptBytes: 8 * 2 ** 20 };
    const a = await readArchive(bytes, { limits, keep: (p) => (p.endsWith("config.h") ? 256 * 1024 : p.endsWith("META.json")) });
    const kept = [...a.files.values()].reduce((n, b) => n + b.byteLength, 0);
    expect(kept).toBeLessThanOrEqual(limits.maxKeptBytes);
    expect(a.files.size).toBe(6 * 4 + 1); // three quarters of 8 MiB in 256 KiB samples, and META
    expect(a.files.get("C-1/META.json")).toBeDefined();
    expect(a.warnings).toContain("C-1/d24/config.h not examined: the 8388608-byte allowance for bytes kept from one archive is used up");
    expect(a.warnings.at(-1)).toBe(`and ${200 - 24 - 100} more warnings`);
  });

  it("bounds the kept bytes with the default limits", async () => {
    const entries = Array.from({ length: 300 }, (_, i) => ({ name: `C-1/d${i}/config.h`, content: sample() }));
    const a = await readArchive(await tarGz(entries), { keep: () => 256 * 1024 });
    const kept = [...a.files.values()].reduce((n, b) => n + b.byteLength, 0);
    expect(kept).toBe(0.75 * DEFAULT_LIMITS.maxKeptBytes);
  });

  it("refuses an entry name over the name limit, and names over their total", async () => {
    const long = await tarGz([{ name: `N-1/${"n".repeat(5000)}`, content: "x" }]);
    expect((await rejection(readArchive(long))).message).toMatch(/an entry name of 5004 bytes, over the 4096-byte limit/);
    const many = await tarGz(Array.from({ length: 40 }, (_, i) => ({ name: `N-1/${i}${"n".repeat(1000)}`, content: "" })));
    expect((await rejection(readArchive(many, { limits: { maxTotalNameBytes: 20_000 } }))).message).toMatch(/entry names total over/);
  });
});
