// The bzip2 decoder against the bzip2 command (the reference implementation): the same bytes back
// for payloads of every kind and size (several 900k blocks, long runs, random bytes), and a clean
// ArchiveError for every truncation.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ArchiveError, readArchive } from "../../../shared/domain/cpan/archive";
import { decompressInto } from "../../../shared/domain/cpan/archive/decompress";
import { tar } from "../../helpers/archives";

function bzip2(data: Uint8Array, level = 9): Buffer | undefined {
  try {
    return execFileSync("bzip2", ["-c", `-${level}`], { input: data, maxBuffer: 2 ** 26 });
  } catch {
    return undefined;
  }
}

async function decode(buf: Uint8Array): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  await decompressInto(buf, "tar.bz2", (c) => parts.push(c));
  return Buffer.concat(parts);
}

const text = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `line ${i} of a Perl module's POD, =head1 NAME\n`).join("")).subarray(0, n);
const payloads: [string, Uint8Array][] = [
  ["empty", new Uint8Array()],
  ["one byte", Buffer.from("x")],
  ["random 300 KB", randomBytes(300_000)],
  ["text over three 900k blocks", text(2_900_000)],
  ["runs of one byte (RLE at both stages)", Buffer.alloc(2_000_000, 0x61)],
  ["runs of 4 to 260 bytes", Buffer.concat(Array.from({ length: 4000 }, (_, i) => Buffer.alloc(4 + (i % 257), i % 256)))],
];

const available = bzip2(Buffer.from("probe")) !== undefined;
if (!available) console.log("SKIPPED bzip2 differential test: the bzip2 command is not available");

describe.skipIf(!available)("bzip2 decoding, against the bzip2 command", () => {
  it.each(payloads)("gives back %s byte for byte", async (_, data) => {
    expect((await decode(bzip2(data) as Buffer)).equals(Buffer.from(data))).toBe(true);
  });

  it("gives back what was compressed at block size 1 (100k blocks)", async () => {
    const data = text(450_000);
    expect((await decode(bzip2(data, 1) as Buffer)).equals(data)).toBe(true);
  });

  it("reads concatenated bzip2 streams (pbzip2, cat a.bz2 b.bz2) as one tar", async () => {
    const t = await tar([
      { name: "C-1/META.json", content: "{}" },
      { name: "C-1/lib/C.pm", content: "1;\n".repeat(5000) },
    ]);
    const half = 1024 * Math.floor(t.length / 2048);
    const a = await readArchive(Buffer.concat([bzip2(t.subarray(0, half)), bzip2(t.subarray(half))] as Buffer[]), { keep: (p) => p.endsWith("META.json") });
    expect(a.format).toBe("tar.bz2");
    expect(a.entries.map((e) => [e.path, e.size])).toEqual([
      ["C-1/META.json", 2],
      ["C-1/lib/C.pm", 15000],
    ]);
  });

  it("reports every truncation of a .tar.bz2 as a corrupt archive, never a hang or another error", async () => {
    const whole = bzip2(await tar([{ name: "T-1/lib/T.pm", content: text(250_000).toString() }])) as Buffer;
    for (let cut = 4; cut < whole.length; cut += Math.max(1, Math.floor(whole.length / 97))) {
      const e = await readArchive(whole.subarray(0, cut)).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e instanceof ArchiveError && e.code === "corrupt", `cut at ${cut}: ${String(e)}`).toBe(true);
    }
  });
});
