/**
 * Which subscriptions an event goes to. Pure: the notify use case lists subscriptions and asks.
 *
 * Severity (docs/notifications.md): release.vulnerable, advisory.published and patch.published
 * carry the highest normalised severity of their advisories (shared/domain/advisories/feed.ts: low < medium < high <
 * critical); an advisory the feed leaves unrated passes every minimum (unknown is not known to be
 * harmless); integrity.alert counts as critical; release.processed has no severity, so a
 * subscription with a minimum never receives it.
 */
import { parseCpanPath } from "../cpan/distname";
import type { Severity } from "../advisories/feed";
import type { EventType, PipelineEvent } from "../../messages/events";
import { SEVERITIES, type Subscription } from "./subscription";

export type EventSeverity = Severity | "unrated" | "none";

/** `*` any run of characters, `?` one character; everything else literal; whole-name match. */
export function globMatch(glob: string, name: string): boolean {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "s").test(name);
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

function highest(values: readonly unknown[]): EventSeverity {
  let best: Severity | undefined;
  let unrated = false;
  for (const v of values) {
    if (typeof v === "string" && (SEVERITIES as readonly string[]).includes(v)) {
      if (!best || rank(v as Severity) > rank(best)) best = v as Severity;
    } else unrated = true;
  }
  // One unrated advisory among rated ones could be the worst of them: it passes any minimum.
  return unrated ? "unrated" : (best ?? "unrated");
}

export function eventSeverity(e: Pick<PipelineEvent, "type" | "detail">): EventSeverity {
  switch (e.type) {
    case "integrity.alert":
      return "critical";
    case "release.processed":
      return "none";
    case "advisory.published":
      return highest([e.detail?.severity]);
    case "release.vulnerable":
    case "patch.published": {
      const list = Array.isArray(e.detail?.advisories) ? (e.detail.advisories as { severity?: unknown }[]) : [];
      return list.length ? highest(list.map((a) => a.severity)) : "unrated";
    }
  }
}

/**
 * The distribution an event is about: the CPAN path's, as PAUSE indexes it. Never META's name,
 * which the uploader writes: an upload `Totally-Innocent-0.01.tar.gz` claiming `name: Mojolicious`
 * must not reach `--dist Mojolicious` (docs/decisions/0009-release-identity.md).
 */
export function eventDistribution(e: Pick<PipelineEvent, "release">): string | undefined {
  if (!e.release) return undefined;
  return parseCpanPath(e.release.path).dist ?? e.release.distribution;
}

export function matches(s: Subscription, e: PipelineEvent): boolean {
  if (s.disabled) return false;
  // A subscription receives what happens after it was made, not the backlog before it.
  if (Date.parse(e.time) < Date.parse(s.createdAt)) return false;
  const f = s.filter;
  if (f.events.length && !f.events.includes(e.type as EventType)) return false;
  if (f.authors.length) {
    const author = e.release?.author.toUpperCase();
    if (!author || !f.authors.some((a) => a.toUpperCase() === author)) return false;
  }
  if (f.distributions.length) {
    const dist = eventDistribution(e);
    if (!dist || !f.distributions.some((g) => globMatch(g, dist))) return false;
  }
  if (f.minSeverity) {
    const sev = eventSeverity(e);
    if (sev === "none") return false;
    if (sev !== "unrated" && rank(sev) < rank(f.minSeverity)) return false;
  }
  return true;
}
