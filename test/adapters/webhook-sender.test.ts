// The HTTP webhook sender against a real receiver on 127.0.0.1, and its SSRF refusals.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedHeaders } from "../../functions/deliver-notification/send";
import { HttpWebhookSender } from "../../shared/adapters/http/webhook";
import { webhookPayload } from "../../shared/domain/notify/webhook";
import { SECRET, vulnerable } from "../helpers/events";
import { type Receiver, startReceiver } from "../helpers/webhook-receiver";

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver({ "/ok": SECRET, "/flaky": SECRET });
});
afterAll(() => rx.close());

const request = (url: string) => {
  const body = webhookPayload(vulnerable("high"));
  return { url, body, headers: signedHeaders(SECRET, "msg_test", new Date(), body) };
};
const local = new HttpWebhookSender({ allowLoopback: true, timeoutMs: 500 });

describe("HttpWebhookSender", () => {
  it("delivers a signed event that the receiver verifies", async () => {
    expect(await local.send(request(`${rx.url}/ok`))).toEqual({ kind: "delivered", status: 204 });
    const [got] = rx.verified("/ok");
    expect(got?.payload?.type).toBe("release.vulnerable");
    expect(got?.headers["content-type"]).toBe("application/json");
    expect(got?.headers["webhook-id"]).toBe("msg_test");
  });

  it("reports 500 as retry, then 200 as delivered", async () => {
    expect(await local.send(request(`${rx.url}/flaky`))).toMatchObject({ kind: "retry", status: 500, reason: "HTTP 500" });
    expect(await local.send(request(`${rx.url}/flaky`))).toEqual({ kind: "delivered", status: 200 });
  });

  it("reports 410 as gone, does not follow redirects, and honours Retry-After", async () => {
    expect(await local.send(request(`${rx.url}/gone`))).toEqual({ kind: "gone", status: 410 });
    expect(await local.send(request(`${rx.url}/redirect`))).toMatchObject({
      kind: "retry",
      status: 302,
      reason: expect.stringMatching(/redirects are not followed \(to \/ok\)/),
    });
    expect(rx.received.filter((r) => r.path === "/ok")).toHaveLength(1); // the redirect target was never asked
    expect(await local.send(request(`${rx.url}/throttle`))).toMatchObject({ kind: "retry", status: 503, retryAfterMs: 120_000 });
  });

  it("gives up on a receiver that hangs, after the timeout", async () => {
    const t = Date.now();
    expect(await local.send(request(`${rx.url}/hang`))).toMatchObject({ kind: "retry", reason: expect.stringMatching(/no answer .* within 500 ms/) });
    expect(Date.now() - t).toBeLessThan(1500);
    expect(new HttpWebhookSender()["timeoutMs"]).toBe(10_000);
  });

  it("stops reading an endless answer after the cap", async () => {
    const t = Date.now();
    const s = new HttpWebhookSender({ allowLoopback: true, timeoutMs: 5000, maxResponseBytes: 64 * 1024 });
    expect(await s.send(request(`${rx.url}/huge`))).toEqual({ kind: "delivered", status: 200 });
    expect(Date.now() - t).toBeLessThan(2000);
  });

  it("connects to the address it checked, whatever the name resolves to later", async () => {
    const port = new URL(rx.url).port;
    // The system resolves localhost to where the receiver listens; the vetted answer says
    // 127.0.0.3, where nothing listens: a refused connection there proves the socket used it.
    const s = new HttpWebhookSender({ allowLoopback: true, resolve: async () => [{ address: "127.0.0.3", family: 4 }] });
    expect(await s.send(request(`http://localhost:${port}/ok`))).toMatchObject({
      kind: "retry",
      reason: expect.stringMatching(new RegExp(`ECONNREFUSED 127\\.0\\.0\\.3:${port}`)),
    });
    const right = new HttpWebhookSender({ allowLoopback: true, resolve: async () => [{ address: "127.0.0.1", family: 4 }] });
    expect(await right.send(request(`http://localhost:${port}/ok`))).toMatchObject({ kind: "delivered" });
  });
});

