/** Running the embedded pipeline over a HostileMirror (test/e2e/hostile-*.test.ts). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmbeddedOptions, openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { HttpMirror } from "../../shared/adapters/http/mirror";
import { parseEntry } from "../../shared/domain/tlog/entry";
import { verifyLog } from "../../shared/domain/tlog/verify";
import type { Mirror } from "../../shared/ports";
import { HostileMirror } from "./hostile-mirror";

const closers: (() => void)[] = [];
export const closeAll = () => {
  for (const c of closers.splice(0)) c();
};

export const NOW = Math.floor(Date.now() / 1000);
export const dirOf = (id: string) => `authors/id/${id[0]}/${id.slice(0, 2)}/${id}`;

export async function open(m: HostileMirror, mirror: Mirror, extra: Partial<EmbeddedOptions> = {}) {
  const data = mkdtempSync(join(tmpdir(), "cpansec-hostile-"));
  const p = Object.assign(
    await openEmbeddedPipeline({
      data,
      mirror,
      trustedKeys: [m.key.publicKey],
      tool: { name: "cpansec-pipeline", version: "0.0.0-test" },
      backoffMs: 2,
      ...extra,
    }),
    { data },
  );
  closers.push(() => p.close());
  return p;
}

export async function served(m: HostileMirror): Promise<HttpMirror> {
  const { url, server } = await m.serve();
  closers.push(() => server.close());
  return new HttpMirror(url, { timeoutMs: 5000, maxBytes: 2 ** 24, retries: 0, backoffMs: 1 });
}

export function onDisk(m: HostileMirror): string {
  const root = mkdtempSync(join(tmpdir(), "cpansec-hostile-mirror-"));
  m.writeTo(root);
  return root;
}

export async function loggedPaths(p: Awaited<ReturnType<typeof open>>): Promise<string[]> {
  const log = await verifyLog((x) => p.deps.log.tiles.read(x), [p.deps.log.signer], { keepEntries: true });
  return (log.entries ?? []).map((e) => parseEntry(new TextDecoder().decode(e)).path);
}

/** One author with uploads (name → epoch), all listed in a CHECKSUMS signed now, and RECENT naming them. */
export async function mirrorOf(author: string, uploads: Record<string, number>) {
  const m = await HostileMirror.create();
  const entries: Record<string, { bytes: Uint8Array; epoch: number }> = {};
  for (const [name, epoch] of Object.entries(uploads)) {
    const bytes = await HostileMirror.archive(name);
    entries[`${name}.tar.gz`] = { bytes, epoch };
    m.files.set(`${dirOf(author)}/${name}.tar.gz`, bytes);
  }
  await m.checksums(dirOf(author), entries);
  return { m, entries };
}
