/**
 * What an event says in words, for email and the Atom feed. Plain text: the renderers escape it
 * for their format. Distribution names, reasons and advisory ids come from uploads and the feed,
 * so they are untrusted here: every one passes through text/display.ts (identifiers as printable
 * ASCII, free text without hidden characters or look-alikes, each on one line); the event itself,
 * and so the webhook body, keeps the raw values.
 */
import type { PipelineEvent } from "../../messages/events";
import { displayIdentifier, displayText } from "../text/display";
import { eventDistribution, eventSeverity } from "./match";

/** An event, or the test event `cpansec subscribe test` sends. */
export type NotificationEvent = Omit<PipelineEvent, "type"> & { readonly type: PipelineEvent["type"] | "subscription.test" };

export interface Described {
  readonly title: string;
  readonly lines: readonly string[];
  /** [label, key] of each result the event links to. */
  readonly links: ReadonlyArray<readonly [string, string]>;
}

const LABELS: Record<string, string> = {
  release: "release record",
  sbomCycloneDx: "CycloneDX SBOM",
  sbomSpdx: "SPDX SBOM",
  advisories: "advisory findings",
  vex: "VEX (CycloneDX)",
  osv: "OSV record",
  log: "transparency log entry",
  logProof: "log inclusion proof (tlog-proof)",
};

const raw = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));
/** An identifier as shown (names, versions, ids, paths, CVEs, kinds). */
const str = (v: unknown) => displayIdentifier(raw(v));
/** Free text as shown (reasons, messages). */
const text = (v: unknown) => displayText(raw(v));

export function releaseName(e: NotificationEvent): string {
  const r = e.release;
  if (!r) return "(no release)";
  const dist = eventDistribution(e as PipelineEvent);
  return dist ? `${str(dist)}${r.version ? ` ${str(r.version)}` : ""} by ${str(r.author)}` : str(r.id);
}

export function describeEvent(e: NotificationEvent): Described {
  const name = releaseName(e);
  const d = e.detail ?? {};
  const lines: string[] = [];
  let title: string;
  switch (e.type) {
    case "release.processed":
      title = d.state === "failed" ? `${name} could not be processed` : `${name} was processed`;
      if (d.failure && typeof d.failure === "object") lines.push(`Reason: ${text((d.failure as { reason?: unknown }).reason)}`);
      break;
    case "release.vulnerable": {
      const list = Array.isArray(d.advisories) ? (d.advisories as Record<string, unknown>[]) : [];
      title = `${name} is affected by ${list.map((a) => str(a.id)).join(", ") || "a known advisory"}`;
      for (const a of list)
        lines.push(
          `${str(a.id)} (${str(a.kind)}, severity ${str(a.severity) || "unrated"})${Array.isArray(a.cves) && a.cves.length ? `: ${a.cves.map(str).join(", ")}` : ""}`,
        );
      // One line per prerequisite finding (a distribution, or perl itself), as the scan prints them.
      const deps = Array.isArray(d.dependencies) ? (d.dependencies as Record<string, unknown>[]) : [];
      for (const p of deps.slice(0, 20)) {
        const ids = Array.isArray(p.advisories) ? p.advisories.map(str) : [];
        lines.push(
          `${p.kind === "interpreter" ? "Interpreter perl" : `Dependency ${str(p.distribution)}`} (severity ${str(p.severity) || "unrated"}): ${ids.length} advisor${ids.length === 1 ? "y" : "ies"} (${ids.slice(0, 4).join(", ")}${ids.length > 4 ? ", ..." : ""}); ${str(p.advice)}`,
        );
      }
      if (deps.length > 20) lines.push(`and ${deps.length - 20} more prerequisite findings (see the advisory findings)`);
      break;
    }
    case "advisory.published":
      title = `New advisory ${str(d.advisory)} affects ${name}`;
      lines.push(
        `${str(d.advisory)} (${str(d.kind)}, severity ${str(d.severity) || "unrated"})${Array.isArray(d.cves) && d.cves.length ? `: ${d.cves.map(str).join(", ")}` : ""}`,
      );
      break;
    case "patch.published": {
      const p = (d.patch && typeof d.patch === "object" ? d.patch : {}) as Record<string, unknown>;
      const list = Array.isArray(d.advisories) ? (d.advisories as Record<string, unknown>[]) : [];
      title = `A patch for ${str(p.cve)} in ${name} is published`;
      lines.push(`Patch: ${str(p.path)} (revision ${str(p.revision)}), sha256 ${str(p.sha256)}`);
      lines.push(`Download: ${str(p.url)}`);
      if (p.patched) lines.push(`Patched archive: ${str(p.patched)}`);
      for (const a of list) lines.push(`Resolves ${str(p.cve)} of ${str(a.id)} (${str(a.kind)}, severity ${str(a.severity) || "unrated"})`);
      lines.push("Check the patch's sha256 before applying it: cpansec patch apply ARCHIVE PATCH --out DIR");
      break;
    }
    case "integrity.alert":
      title = `Integrity alert for ${e.release ? str(e.release.path) : name}`;
      lines.push(`Reason: ${text(d.reason)}`);
      break;
    case "subscription.test":
      title = "Test notification from cpansec";
      lines.push(text(d.message) || "This is a test: the subscription works.");
      break;
  }
  if (e.release) lines.push(`Upload: ${str(e.release.path)}`);
  if (e.type !== "subscription.test") {
    const sev = eventSeverity(e as PipelineEvent);
    if (sev !== "none") lines.push(`Severity: ${sev}`);
  }
  lines.push(`Event: ${e.type} ${str(e.id)} at ${str(e.time)}`);
  const links = Object.entries(e.links ?? {}).map(([k, v]) => [LABELS[k] ?? str(k), v] as const);
  return { title, lines, links };
}
