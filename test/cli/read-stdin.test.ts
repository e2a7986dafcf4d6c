import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readStdinText } from "../../cli/read-stdin";

/** A read(2) on fd 0 that gives these byte slices in turn, then end of file (or throws what it is given). */
function reads(...steps: (Uint8Array | Error)[]) {
  return (buf: Uint8Array) => {
    const step = steps.shift();
    if (step instanceof Error) throw step;
    if (!step) return 0;
    buf.set(step);
    return step.length;
  };
}
const errno = (code: string) => Object.assign(new Error(code), { code });
const noStream = () => {
  throw new Error("stdin read as a stream");
};

describe("readStdinText", () => {
  it("decodes as stream/consumers' text(): a BOM dropped, a character split between reads kept whole", async () => {
    const bytes = Buffer.from("\uFEFFCaf\u00e9\t1\n");
    const at = bytes.indexOf(0xc3) + 1;
    expect(await readStdinText(reads(bytes.subarray(0, at), bytes.subarray(at)), noStream)).toBe("Caf\u00e9\t1\n");
    expect(await readStdinText(reads(), noStream)).toBe("");
  });

  it("reads the rest as a stream when stdin is non-blocking (EAGAIN)", async () => {
    const text = await readStdinText(reads(Buffer.from("A\t1\n"), errno("EAGAIN")), () => Readable.from([Buffer.from("B\t2\n")]));
    expect(text).toBe("A\t1\nB\t2\n");
  });

  it("throws any other error", async () => {
    await expect(readStdinText(reads(errno("EISDIR")), noStream)).rejects.toThrow("EISDIR");
  });
});
