/** A rendered EmailMessage as RFC 5322 bytes (MIME multipart/alternative), built by nodemailer. */
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type Mail from "nodemailer/lib/mailer/index.js";
import type { EmailMessage } from "../../domain/notify/email";

/** The Message-ID: stable per (event, subscription), so a resent copy is recognisably the same. */
export const messageId = (m: EmailMessage, domain: string) => `<${m.id}@${domain}>`;

export function mailOptions(m: EmailMessage, domain: string): Mail.Options {
  return {
    from: m.from,
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: messageId(m, domain),
    headers: { ...m.headers },
    // Values are single-line already (renderEmail); nodemailer encodes (RFC 2047) and folds them.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

export function composeEmail(m: EmailMessage, domain: string, date?: Date): Promise<Buffer> {
  const node = new MailComposer({ ...mailOptions(m, domain), ...(date ? { date } : {}) }).compile();
  return node.build();
}
