/**
 * Decompression bombs in every format stop at the limit with ArchiveError("limit"), without the
 * heap growing by anything like the bomb's size (the fuzz targets use small random limits; these
 * are the real thing at 64 MiB of zeros against the ratio and total limits).
 */
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ArchiveError, readArchive } from "../../shared/domain/cpan/archive";
import { tar, zip } from "../helpers/archives";

const SIZE = 64 * 2 ** 20;
const limits = { ratioFloorBytes: 2 ** 20, maxRatio: 100 };

async function bombs(): Promise<[string, Uint8Array][]> {
  const t = await tar([{ name: "bomb/zeros", content: new Uint8Array(SIZE) }]);
  const out: [string, Uint8Array][] = [["tar.gz", gzipSync(t, { level: 9 })]];
  for (const tool of ["bzip2", "xz"] as const) {
    try {
      out.push([`tar.${tool === "bzip2" ? "bz2" : "xz"}`, new Uint8Array(execFileSync(tool, ["-c", "-9"], { input: t, maxBuffer: 2 ** 26 }))]);
    } catch (e) {
      console.log(`bomb test: ${tool} is not installed, so no ${tool} bomb (${(e as Error).message.split("\n")[0]})`);
    }
  }
  out.push(["zip", await zip([{ name: "bomb/zeros", content: "\0".repeat(SIZE) }])]);
  return out;
}

describe("decompression bombs", async () => {
  const cases = await bombs();
  it.each(cases)("a %s bomb stops at the ratio limit with bounded heap", async (_, bytes) => {
    // Heap and buffers both: decoders keep their output in typed arrays, outside the JS heap.
    const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const before = used();
    const e = await readArchive(bytes, { limits }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ArchiveError);
    expect((e as ArchiveError).code).toBe("limit");
    expect(used() - before).toBeLessThan(SIZE / 2);
  });
  it.each(cases)("a %s bomb stops at the total-size limit", async (_, bytes) => {
    const e = await readArchive(bytes, { limits: { maxTotalBytes: 4 * 2 ** 20 } }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((e as ArchiveError).code).toBe("limit");
  });
});
