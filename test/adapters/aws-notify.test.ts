// Notifications on AWS APIs (moto): the notification port contracts on DynamoDB, and email through
// SES v2, read back from moto's own record of what was sent.
import { CreateEmailIdentityCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { beforeAll, describe, expect, it } from "vitest";
import type { AwsClients } from "../../shared/adapters/aws/clients";
import { DynamoDeliveryStore, DynamoSubscriptionStore } from "../../shared/adapters/aws/dynamo-notify";
import { DynamoEventStore } from "../../shared/adapters/aws/dynamo-tables";
import { TABLES } from "../../shared/adapters/aws/resources";
import { SesMailer, noMailer } from "../../shared/adapters/aws/ses-mailer";
import { renderEmail } from "../../shared/domain/notify/email";
import { PermanentError } from "../../shared/ports/errors";
import { notifyPortsContract } from "../contracts/notify-ports";
import { MOTO } from "../contracts/race";
import { CREDENTIALS, REGION, createTable, motoClients, motoEndpoint, uniquePrefix } from "../helpers/aws";
import { vulnerable } from "../helpers/events";
import { header, parseMime } from "../helpers/mime";

let clients: AwsClients;
beforeAll(() => {
  clients = motoClients();
});

const table = async (spec: (typeof TABLES)[keyof typeof TABLES]) => {
  const name = `${uniquePrefix()}-${spec.name}`;
  await createTable(motoEndpoint(), name, spec);
  return name;
};

notifyPortsContract(
  "DynamoDB notification tables (moto)",
  async () => ({
    subscriptions: new DynamoSubscriptionStore(clients.dynamo, await table(TABLES.subscriptions)),
    deliveries: new DynamoDeliveryStore(clients.dynamo, await table(TABLES.deliveries)),
    events: new DynamoEventStore(clients.dynamo, await table(TABLES.events)),
  }),
  MOTO,
);

/** Raw messages moto's SES recorded (its model dump). */
async function sentRaw(): Promise<string[]> {
  const data = (await (await fetch(`${motoEndpoint()}/moto-api/data.json`)).json()) as { ses?: { RawMessage?: { raw_data: string }[] } };
  return (data.ses?.RawMessage ?? []).map((m) => m.raw_data);
}

describe("SesMailer (moto SES v2)", () => {
  it("sends text and HTML parts with our headers; injected text stays inside its header", async () => {
    const from = `alerts@${uniquePrefix()}.example.org`;
    await new SESv2Client({ endpoint: motoEndpoint(), region: REGION, credentials: CREDENTIALS }).send(new CreateEmailIdentityCommand({ EmailIdentity: from }));
    const event = vulnerable("high", { dist: "CGI<b>\r\nBcc: victim@example.org" });
    const message = renderEmail(event, {
      id: "msg_ses_1",
      from,
      to: "sec@example.org",
      link: (k) => `s3://bucket/${k}`,
      unsubscribeUrl: "https://u.example.org/unsubscribe?s=sub_1&t=abc",
    });
    await new SesMailer(clients.options, from, "cpansec-config").send(message);
    const raw = (await sentRaw()).find((r) => r.includes("msg_ses_1"));
    expect(raw, "moto recorded the raw message").toBeDefined();
    const parsed = parseMime(raw as string);
    expect(header(parsed, "To")).toEqual(["sec@example.org"]);
    expect(header(parsed, "Bcc")).toEqual([]);
    expect(header(parsed, "Message-ID")).toEqual([`<msg_ses_1@${from.split("@")[1]}>`]);
    expect(header(parsed, "List-Unsubscribe-Post")).toEqual(["List-Unsubscribe=One-Click"]);
    expect(header(parsed, "List-Unsubscribe")).toEqual(["<https://u.example.org/unsubscribe?s=sub_1&t=abc>"]);
    expect(parsed.parts.map((p) => header(p, "Content-Type")[0])).toEqual(["text/plain; charset=utf-8", "text/html; charset=utf-8"]);
    expect(parsed.parts[1]?.body).toContain("CGI&lt;b&gt;");
    expect(parsed.parts[1]?.body).not.toContain("CGI<b>");
  });

  it("turns a rejection no retry can fix into a PermanentError", async () => {
    // moto rejects a From address that is not a verified identity, as SES does.
    const message = renderEmail(vulnerable("high"), { id: "msg_x", from: "nobody@unverified.example", to: "x@example.org", link: (k) => k });
    await expect(new SesMailer(clients.options, "nobody@unverified.example").send(message)).rejects.toBeInstanceOf(PermanentError);
    await expect(noMailer.send(message)).rejects.toThrow(/email delivery is off/);
  });
});
