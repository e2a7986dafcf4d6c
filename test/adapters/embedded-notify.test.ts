// The embedded notification adapters: the port contracts on SQLite, the outbox and SMTP mailers.
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, describe, expect, it } from "vitest";
import { OutboxMailer } from "../../shared/adapters/embedded/outbox-mailer";
import { EmbeddedDb } from "../../shared/adapters/embedded/sqlite-db";
import { SmtpMailer } from "../../shared/adapters/mail/smtp";
import { renderEmail } from "../../shared/domain/notify/email";
import { notifyPortsContract } from "../contracts/notify-ports";
import { vulnerable } from "../helpers/events";
import { header, parseMime } from "../helpers/mime";

const dbs: EmbeddedDb[] = [];
afterAll(() => dbs.forEach((d) => d.close()));

notifyPortsContract("embedded (SQLite)", () => {
  const db = new EmbeddedDb(join(mkdtempSync(join(tmpdir(), "cpansec-notify-")), "cpansec.db"));
  dbs.push(db);
  return { subscriptions: db.subscriptions(), deliveries: db.deliveries(), events: db.events() };
});

const message = (id: string, dist = "CGI") =>
  renderEmail(vulnerable("high", { dist: `${dist}<b>` }), {
    id,
    from: "cpansec <cpansec@example.org>",
    to: "sec@example.org",
    link: (k) => `https://r.example.org/${k}`,
    unsubscribeUrl: "https://u.example.org/x",
  });

describe("OutboxMailer", () => {
  it("writes one RFC 5322 file per message id, once", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "cpansec-outbox-")), "outbox");
    const m = new OutboxMailer(dir, "cpansec.test", () => new Date("2026-11-01T00:00:00Z"));
    await m.send(message("msg_one"));
    await m.send(message("msg_one", "Changed")); // a resend of the same message: no second copy
    await m.send(message("msg_two"));
    expect(readdirSync(dir).sort()).toEqual(["msg_one.eml", "msg_two.eml"]);
    const parsed = parseMime(readFileSync(join(dir, "msg_one.eml"), "utf8"));
    expect(header(parsed, "Message-ID")).toEqual(["<msg_one@cpansec.test>"]);
    expect(header(parsed, "List-Unsubscribe")).toEqual(["<https://u.example.org/x>"]);
    expect(parsed.parts.map((p) => header(p, "Content-Type")[0])).toEqual(["text/plain; charset=utf-8", "text/html; charset=utf-8"]);
    // The release's name comes from its path, where the markup stays: escaped in the HTML part.
    expect(parsed.parts[1]?.body).toContain("DAVE/CGI&lt;b&gt;-3.62.tar.gz");
    expect(parsed.parts[1]?.body).not.toContain("CGI<b>");
    await expect(m.send(message("../escape"))).rejects.toThrow(/refusing message id/);
  });
});

describe("SmtpMailer", () => {
  it("hands the message to an SMTP server on 127.0.0.1", async () => {
    const got: { from?: string; to: string[]; raw: string }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          got.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.server.address() as { port: number }).port;
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${port}`, "cpansec.test");
    try {
      await mailer.send(message("msg_smtp"));
    } finally {
      mailer.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(got).toHaveLength(1);
    expect(got[0]?.from).toBe("cpansec@example.org");
    expect(got[0]?.to).toEqual(["sec@example.org"]);
    const parsed = parseMime(got[0]?.raw as string);
    expect(header(parsed, "Subject")).toEqual(["[cpansec] CGI 3.62 by DAVE is affected by CPANSA-CGI-2012-5526"]);
    expect(header(parsed, "Message-ID")).toEqual(["<msg_smtp@cpansec.test>"]);
    expect(() => new SmtpMailer("http://x")).toThrow(/smtp:\/\//);
  });

  it("fails (for the queue to retry) when no server answers", async () => {
    const mailer = new SmtpMailer("smtp://127.0.0.1:1");
    await expect(mailer.send(message("msg_x"))).rejects.toThrow();
    mailer.close();
  });
});
