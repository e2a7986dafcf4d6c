import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";

/** A .tar.gz of in-memory files, as a CPAN author's tooling would produce it. */
export async function makeTarGz(files: Readonly<Record<string, string | Uint8Array>>): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => p.on("end", () => resolve()));
  for (const [name, content] of Object.entries(files)) {
    const body = typeof content === "string" ? Buffer.from(content) : Buffer.from(content);
    await new Promise<void>((resolve, reject) =>
      p.entry({ name, mtime: new Date("2026-01-01T00:00:00Z"), mode: 0o644 }, body, (e?: Error | null) => (e ? reject(e) : resolve())),
    );
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
