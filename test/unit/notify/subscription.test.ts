import { describe, expect, it } from "vitest";
import { emailProblem, parseSubscription, redactSecret, secretProblem, webhookUrlProblem } from "../../../shared/domain/notify/subscription";
import { SECRET } from "../../helpers/events";

describe("subscription input", () => {
  it.each([
    ["https://example.com/hook", undefined],
    ["https://example.com:8443/a/b?c=d", undefined],
    ["http://127.0.0.1:8080/h", undefined],
    ["http://localhost/h", undefined],
    ["http://[::1]:9/h", undefined],
    ["http://example.com/h", /must be https/],
    ["ftp://example.com/h", /must be https/],
    ["https://user:pw@example.com/h", /credentials/],
    ["https://example.com/h#x", /fragment/],
    ["https://example.com/h\r\nX: y", /control/],
    ["not a url", /whitespace|not a URL/],
    [`https://example.com/${"a".repeat(2050)}`, /longer than 2048/],
  ] as const)("webhook URL %s", (url, problem) => {
    const p = webhookUrlProblem(url);
    if (problem) expect(p).toMatch(problem);
    else expect(p).toBeUndefined();
  });

  it.each([
    [SECRET, undefined],
    [`whsec_${Buffer.alloc(32, 7).toString("base64")}`, undefined],
    [`whsec_${Buffer.alloc(16, 7).toString("base64")}`, /24 to 64 bytes \(it has 16\)/],
    [`whsec_${Buffer.alloc(65, 7).toString("base64")}`, /24 to 64/],
    ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", /whsec_/],
    ["whsec_not base64!", /whsec_ followed by base64/],
    ["whsec_", /whsec_ followed by base64/],
  ] as const)("secret %s", (secret, problem) => {
    const p = secretProblem(secret);
    if (problem) expect(p).toMatch(problem);
    else expect(p).toBeUndefined();
  });

  it.each([
    ["security@example.org", true],
    ["a.b+tag@sub.example.co.uk", true],
    ["a@b", false],
    ["a@example.org\r\nBcc: victim@example.org", false],
    ["a@example.org\nBcc:x@y.z", false],
    ["Name <a@example.org>", false],
    ["a,b@example.org", false],
    [".a@example.org", false],
    ["a..b@example.org", false],
    ["a@-example.org", false],
  ] as const)("email %j ok=%s", (addr, ok) => expect(emailProblem(addr) === undefined).toBe(ok));

  it("parses a complete input and normalises authors", () => {
    const r = parseSubscription({
      webhook: "https://example.com/h",
      secret: SECRET,
      dists: ["CGI*", "CGI*"],
      authors: ["dave"],
      events: ["release.vulnerable"],
      minSeverity: "high",
    });
    expect(r).toEqual({
      ok: true,
      target: { kind: "webhook", url: "https://example.com/h", secret: SECRET },
      filter: { distributions: ["CGI*"], authors: ["DAVE"], events: ["release.vulnerable"], minSeverity: "high" },
    });
  });

  it("reports every problem at once", () => {
    const r = parseSubscription({ email: "x\r\n@y", events: ["release.nope"], minSeverity: "severe", dists: ["a b"], authors: ["1BAD"], secret: SECRET });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toHaveLength(6);
    expect(parseSubscription({})).toEqual({ ok: false, problems: ["give a webhook URL or an email address"] });
    expect(parseSubscription({ webhook: "https://e.com/", email: "a@example.org", secret: SECRET })).toMatchObject({ ok: false });
    expect(parseSubscription({ webhook: "https://e.com/" })).toEqual({ ok: false, problems: ["a webhook needs a secret"] });
  });

  it("never shows a secret", () => {
    expect(redactSecret(SECRET)).toBe("whsec_…");
    expect(redactSecret(SECRET)).not.toContain(SECRET.slice(6, 10));
  });
});
