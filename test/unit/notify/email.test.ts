import { describe, expect, it } from "vitest";
import { composeEmail } from "../../../shared/adapters/mail/compose";
import { escapeHtml, headerValue, renderEmail } from "../../../shared/domain/notify/email";
import { makeEvent, vulnerable } from "../../helpers/events";
import { header, parseMime } from "../../helpers/mime";

const opts = { id: "msg_abc", from: "cpansec <cpansec@example.org>", to: "sec@example.org", link: (k: string) => `https://results.example.org/${k}` };

describe("renderEmail", () => {
  it("says what happened, to which release, and links the results", () => {
    const m = renderEmail(vulnerable("high"), {
      ...opts,
      publicLog: "https://log.example.org/",
      unsubscribeUrl: "https://cpansec.example.org/unsubscribe?t=abc",
    });
    expect(m.subject).toBe("[cpansec] CGI 3.62 by DAVE is affected by CPANSA-CGI-2012-5526");
    expect(m.text).toContain("CPANSA-CGI-2012-5526 (self, severity high): CVE-2012-5526");
    expect(m.text).toContain("advisory findings: https://results.example.org/releases/DAVE/CGI-3.62.tar.gz/advisories.json");
    expect(m.text).toContain("Transparency log: https://log.example.org/");
    expect(m.html).toContain('<a href="https://results.example.org/releases/DAVE/CGI-3.62.tar.gz/advisories.json">advisory findings</a>');
    expect(m.headers["List-Unsubscribe"]).toBe("<https://cpansec.example.org/unsubscribe?t=abc>");
    expect(m.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(m.tags).toEqual({ event_type: "release_vulnerable" });
    expect(renderEmail(vulnerable("high"), opts).headers["List-Unsubscribe"]).toBeUndefined();
  });

  it("gives one line per prerequisite finding, as the scan's text report does", () => {
    const e = makeEvent("release.vulnerable", {
      detail: {
        advisories: [{ id: "CPANSA-CGI-2012-5526", kind: "self", severity: "high", cves: [] }],
        dependencies: [
          {
            kind: "interpreter",
            distribution: "perl",
            severity: "critical",
            advisories: ["A-1", "A-2", "A-3", "A-4", "A-5"],
            advice: "require perl >= 5.040003 (...)",
          },
          { kind: "dependency", distribution: "URI", severity: null, advisories: ["CPANSA-URI-1"], advice: "require URI >= 5.11 (...)" },
        ],
      },
    });
    const m = renderEmail(e, opts);
    expect(m.text).toContain("Interpreter perl (severity critical): 5 advisories (A-1, A-2, A-3, A-4, ...); require perl >= 5.040003 (...)");
    expect(m.text).toContain("Dependency URI (severity unrated): 1 advisory (CPANSA-URI-1); require URI >= 5.11 (...)");
  });

  it("escapes untrusted text in HTML", () => {
    const e = makeEvent("integrity.alert", { dist: "Evil<script>alert(1)</script>", detail: { reason: `<img src=x onerror="steal()"> & co` } });
    const m = renderEmail(e, opts);
    expect(m.html).not.toMatch(/<script>|<img/);
    expect(m.html).toContain("&lt;img src=x onerror=&quot;steal()&quot;&gt; &amp; co");
    expect(escapeHtml(`<>&"'`)).toBe("&lt;&gt;&amp;&quot;&#39;");
  });

  it("cannot be made to carry extra headers", async () => {
    const evil = "Demo\r\nBcc: victim@example.org\r\nX-Injected: 1";
    const e = makeEvent("release.processed", { dist: evil, version: "1.0\nSubject: hijacked", author: "DAVE" });
    const m = renderEmail(e, { ...opts, from: "cpansec <a@example.org>\r\nBcc: x@example.org", unsubscribeUrl: "https://u.example.org/\r\nX-Evil: 1" });
    for (const v of [m.subject, m.from, m.to, ...Object.values(m.headers)]) expect(v).not.toMatch(/[\r\n]/);
    const parsed = parseMime((await composeEmail(m, "cpansec.test")).toString("utf8"));
    const names = parsed.headers.map(([n]) => n.toLowerCase());
    expect(names).not.toContain("bcc");
    expect(names).not.toContain("x-injected");
    expect(names).not.toContain("x-evil");
    expect(header(parsed, "Subject")).toHaveLength(1);
    expect(headerValue("a\r\n\tb\u2028c\x00d")).toBe("a b c d");
    expect(headerValue("x".repeat(1000), 10)).toHaveLength(10);
  });
});

describe("composeEmail", () => {
  it("builds RFC 5322 with multipart/alternative text and HTML parts", async () => {
    // Identity comes from the CPAN path, whose names are ASCII; non-ASCII reaches the subject through the feed.
    const m = renderEmail(
      vulnerable("medium", {
        dist: "Unicode-Dist",
        detail: { advisories: [{ id: "CPANSA-Ünicode-Dist-2026-1", kind: "self", severity: "medium", cves: [] }] },
      }),
      { ...opts, unsubscribeUrl: "https://u.example.org/x" },
    );
    const parsed = parseMime((await composeEmail(m, "cpansec.test", new Date("2026-11-01T00:00:00Z"))).toString("utf8"));
    expect(header(parsed, "Message-ID")).toEqual(["<msg_abc@cpansec.test>"]);
    expect(header(parsed, "To")).toEqual(["sec@example.org"]);
    expect(header(parsed, "Date")[0]).toMatch(/01 Nov 2026/);
    expect(header(parsed, "List-Unsubscribe-Post")).toEqual(["List-Unsubscribe=One-Click"]);
    expect(header(parsed, "Subject")[0]).toMatch(/^=\?UTF-8\?/); // non-ASCII is encoded, not raw
    expect(header(parsed, "Content-Type")[0]).toMatch(/^multipart\/alternative;/);
    expect(parsed.parts.map((p) => header(p, "Content-Type")[0])).toEqual(["text/plain; charset=utf-8", "text/html; charset=utf-8"]);
    expect(parsed.parts[0]?.body).toContain("Unicode-Dist 3.62 by DAVE is affected by CPANSA-Ünicode-Dist-2026-1");
    expect(parsed.parts[1]?.body).toContain("<h1>Unicode-Dist 3.62 by DAVE is affected by CPANSA-Ünicode-Dist-2026-1</h1>");
  });

  it("shows bidi controls, look-alikes and line breaks from META and the feed visibly, in the subject and the text body, and keeps the raw event", () => {
    const version = "1.0\u202Egpj.exe"; // the record's version, from META
    const e = makeEvent("release.processed", {
      dist: "Data-Dumper",
      version,
      author: "DAVE",
      detail: { state: "failed", failure: { reason: "bad META\r\nUnsubscribe: https://evil.example/" } },
    });
    const m = renderEmail(e, opts);
    expect(m.subject).toBe("[cpansec] Data-Dumper 1.0<U+202E>gpj.exe by DAVE could not be processed");
    expect(m.text).toContain("Reason: bad META<U+000D><U+000A>Unsubscribe: https://evil.example/\n");
    expect(m.text.split("\n").filter((l) => l.startsWith("Unsubscribe:"))).toEqual([]);
    const feed = vulnerable("high", { detail: { advisories: [{ id: "CPANSA-CGI-2026-\u0430", kind: "self", severity: "high", cves: [] }] } });
    expect(renderEmail(feed, opts).subject).toBe("[cpansec] CGI 3.62 by DAVE is affected by CPANSA-CGI-2026-<U+0430>");
    for (const s of [m.subject, m.text, m.html]) expect(/[\u202E\u0430]/.test(s)).toBe(false);
    expect(e.release?.version).toBe(version); // the record keeps what the upload said
  });
});
