import { type Command, InvalidArgumentError } from "commander";
import { EVENT_TYPES, SEVERITIES } from "../../shared/domain/notify/subscription";

const collect = (v: string, prev: string[] = []) => [...prev, v];
const smtpUrl = (v: string) => {
  if (!/^smtps?:\/\/[^\s/]+/.test(v)) throw new InvalidArgumentError("--smtp takes smtp://host:port or smtps://host:port");
  return v;
};

export function registerSubscribe(program: Command): void {
  const sub = program.command("subscribe").description("notification subscriptions: webhooks (Standard Webhooks) and email");
  const backend = (c: Command) =>
    c
      .option("--data <dir>", "the embedded store (as for cpansec run)", "cpansec-data")
      .option("--aws", "the AWS deployment's tables (credentials from the usual AWS chain)");

  backend(sub.command("add"))
    .description("add a subscription; no filter means every event")
    .option("--webhook <url>", "deliver to this https URL (signed, Standard Webhooks)")
    .option("--secret-file <file>", "read the webhook signing secret (whsec_<base64>) from a file, or - for standard input (default: a new one, printed once)")
    .option("--secret <whsec>", "the secret on the command line: visible to every user in `ps` and kept in shell history; prefer --secret-file")
    .option("--email <addr>", "deliver by email to this address")
    .option("--dist <glob>", "distribution name or glob (* and ?), repeatable", collect)
    .option("--author <id>", "PAUSE id, repeatable", collect)
    .option("--event <type>", `event type, repeatable: ${EVENT_TYPES.join(", ")}`, collect)
    .option("--min-severity <s>", `lowest advisory severity: ${SEVERITIES.join(", ")}`)
    .option("--json", "print the new subscription as JSON")
    .addHelpText("after", "\nExit status: 0 when added, 2 on invalid input (every problem is listed).")
    .action(async (o) => {
      const { add } = await import("../subscribe-impl");
      process.exitCode = await add(o);
    });

  backend(sub.command("list"))
    .description("list subscriptions (secrets are never shown)")
    .option("--json", "one JSON object per line")
    .action(async (o) => {
      const { list } = await import("../subscribe-impl");
      process.exitCode = await list(o);
    });

  backend(sub.command("remove"))
    .description("remove a subscription")
    .argument("<id>", "the subscription id (sub_…)")
    .addHelpText("after", "\nExit status: 0 when removed, 1 when there is no such subscription.")
    .action(async (id: string, o) => {
      const { remove } = await import("../subscribe-impl");
      process.exitCode = await remove(id, o);
    });

  backend(sub.command("test"))
    .description("send a subscription.test event to one subscription now and print the outcome")
    .argument("<id>", "the subscription id (sub_…)")
    .option("--smtp <url>", "send email over SMTP (default: into <data>/outbox/)", smtpUrl)
    .option("--email-from <addr>", "the From address of email")
    .option("--allow-loopback-webhooks", "allow plain http webhooks to 127.0.0.1/::1 (local receivers)")
    .option("--json", "print the outcome as JSON")
    .addHelpText("after", "\nExit status: 0 when delivered, 1 when not (the reason is printed).")
    .action(async (id: string, o) => {
      const { test } = await import("../subscribe-impl");
      process.exitCode = await test(id, o);
    });
}