describe("HttpWebhookSender over https", () => {
  it("connects to the vetted address and still verifies the certificate for the host name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpansec-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=hooks.test",
        "-addext",
        "subjectAltName=DNS:hooks.test",
      ],
      { stdio: "ignore" },
    );
    const cert = readFileSync(join(dir, "cert.pem"));
    const server = createServer({ key: readFileSync(join(dir, "key.pem")), cert }, (req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200).end("ok"));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    try {
      // hooks.test does not exist in DNS: only the injected, checked answer can reach the server.
      const s = new HttpWebhookSender({ allowLoopback: true, resolve: async () => [{ address: "127.0.0.1", family: 4 }], tls: { ca: cert } });
      expect(await s.send(request(`https://hooks.test:${port}/h`))).toEqual({ kind: "delivered", status: 200 });
      expect(await s.send(request(`https://other.test:${port}/h`))).toMatchObject({ kind: "retry", reason: expect.stringMatching(/altnames|does not match/) });
      const untrusted = new HttpWebhookSender({ allowLoopback: true, resolve: async () => [{ address: "127.0.0.1", family: 4 }] });
      expect(await untrusted.send(request(`https://hooks.test:${port}/h`))).toMatchObject({
        kind: "retry",
        reason: expect.stringMatching(/self.signed|certificate/),
      });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe("SSRF policy", () => {
  const strict = (answers: string[]) =>
    new HttpWebhookSender({ timeoutMs: 500, resolve: async () => answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })) });

  it.each([
    ["http://127.0.0.1:1/h", /plain http is refused/],
    ["https://127.0.0.1/h", /loopback/],
    ["https://[::1]/h", /loopback/],
    ["https://localhost/h", /loopback \(a localhost name\)/], // as final as 127.0.0.1 (RFC 6761)
    ["https://hooks.localhost./h", /loopback \(a localhost name\)/],
    ["https://169.254.169.254/latest/meta-data", /metadata/],
    ["https://[::ffff:169.254.169.254]/", /metadata/],
    ["https://0x7f.1/h", /loopback/], // WHATWG URL canonicalises to 127.0.0.1
    ["https://10.1.2.3/h", /private/],
    ["https://[fd00:ec2::254]/", /metadata/],
    ["ftp://example.com/", /must be https/],
  ])("refuses %s for good", async (url, reason) => {
    expect(await strict([]).send(request(url))).toMatchObject({ kind: "permanent", reason: expect.stringMatching(reason) });
  });

  it.each([
    [["10.0.0.5"], /private/],
    [["93.184.216.34", "192.168.1.1"], /192\.168\.1\.1.*private/],
    [["fe80::1"], /link-local/],
    [["::ffff:127.0.0.1"], /loopback/],
  ])("refuses a name resolving to %j, for this attempt (DNS may change)", async (answers, reason) => {
    expect(await strict(answers).send(request("https://hooks.example.com/h"))).toMatchObject({ kind: "retry", reason: expect.stringMatching(reason) });
  });

  it("allows plain http only to loopback, even with allowLoopback", async () => {
    const s = new HttpWebhookSender({ allowLoopback: true, resolve: async () => [{ address: "192.168.1.10", family: 4 }] });
    expect(await s.send(request("http://localhost:9/h"))).toMatchObject({ kind: "retry", reason: expect.stringMatching(/private/) });
    const pub = new HttpWebhookSender({ allowLoopback: true, resolve: async () => [{ address: "93.184.216.34", family: 4 }] });
    expect(await pub.send(request("http://localhost:9/h"))).toMatchObject({ reason: expect.stringMatching(/plain http to a non-loopback address/) });
    expect(await s.send(request("http://example.com/h"))).toMatchObject({ kind: "permanent" });
  });

  it("retries when the name does not resolve", async () => {
    const s = new HttpWebhookSender({ resolve: async () => Promise.reject(new Error("ENOTFOUND")) });
    expect(await s.send(request("https://nowhere.invalid/h"))).toMatchObject({
      kind: "retry",
      reason: expect.stringMatching(/cannot resolve nowhere\.invalid: ENOTFOUND/),
    });
  });
});
