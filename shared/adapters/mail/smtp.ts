/** Mailer over SMTP (nodemailer): `cpansec run --smtp smtp://host:port` (smtps:// for TLS). */
import nodemailer, { type Transporter } from "nodemailer";
import type { EmailMessage } from "../../domain/notify/email";
import type { Mailer } from "../../ports";
import { mailOptions } from "./compose";

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly domain = "cpansec.localhost",
  ) {
    const u = new URL(url);
    if (u.protocol !== "smtp:" && u.protocol !== "smtps:") throw new Error(`--smtp takes smtp://host:port or smtps://host:port, not ${u.protocol}`);
    const secure = u.protocol === "smtps:";
    this.transport = nodemailer.createTransport({
      host: u.hostname.replace(/^\[|\]$/g, ""),
      port: u.port ? Number(u.port) : secure ? 465 : 25,
      secure,
      ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(m: EmailMessage): Promise<void> {
    await this.transport.sendMail(mailOptions(m, this.domain));
  }

  close(): void {
    this.transport.close();
  }
}
