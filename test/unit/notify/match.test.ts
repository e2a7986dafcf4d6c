import { describe, expect, it } from "vitest";
import { eventDistribution, eventSeverity, globMatch, matches } from "../../../shared/domain/notify/match";
import { makeEvent, makeSubscription, vulnerable } from "../../helpers/events";

const hook = { kind: "webhook" as const, url: "https://example.com/h", secret: "whsec_x" };

describe("globMatch", () => {
  it.each([
    ["CGI", "CGI", true],
    ["CGI", "cgi", false],
    ["CGI", "CGI-Fast", false],
    ["CGI*", "CGI-Fast", true],
    ["CGI*", "CGI", true],
    ["*-Fast", "CGI-Fast", true],
    ["Demo-?", "Demo-A", true],
    ["Demo-?", "Demo-AB", false],
    ["Demo.Core", "DemoXCore", false],
    ["Net+SSL", "Net+SSL", true],
    ["Net+SSL", "NetSSL", false],
    ["*", "Anything-At-All", true],
    ["a*b*c", "aXXbYYc", true],
    ["a*b*c", "aXXbYY", false],
  ] as const)("%s ~ %s → %s", (glob, name, want) => expect(globMatch(glob, name)).toBe(want));
});

describe("eventSeverity", () => {
  it("follows the rules in docs/notifications.md", () => {
    expect(eventSeverity(makeEvent("integrity.alert"))).toBe("critical");
    expect(eventSeverity(makeEvent("release.processed"))).toBe("none");
    expect(eventSeverity(vulnerable("medium"))).toBe("medium");
    expect(eventSeverity(vulnerable(null))).toBe("unrated");
    expect(eventSeverity(makeEvent("release.vulnerable", { detail: { advisories: [{ severity: "low" }, { severity: "high" }] } }))).toBe("high");
    expect(eventSeverity(makeEvent("release.vulnerable", { detail: { advisories: [{ severity: "low" }, { severity: null }] } }))).toBe("unrated");
    expect(eventSeverity(makeEvent("advisory.published", { detail: { severity: "critical" } }))).toBe("critical");
    expect(eventSeverity(makeEvent("advisory.published", { detail: {} }))).toBe("unrated");
  });
});

describe("matches", () => {
  it("with no filter takes every event after its creation, none before", () => {
    const s = makeSubscription(hook, {}, { createdAt: "2026-06-01T00:00:00Z" });
    expect(matches(s, makeEvent("release.processed", { time: "2026-06-01T00:00:01Z" }))).toBe(true);
    expect(matches(s, makeEvent("integrity.alert", { time: "2026-05-31T23:59:59Z" }))).toBe(false);
  });

  it("filters by event type, author (any case) and distribution glob, all of them", () => {
    const s = makeSubscription(hook, { events: ["release.vulnerable"], authors: ["DAVE"], distributions: ["CGI*"] });
    expect(matches(s, vulnerable("high"))).toBe(true);
    expect(matches(s, vulnerable("high", { author: "dave" }))).toBe(true);
    expect(matches(s, vulnerable("high", { author: "ALICE" }))).toBe(false);
    expect(matches(s, vulnerable("high", { dist: "Demo-Web" }))).toBe(false);
    expect(matches(s, makeEvent("release.processed"))).toBe(false);
    expect(matches({ ...s, disabled: { at: "t", reason: "410" } }, vulnerable("high"))).toBe(false);
  });

  it("applies a minimum severity", () => {
    const high = makeSubscription(hook, { minSeverity: "high" });
    expect(matches(high, vulnerable("medium"))).toBe(false);
    expect(matches(high, vulnerable("high"))).toBe(true);
    expect(matches(high, vulnerable("critical"))).toBe(true);
    expect(matches(high, vulnerable(null))).toBe(true); // unrated passes
    expect(matches(high, makeEvent("integrity.alert"))).toBe(true); // counts as critical
    expect(matches(high, makeEvent("release.processed"))).toBe(false); // no severity
    expect(matches(makeSubscription(hook, { minSeverity: "low" }), vulnerable("low"))).toBe(true);
  });

  it("matches a distribution glob against the file name when META gave none", () => {
    const e = {
      ...makeEvent("integrity.alert"),
      release: { id: "MALLORY/Demo-Tampered-1.0.tar.gz", path: "authors/id/M/MA/MALLORY/Demo-Tampered-1.0.tar.gz", author: "MALLORY" },
    };
    expect(eventDistribution(e)).toBe("Demo-Tampered");
    expect(matches(makeSubscription(hook, { distributions: ["Demo-*"] }), e)).toBe(true);
  });

  it("matches by the CPAN path's distribution, never by a name the uploader claims", () => {
    // An event carrying a distribution that disagrees with its path (as META's name once did).
    const e = {
      ...makeEvent("release.processed"),
      release: {
        id: "ATTACKER/Totally-Innocent-0.01.tar.gz",
        path: "authors/id/A/AT/ATTACKER/Totally-Innocent-0.01.tar.gz",
        author: "ATTACKER",
        distribution: "Mojolicious",
        version: "99.0",
      },
    };
    expect(eventDistribution(e)).toBe("Totally-Innocent");
    expect(matches(makeSubscription(hook, { distributions: ["Mojolicious"] }), e)).toBe(false);
    expect(matches(makeSubscription(hook, { distributions: ["Totally-*"] }), e)).toBe(true);
  });
});
