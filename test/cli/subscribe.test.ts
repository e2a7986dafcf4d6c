// `cpansec subscribe`: input errors, redaction, exit codes, and `test` against a real receiver.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliAsync } from "../helpers/cli";
import { SECRET } from "../helpers/events";
import { header, parseMime } from "../helpers/mime";
import { type Receiver, startReceiver } from "../helpers/webhook-receiver";

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver({ "/ok": SECRET, "/gone": SECRET });
});
afterAll(() => rx.close());

describe("cpansec subscribe", () => {
  it("rejects bad input with every problem and exit 2, storing nothing", () => {
    const data = mkdtempSync(join(tmpdir(), "cpansec-sub-"));
    const r = runCli([
      "subscribe",
      "add",
      "--data",
      data,
      "--webhook",
      "http://example.com/h",
      "--secret",
      "whsec_c2hvcnQ=",
      "--event",
      "release.nope",
      "--dist",
      "bad name",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      "cpansec: warning: a secret on the command line is visible to other users (ps) and stays in shell history; use --secret-file",
      "cpansec: the webhook URL must be https:// (plain http only to localhost, for local testing)",
      "cpansec: the secret must decode to 24 to 64 bytes (it has 5)",
      'cpansec: not a distribution name or glob (letters, digits, - _ . + * ?): "bad name"',
      'cpansec: unknown event type "release.nope" (one of release.processed, release.vulnerable, advisory.published, patch.published, integrity.alert)',
    ]);
    // Nothing stored, not even a store: and list, remove and test never make one (a --data typo).
    expect(runCli(["subscribe", "list", "--data", data])).toMatchObject({ status: 2, stderr: expect.stringMatching(/no cpansec store there/) });
    expect(readdirSync(data)).toEqual([]);
    expect(runCli(["subscribe", "add", "--data", data]).stderr).toMatch(/give a webhook URL or an email address/);
    expect(runCli(["subscribe", "add", "--data", data, "--email", "a@example.org", "--min-severity", "severe"]).status).toBe(2);
    expect(runCli(["subscribe", "add", "--data", data, "--email", "a@example.org"]).status).toBe(0);
    expect(runCli(["subscribe", "remove", "--data", data, "sub_nope"])).toMatchObject({ status: 1, stderr: "cpansec: no subscription sub_nope\n" });
    // --aws without the stack's table names in the environment: told which and where to find them.
    expect(runCli(["subscribe", "list", "--aws"])).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(
        /^cpansec: --aws needs SUBSCRIPTIONS_TABLE, DELIVERIES_TABLE, EVENTS_TABLE in the environment \(the stack's SubscriptionsTableName/,
      ),
    });
  });

  it("tests a webhook subscription now, and reports a 410 as a failure", async () => {
    const data = mkdtempSync(join(tmpdir(), "cpansec-sub-"));
    const ok = JSON.parse(runCli(["subscribe", "add", "--data", data, "--json", "--webhook", `${rx.url}/ok`, "--secret", SECRET]).stdout) as {
      id: string;
      target: { secret: string };
    };
    expect(ok.target.secret).toBe("whsec_…");
    const gone = JSON.parse(runCli(["subscribe", "add", "--data", data, "--json", "--webhook", `${rx.url}/gone`, "--secret", SECRET]).stdout) as { id: string };
    const t = await runCliAsync(["subscribe", "test", "--data", data, "--allow-loopback-webhooks", ok.id]);
    expect(t).toMatchObject({ status: 0, stdout: `${ok.id}: webhook ${rx.url}/ok: delivered (HTTP 204)\n` });
    expect(rx.verified("/ok").map((r) => r.payload?.type)).toEqual(["subscription.test"]);
    const g = await runCliAsync(["subscribe", "test", "--data", data, "--allow-loopback-webhooks", "--json", gone.id]);
    expect(g.status).toBe(1);
    expect(JSON.parse(g.stdout)).toMatchObject({ kind: "gone", status: 410 });
    // Without --allow-loopback-webhooks, plain http to 127.0.0.1 is refused.
    const refused = await runCliAsync(["subscribe", "test", "--data", data, ok.id]);
    expect(refused).toMatchObject({ status: 1, stdout: expect.stringMatching(/permanent: plain http is refused/) });
    const listed = runCli(["subscribe", "list", "--data", data, "--json"]).stdout;
    expect(listed).not.toContain(SECRET.slice(6));
    expect(runCli(["subscribe", "remove", "--data", data, gone.id])).toMatchObject({ status: 0, stdout: `removed ${gone.id}\n` });
  });

  it("tests an email subscription into the outbox, and prints a generated secret once", () => {
    const data = mkdtempSync(join(tmpdir(), "cpansec-sub-"));
    const add = runCli(["subscribe", "add", "--data", data, "--email", "me@example.org", "--author", "ether", "--dist", "Try-*"]);
    expect(add.stdout).toMatch(/^added (sub_[0-9a-f]{16}): email me@example.org, dists Try-\*; authors ETHER/);
    const id = /sub_[0-9a-f]{16}/.exec(add.stdout)?.[0] as string;
    expect(runCli(["subscribe", "test", "--data", data, id])).toMatchObject({ status: 0, stdout: `${id}: email me@example.org: delivered\n` });
    const [file] = readdirSync(join(data, "outbox"));
    expect(header(parseMime(readFileSync(join(data, "outbox", file as string), "utf8")), "Subject")).toEqual(["[cpansec] Test notification from cpansec"]);
    const hook = runCli(["subscribe", "add", "--data", data, "--webhook", "https://hooks.example.com/x"]);
    const secret = /whsec_\S+/.exec(hook.stdout)?.[0] as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(runCli(["subscribe", "list", "--data", data]).stdout).not.toContain(secret.slice(6));
  });

  it("takes the secret from a file or standard input (kept out of ps), and warns when it is on the command line", async () => {
    const data = mkdtempSync(join(tmpdir(), "cpansec-sub-"));
    const file = join(data, "secret");
    writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
    const fromFile = runCli(["subscribe", "add", "--data", data, "--json", "--webhook", `${rx.url}/ok`, "--secret-file", file]);
    expect(fromFile.stderr).toBe("");
    const fromStdin = runCli(["subscribe", "add", "--data", data, "--json", "--webhook", `${rx.url}/ok`, "--secret-file", "-"], `${SECRET}\n`);
    expect(fromStdin.stdout).not.toContain(SECRET.slice(6));
    for (const r of [fromFile, fromStdin]) {
      const id = (JSON.parse(r.stdout) as { id: string }).id;
      // The receiver verifies with SECRET: a delivery counts only if the stored secret is that one.
      expect(await runCliAsync(["subscribe", "test", "--data", data, "--allow-loopback-webhooks", id])).toMatchObject({
        status: 0,
        stdout: `${id}: webhook ${rx.url}/ok: delivered (HTTP 204)\n`,
      });
    }
    expect(runCli(["subscribe", "add", "--data", data, "--webhook", `${rx.url}/ok`, "--secret", SECRET]).stderr).toMatch(
      /^cpansec: warning: a secret on the command line is visible to other users \(ps\)/,
    );
    expect(runCli(["subscribe", "add", "--data", data, "--webhook", `${rx.url}/ok`, "--secret", SECRET, "--secret-file", file])).toMatchObject({
      status: 2,
      stderr: "cpansec: give --secret-file or --secret, not both\n",
    });
  });
});
