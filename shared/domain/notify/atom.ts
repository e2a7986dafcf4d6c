/**
 * The public Atom 1.0 feed (RFC 4287) of security-relevant events: the newest entries first, each
 * with a stable id (`urn:cpansec:event:<event id>`) so readers never see an entry twice. The feed's
 * `updated` is the newest entry's time (entries carry their text as `content`, so RFC 4287
 * needs no rel="alternate" link), so rebuilding from the same events gives the same bytes.
 */
import type { EventType, PipelineEvent } from "../../messages/events";
import { describeEvent } from "./describe";

export const PUBLIC_EVENT_TYPES: readonly EventType[] = ["release.vulnerable", "advisory.published", "patch.published", "integrity.alert"];
export const FEED_ENTRIES = 200;
/** Where the feed is published: the log bucket on AWS, `<data>/feeds/atom.xml` embedded. */
export const FEED_KEY = "feeds/atom.xml";

export interface FeedOptions {
  /** A stable feed id (an IRI): the same for every rebuild. */
  readonly id: string;
  readonly title: string;
  /** Where the feed itself is served (link rel="self"). */
  readonly selfUrl: string;
  readonly author: string;
  readonly link: (key: string) => string;
  /** The time when there are no entries yet (the feed must have an `updated`). */
  readonly epoch: string;
}

export function escapeXml(s: string): string {
  // XML 1.0 forbids most control characters even escaped: drop them.
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
  );
}

export const entryId = (eventId: string) => `urn:cpansec:event:${eventId}`;

/** The public events, newest first (ties by id, so the order is stable), at most `limit`. */
export function feedEvents(events: readonly PipelineEvent[], limit = FEED_ENTRIES): PipelineEvent[] {
  return events
    .filter((e) => PUBLIC_EVENT_TYPES.includes(e.type))
    .sort((a, b) => (a.time === b.time ? (a.id < b.id ? -1 : 1) : a.time < b.time ? 1 : -1))
    .slice(0, limit);
}

const rfc3339 = (t: string) => new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");

export function renderAtom(events: readonly PipelineEvent[], o: FeedOptions): string {
  const entries = feedEvents(events);
  const updated = rfc3339(entries[0]?.time ?? o.epoch);
  const x = escapeXml;
  const body = entries.map((e) => {
    const d = describeEvent(e);
    const links = d.links.map(([label, key]) => `    <link rel="related" title="${x(label)}" href="${x(o.link(key))}"/>`);
    return [
      "  <entry>",
      `    <id>${x(entryId(e.id))}</id>`,
      `    <title type="text">${x(d.title)}</title>`,
      `    <updated>${rfc3339(e.time)}</updated>`,
      `    <category term="${x(e.type)}"/>`,
      ...links,
      `    <content type="text">${x(d.lines.join("\n"))}</content>`,
      "  </entry>",
    ].join("\n");
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${x(o.id)}</id>`,
    `  <title type="text">${x(o.title)}</title>`,
    `  <updated>${updated}</updated>`,
    `  <author><name>${x(o.author)}</name></author>`,
    `  <link rel="self" type="application/atom+xml" href="${x(o.selfUrl)}"/>`,
    `  <generator>cpansec-pipeline</generator>`,
    ...body,
    "</feed>",
    "",
  ].join("\n");
}
