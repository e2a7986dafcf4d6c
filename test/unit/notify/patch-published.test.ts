// patch.published: who receives it (the same selection rules as the other events: distribution,
// author, event type, severity of the advisories it resolves) and how it reads in email, the Atom
// feed and the webhook body. Values from the patch source are untrusted: shown, never interpreted.
import { describe, expect, it } from "vitest";
import { renderAtom } from "../../../shared/domain/notify/atom";
import { describeEvent } from "../../../shared/domain/notify/describe";
import { renderEmail } from "../../../shared/domain/notify/email";
import { eventSeverity, matches } from "../../../shared/domain/notify/match";
import { parseSubscription } from "../../../shared/domain/notify/subscription";
import { webhookPayload } from "../../../shared/domain/notify/webhook";
import type { PatchPublishedDetail } from "../../../shared/messages/events";
import { makeEvent, makeSubscription } from "../../helpers/events";

const SHA = "a".repeat(64);
const detail = (severity: string | null, o: Partial<PatchPublishedDetail["patch"]> = {}): PatchPublishedDetail => ({
  patch: {
    path: "A/Authen-SASL/2.1800/CVE-2025-40918-r1.patch",
    url: "https://security.metacpan.org/patches/A/Authen-SASL/2.1800/CVE-2025-40918-r1.patch",
    sha256: SHA,
    cve: "CVE-2025-40918",
    revision: 1,
    ...o,
  },
  advisories: [{ id: "CPANSA-Authen-SASL-2025-40918", kind: "self", severity, cves: ["CVE-2025-40918"] }],
});
const event = (severity: string | null, o: Partial<PatchPublishedDetail["patch"]> = {}) =>
  makeEvent("patch.published", {
    dist: "Authen-SASL",
    version: "2.1800",
    author: "EHUELS",
    detail: detail(severity, o) as unknown as Record<string, unknown>,
    links: { advisories: "releases/EHUELS/Authen-SASL-2.1800.tar.gz/advisories.json" },
  });
const hook = { kind: "webhook" as const, url: "https://hooks.example.org/x", secret: "whsec_x" };

describe("patch.published", () => {
  it("goes to the subscriptions whose filter selects it, as the other events do", () => {
    const e = event("high");
    const sel = (f: object) => matches(makeSubscription(hook, f), e);
    expect(sel({})).toBe(true);
    expect(sel({ distributions: ["Authen-*"] })).toBe(true);
    expect(sel({ distributions: ["CGI"] })).toBe(false);
    expect(sel({ authors: ["ehuels"] })).toBe(true);
    expect(sel({ events: ["patch.published"] })).toBe(true);
    expect(sel({ events: ["advisory.published"] })).toBe(false);
    expect(sel({ minSeverity: "high" })).toBe(true);
    expect(sel({ minSeverity: "critical" })).toBe(false);
    expect(eventSeverity(event(null))).toBe("unrated"); // unrated passes every minimum
    expect(matches(makeSubscription(hook, { minSeverity: "critical" }), event(null))).toBe(true);
    const parsed = parseSubscription({ email: "a@example.org", events: ["patch.published"] });
    expect(parsed.ok && parsed.filter.events).toEqual(["patch.published"]);
  });

  it("reads in email and the Atom feed with the patch's path, URL, sha256 and the advisories it resolves", () => {
    const e = event("high", { patched: "patched-cpan/authors/id/C/CP/CPANSEC/Authen-SASL-2.1800-PATCHED.tar.gz" });
    const m = renderEmail(e, { id: "msg_1", from: "a@example.org", to: "b@example.org", link: (k) => `https://r.example/${k}` });
    expect(m.subject).toBe("[cpansec] A patch for CVE-2025-40918 in Authen-SASL 2.1800 by EHUELS is published");
    expect(m.text).toContain(`Patch: A/Authen-SASL/2.1800/CVE-2025-40918-r1.patch (revision 1), sha256 ${SHA}`);
    expect(m.text).toContain("Download: https://security.metacpan.org/patches/A/Authen-SASL/2.1800/CVE-2025-40918-r1.patch");
    expect(m.text).toContain("Patched archive: patched-cpan/authors/id/C/CP/CPANSEC/Authen-SASL-2.1800-PATCHED.tar.gz");
    expect(m.text).toContain("Resolves CVE-2025-40918 of CPANSA-Authen-SASL-2025-40918 (self, severity high)");
    expect(m.text).toContain("Severity: high");
    expect(m.tags).toEqual({ event_type: "patch_published" });
    const atom = renderAtom([e], { id: "urn:x", title: "t", selfUrl: "https://x/atom.xml", author: "a", link: (k) => k, epoch: "2026-01-01T00:00:00Z" });
    expect(atom).toContain('<category term="patch.published"/>');
    expect(JSON.parse(webhookPayload(e))).toEqual(JSON.parse(JSON.stringify(e)));
  });

  it("shows a hostile path or URL as text on one line", () => {
    const d = describeEvent(event("low", { url: "https://x.example/\r\nBcc: all@example.org", path: "A/A\u202eB/1/CVE-2026-1-r1.patch" }));
    const joined = d.lines.join("\n");
    expect(joined).not.toContain("\r");
    expect(joined).not.toContain("\u202e");
    expect(d.lines.every((l) => !l.includes("\n"))).toBe(true);
  });
});
