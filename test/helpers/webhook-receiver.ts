// A real webhook receiver on 127.0.0.1 for tests: verifies Standard Webhooks signatures with the
// standardwebhooks library and answers per path (ok, flaky 500-then-200, gone 410, redirect 302,
// hang, an endless body, throttled 503 with Retry-After).
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface Received {
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
  readonly verified: boolean;
  readonly payload?: { id: string; type: string; [k: string]: unknown };
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Verified deliveries to a path (what a receiver would act on). */
  verified(path: string): Received[];
  close(): Promise<void>;
}

export async function startReceiver(secrets: Record<string, string>): Promise<Receiver> {
  const received: Received[] = [];
  const hits = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] as string;
      const body = Buffer.concat(chunks).toString("utf8");
      const secret = secrets[path];
      let payload: Received["payload"];
      let verified = false;
      try {
        payload = secret ? (new Webhook(secret).verify(body, req.headers as Record<string, string>) as Received["payload"]) : undefined;
        verified = !!secret;
      } catch {
        verified = false;
      }
      received.push({ path, headers: req.headers, body, verified, ...(payload ? { payload } : {}) });
      const n = (hits.get(path) ?? 0) + 1;
      hits.set(path, n);
      if (secret && !verified) return void res.writeHead(401).end("bad signature");
      if (path.startsWith("/flaky")) return void res.writeHead(n === 1 ? 500 : 200).end(n === 1 ? "oops" : "ok");
      if (path.startsWith("/gone")) return void res.writeHead(410).end("gone");
      if (path.startsWith("/redirect")) return void res.writeHead(302, { location: "/ok" }).end();
      if (path.startsWith("/throttle")) return void res.writeHead(503, { "retry-after": "120" }).end();
      if (path.startsWith("/hang")) return void hanging.add(res);
      if (path.startsWith("/huge")) {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        const chunk = Buffer.alloc(16 * 1024, 120);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once("drain", pump);
        };
        return pump();
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    verified: (path) => received.filter((r) => r.path === path && r.verified),
    close: () =>
      new Promise<void>((r) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
