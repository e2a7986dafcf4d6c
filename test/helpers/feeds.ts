// Advisory feeds for end-to-end tests, in the published shape: CGI's header-injection advisory
// (the demo mirror's DAVE/CGI-3.62 is affected), and one published later against Demo-Core.
const advisory = (id: string, distribution: string, affected: string, fixed: string[], severity: string, description: string, cves: string[] = []) => ({
  id,
  distribution,
  affected_versions: [affected],
  fixed_versions: fixed,
  cves,
  severity,
  description,
});

interface FeedDist {
  versions: { version: string }[];
  advisories: ReturnType<typeof advisory>[];
}

export function cgiFeed(versions: readonly string[] = ["3.50", "3.62", "3.63"]) {
  const dists: Record<string, FeedDist> = {
    CGI: {
      versions: versions.map((version) => ({ version })),
      advisories: [advisory("CPANSA-CGI-2012-5526", "CGI", "<3.63", [">=3.63"], "medium", "header injection", ["CVE-2012-5526"])],
    },
  };
  return { meta: { date: "test", commit: "test" }, module2dist: { CGI: "CGI" }, dists };
}

/** The same feed a day later: an advisory against Demo-Core 1.0 has been published. */
export function cgiFeedWithDemoCoreAdvisory() {
  const feed = cgiFeed();
  feed.dists["Demo-Core"] = {
    versions: [{ version: "1.0" }],
    advisories: [advisory("CPANSA-Demo-Core-2026-1", "Demo-Core", "<2.0", [], "high", "found later")],
  };
  return feed;
}
