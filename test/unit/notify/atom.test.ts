import { describe, expect, it } from "vitest";
import { FEED_ENTRIES, entryId, feedEvents, renderAtom } from "../../../shared/domain/notify/atom";
import { makeEvent, vulnerable } from "../../helpers/events";
import { child, childrenNamed, parseXml } from "../../helpers/xml";

const opts = {
  id: "urn:cpansec:feed:cpansec.example.org/log",
  title: "cpansec",
  selfUrl: "https://log.example.org/feeds/atom.xml",
  author: "cpansec-pipeline",
  link: (k: string) => `https://r.example.org/${k}`,
  epoch: "2026-01-01T00:00:00Z",
};
const at = (i: number) => new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();

describe("Atom feed", () => {
  it("is well-formed RFC 4287 with the required elements", () => {
    const events = [
      vulnerable("high", { time: at(1) }),
      makeEvent("integrity.alert", { time: at(2), detail: { reason: "bad & <worse>" } }),
      makeEvent("advisory.published", { time: at(3), detail: { advisory: "CPANSA-X-1", severity: "low" } }),
    ];
    const feed = parseXml(renderAtom(events, opts));
    expect(feed.name).toBe("feed");
    expect(feed.attrs.xmlns).toBe("http://www.w3.org/2005/Atom");
    expect(child(feed, "id")?.text).toBe(opts.id);
    expect(child(feed, "title")?.text).toBe("cpansec");
    expect(child(feed, "updated")?.text).toBe(at(3).replace(".000Z", "Z"));
    expect(child(child(feed, "author") as never, "name")?.text).toBe("cpansec-pipeline");
    expect(childrenNamed(feed, "link").find((l) => l.attrs.rel === "self")?.attrs.href).toBe(opts.selfUrl);
    const entries = childrenNamed(feed, "entry");
    expect(entries.map((e) => child(e, "category")?.attrs.term)).toEqual(["advisory.published", "integrity.alert", "release.vulnerable"]);
    for (const e of entries) {
      expect(child(e, "id")?.text).toMatch(/^urn:cpansec:event:evt_[0-9a-f]{32}$/);
      expect(child(e, "title")?.text.length).toBeGreaterThan(0);
      expect(child(e, "updated")?.text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(child(e, "content")?.attrs.type).toBe("text");
    }
    expect(child(entries[1] as never, "content")?.text).toContain("Reason: bad & <worse>");
    expect(childrenNamed(entries[2] as never, "link")[0]?.attrs.href).toBe("https://r.example.org/releases/DAVE/CGI-3.62.tar.gz/advisories.json");
  });

  it("keeps only public events, the newest 200, with ids and bytes stable across rebuilds", () => {
    const events = Array.from({ length: 250 }, (_, i) => (i % 5 === 0 ? makeEvent("release.processed", { time: at(i) }) : vulnerable("low", { time: at(i) })));
    const xml = renderAtom(events, opts);
    const entries = childrenNamed(parseXml(xml), "entry");
    expect(entries).toHaveLength(FEED_ENTRIES);
    const newest = feedEvents(events);
    expect(entries.map((e) => child(e, "id")?.text)).toEqual(newest.map((e) => entryId(e.id)));
    expect(newest.every((e) => e.type !== "release.processed")).toBe(true);
    expect(Date.parse(newest[0]?.time as string)).toBe(Date.parse(at(249)));
    expect(renderAtom([...events].reverse(), opts)).toBe(xml); // order of the store does not matter
    expect(child(parseXml(renderAtom([], opts)), "updated")?.text).toBe("2026-01-01T00:00:00Z");
  });

  it("shows characters XML cannot carry as code points, and never emits them", () => {
    const xml = renderAtom([makeEvent("integrity.alert", { detail: { reason: "nul\x00 bell\x07 ok" } })], opts);
    expect(xml.includes("\x00") || xml.includes("\x07")).toBe(false);
    expect(child(childrenNamed(parseXml(xml), "entry")[0] as never, "content")?.text).toContain("nul<U+0000> bell<U+0007> ok");
  });

  it("shows bidi controls and look-alikes from META in entry titles, and keeps the feed well-formed", () => {
    const xml = renderAtom([makeEvent("integrity.alert", { dist: "P\u0430yPal-API\u202Egpj", detail: { reason: "x" } })], opts);
    const title = child(childrenNamed(parseXml(xml), "entry")[0] as never, "title")?.text;
    expect(title).toMatch(/P<U\+0430>yPal-API<U\+202E>gpj/);
    expect(xml).not.toMatch(/[\u202E\u0430]/);
  });
});
