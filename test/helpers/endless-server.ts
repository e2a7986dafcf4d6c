import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface EndlessServer {
  readonly url: string;
  /** Bytes the server got into the socket for the last request (what the client could have read). */
  sent(): number;
  /** Resolves when the last response ended, by completion or by the client hanging up. */
  finished(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A hostile server on 127.0.0.1: every path answers 200 with `total` bytes, written in 64 KiB
 * chunks as fast as the client takes them (backpressure respected, so `sent` is what the client
 * pulled plus socket buffers), with a content-length header only when `declare` says.
 */
export async function endlessServer(total: number, o: { declare?: number } = {}): Promise<EndlessServer> {
  let sent = 0;
  let done: Promise<void> = Promise.resolve();
  const chunk = Buffer.alloc(64 * 1024, 0x7b); // '{': a feed parser would not get far either
  const server: Server = createServer((req, res) => {
    sent = 0;
    done = new Promise((resolve) => {
      res.on("close", resolve);
      res.writeHead(200, o.declare === undefined ? {} : { "content-length": String(o.declare) });
      const pump = () => {
        while (sent < total && !res.destroyed) {
          const n = Math.min(chunk.length, total - sent);
          sent += n;
          if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once("drain", pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    sent: () => sent,
    finished: () => done,
    close: () => {
      server.closeAllConnections(); // keep-alive sockets would hold close() for seconds
      return new Promise((r) => server.close(() => r()));
    },
  };
}
