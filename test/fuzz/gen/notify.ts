/** Fuzz targets for subscription input and webhook secrets: validation returns problems as data, never throws. */
import fc from "fast-check";
import { classifyAddress } from "../../../shared/domain/notify/address";
import { type SubscriptionInput, parseSubscription, secretProblem } from "../../../shared/domain/notify/subscription";
import { type FuzzTarget, target } from "../harness";
import { anyText, base64Of } from "./common";

const secret = fc.oneof(
  base64Of(0, 80).map((b) => `whsec_${b}`),
  base64Of(20, 70).map((b) => `whsec_${b.replace(/=+$/, "")}`),
  fc.constantFrom("whsec_", "whsec_====", "whsec_A", "WHSEC_abc", "whsec_ab/+", "whsec_\u0000"),
  anyText(),
);
const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc
    .tuple(
      fc.constantFrom("https://", "http://", "ftp://", "HTTPS://", "http://127.0.0.1", "https://user:pw@", "//", "javascript:"),
      fc.oneof(
        fc.domain(),
        fc.ipV4(),
        fc.ipV6().map((a) => `[${a}]`),
        anyText(),
      ),
      fc.constantFrom("", "/hook", ":8443/x", "#frag", "/%00", ":99999"),
    )
    .map((p) => p.join("")),
  fc.string({ maxLength: 2100 }),
  anyText(),
);
const email = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom("a@b", "a..b@c.d", ".a@b.c", "a@b.c\r\nBcc: x@y.z", '"a b"@c.d', `${"a".repeat(70)}@b.cd`),
  anyText(),
);
const list = fc.option(fc.array(fc.oneof(fc.stringMatching(/^[A-Za-z0-9*?-]{1,10}$/), anyText(12)), { maxLength: 3 }), { nil: undefined });
const input: fc.Arbitrary<SubscriptionInput> = fc.record(
  {
    webhook: url,
    secret,
    email,
    dists: list,
    authors: list,
    events: fc.option(
      fc.array(fc.oneof(fc.constantFrom("release.processed", "release.vulnerable", "advisory.published", "integrity.alert"), anyText(12)), { maxLength: 3 }),
      { nil: undefined },
    ),
    minSeverity: fc.oneof(fc.constantFrom("low", "medium", "high", "critical"), anyText(8)),
  },
  { requiredKeys: [] },
);

const subscription: FuzzTarget<SubscriptionInput> = {
  name: "subscription",
  parser: "notify/subscription.ts parseSubscription, secretProblem (webhook secrets, URLs, email addresses, filters)",
  inputs:
    "random combinations of webhook URLs (valid, odd schemes, credentials, fragments, IPs, 2 KB), whsec_ secrets (every base64 length, malformed), email addresses (header injection), dist/author globs, event types and severities",
  arbitrary: input,
  run: (i) => {
    if (i.secret !== undefined) secretProblem(i.secret);
    const r = parseSubscription(i);
    // A well-formed result is what gets stored: its secret must itself be valid.
    if (r.ok && r.target.kind === "webhook" && secretProblem(r.target.secret)) throw new Error("accepted a subscription with a bad secret");
    return r;
  },
  accepts: [],
  runs: 400,
};

const address: FuzzTarget<string> = {
  name: "address",
  parser: "notify/address.ts classifyAddress (the SSRF guard's verdict on a resolved address)",
  inputs: "IPv4 and IPv6 addresses (every form fast-check makes, zone ids, embedded IPv4) and arbitrary text",
  arbitrary: fc.oneof(
    fc.ipV4(),
    fc.ipV4Extended(),
    fc.ipV6(),
    fc.ipV6().map((a) => `${a}%eth0`),
    anyText(),
    fc.constantFrom("::ffff:127.0.0.1", "64:ff9b::10.0.0.1", "2002:7f00:1::", "fd00:ec2::254", "::", "0x7f.1"),
  ),
  run: (a) => {
    classifyAddress(a, { allowLoopback: true });
    return classifyAddress(a);
  },
  accepts: [],
  runs: 400,
};

export const notifyTargets = [target(subscription), target(address)];
