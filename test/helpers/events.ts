// Event and subscription factories for the notification tests.
import { type EventType, type PipelineEvent, eventId } from "../../shared/messages/events";
import type { Filter, Subscription, Target } from "../../shared/domain/notify/subscription";

let n = 0;

export function makeEvent(
  type: EventType,
  o: { dist?: string; version?: string; author?: string; time?: string; detail?: Record<string, unknown>; links?: Record<string, string>; about?: string } = {},
): PipelineEvent {
  const author = o.author ?? "DAVE";
  const dist = o.dist ?? "CGI";
  const version = o.version ?? "3.62";
  const filename = `${dist}-${version}.tar.gz`;
  const id = `${author}/${filename}`;
  return {
    v: 1,
    id: eventId(type, o.about ?? `${id}\n${++n}`),
    type,
    time: o.time ?? "2026-11-01T12:00:00.000Z",
    release: { id, path: `authors/id/${author[0]}/${author.slice(0, 2)}/${author}/${filename}`, author, distribution: dist, version },
    ...(o.links ? { links: o.links } : {}),
    ...(o.detail ? { detail: o.detail } : {}),
  };
}

export const vulnerable = (severity: string | null, o: Parameters<typeof makeEvent>[1] = {}) =>
  makeEvent("release.vulnerable", {
    detail: { advisories: [{ id: "CPANSA-CGI-2012-5526", kind: "self", severity, cves: ["CVE-2012-5526"] }] },
    links: { advisories: "releases/DAVE/CGI-3.62.tar.gz/advisories.json" },
    ...o,
  });

export function makeSubscription(target: Target, filter: Partial<Filter> = {}, o: { id?: string; createdAt?: string } = {}): Subscription {
  return {
    id: o.id ?? `sub_${(++n).toString(16).padStart(16, "0")}`,
    createdAt: o.createdAt ?? "2026-01-01T00:00:00.000Z",
    target,
    filter: { distributions: [], authors: [], events: [], ...filter },
  };
}

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
