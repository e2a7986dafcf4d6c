import { readFile } from "node:fs/promises";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize } from "node:path";

/** Serves a directory over HTTP on 127.0.0.1, read-only, no dotfiles (a local CPAN mirror or log bucket for tests and demos). */
export async function serveDir(dir: string): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)).replace(/^\/+/, "");
    hits.push(path);
    if (path.startsWith("..") || path.split("/").some((p) => p.startsWith("."))) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(dir, path));
      res.writeHead(200, { "content-length": body.length }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, hits };
}
