/**
 * A CPAN mirror built file by file for hostile-mirror tests: archives, per-author CHECKSUMS signed
 * with a throwaway key (at a chosen time), RECENT-1h.json with chosen events, served from memory
 * over HTTP on 127.0.0.1 (any path, even ones a directory cannot hold) or written to a directory.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import type * as openpgp from "openpgp";
import { makeTarGz } from "../../cli/demo/archive";
import { cksumDump } from "../../cli/demo/mirror";
import { signedChecksums, testKey } from "./pgp";

export const dayOf = (epoch: number) => new Date(epoch * 1000).toISOString().slice(0, 10);

export class HostileMirror {
  readonly files = new Map<string, Uint8Array>();
  readonly requests: string[] = [];
  private constructor(readonly key: { privateKey: openpgp.PrivateKey; publicKey: openpgp.PublicKey }) {}

  static async create(): Promise<HostileMirror> {
    return new HostileMirror(await testKey());
  }

  static archive(name: string): Promise<Buffer> {
    return makeTarGz({
      [`${name}/META.json`]: JSON.stringify({ name: name.replace(/-[^-]*$/, ""), version: name.replace(/^.*-/, ""), "meta-spec": { version: 2 } }),
      [`${name}/lib/X.pm`]: "package X; 1;\n",
    });
  }

  /** CHECKSUMS for `dir` (authors/id/X/XY/AUTHOR) listing `entries` (file → bytes, upload epoch), signed at `signedAt`. */
  async checksums(dir: string, entries: Record<string, { bytes: Uint8Array; epoch: number }>, signedAt = new Date()): Promise<void> {
    const dump = cksumDump(
      Object.fromEntries(
        Object.entries(entries).map(([f, e]) => [
          f,
          {
            sha256: createHash("sha256").update(e.bytes).digest("hex"),
            md5: createHash("md5").update(e.bytes).digest("hex"),
            size: e.bytes.byteLength,
            mtime: dayOf(e.epoch),
          },
        ]),
      ),
    );
    this.files.set(`${dir}/CHECKSUMS`, new TextEncoder().encode(await signedChecksums(dump, this.key.privateKey, signedAt)));
  }

  recent(events: readonly { epoch: string; path: string; type?: string }[]): void {
    const recent = events.map((e) => ({ type: "new", ...e }));
    this.files.set("RECENT-1h.json", new TextEncoder().encode(JSON.stringify({ meta: { protocol: 1, interval: "1h", minmax: { min: "1" } }, recent })));
  }

  writeTo(root: string): void {
    for (const [p, bytes] of this.files) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), bytes);
    }
  }

  /** Serves `files` by exact request path (what the server receives, after the client's URL handling). */
  async serve(): Promise<{ url: string; server: Server }> {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname.slice(1);
      this.requests.push(path);
      const body = this.files.get(path);
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { "content-length": body.byteLength }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
  }
}
