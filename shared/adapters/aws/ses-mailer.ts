/**
 * The Mailer on SES v2: SendEmail with the message as raw MIME (the same composition as the SMTP
 * and outbox mailers: text and HTML parts, our Message-ID, List-Unsubscribe and the other headers
 * exactly as rendered), a configuration set (bounces, complaints and delivery events) and message
 * tags. A rejection that a retry cannot fix is a PermanentError, so the delivery fails with its
 * reason instead of retrying for a day.
 */
import { SESv2Client, SESv2ServiceException, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { EmailMessage } from "../../domain/notify/email";
import { PermanentError } from "../../ports/errors";
import type { Mailer } from "../../ports";
import { composeEmail } from "../mail/compose";
import { type ClientOptions, clientConfig } from "./clients";

const PERMANENT = new Set([
  "MessageRejected",
  "MailFromDomainNotVerifiedException",
  "BadRequestException",
  "NotFoundException",
  "AccountSuspendedException",
  "SendingPausedException",
]);

export class SesMailer implements Mailer {
  private readonly ses: SESv2Client;
  private readonly domain: string;

  constructor(
    o: ClientOptions,
    /** The verified identity mail is sent from (an address, or any address at a verified domain). */
    readonly from: string,
    private readonly configurationSet?: string,
  ) {
    this.ses = new SESv2Client(clientConfig(o));
    this.domain = /@([^>\s]+)>?$/.exec(from)?.[1] ?? "cpansec.invalid";
  }

  async send(m: EmailMessage): Promise<void> {
    const raw = await composeEmail(m, this.domain);
    try {
      await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: m.from,
          Destination: { ToAddresses: [m.to] },
          Content: { Raw: { Data: raw } },
          ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
          EmailTags: Object.entries(m.tags).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
    } catch (e) {
      if (e instanceof SESv2ServiceException && PERMANENT.has(e.name)) throw new PermanentError(`SES refused the message: ${e.name}: ${e.message}`);
      throw e;
    }
  }
}

/** The mailer of a deployment without an SES identity: email subscriptions fail, each with the reason. */
export const noMailer: Mailer = {
  send: async () => {
    throw new PermanentError("email delivery is off: the stack was deployed without an SES identity (docs/aws.md)");
  },
};
