// The stage configuration read from CDK context: defaults, normalisation, and one clear error
// naming every bad key.
import { describe, expect, it } from "vitest";
import { DEFAULTS, readStageConfig, StageConfigError } from "../../infra/stage-config";

const read = (ctx: Record<string, unknown>) => readStageConfig((k) => ctx[k]);

describe("readStageConfig", () => {
  it("has documented defaults and leaves optional settings out", () => {
    expect(read({})).toEqual({ stageName: "dev", mirrorUrl: "https://www.cpan.org/", feedUrl: DEFAULTS.feedUrl });
    expect(DEFAULTS.feedUrl).toBe("https://github.com/briandfoy/cpan-security-advisory/releases/latest/download/cpan-security-advisory.json");
  });

  it("takes every key, trims, and gives the mirror URL one trailing slash", () => {
    const c = read({
      stageName: "prod",
      mirrorUrl: " https://cpan.metacpan.org// ",
      feedUrl: "https://example.org/feed.json",
      logOrigin: "log.cpansec.example.org",
      alarmEmail: "ops@example.org",
      sesIdentity: "example.org",
    });
    expect(c).toEqual({
      stageName: "prod",
      mirrorUrl: "https://cpan.metacpan.org/",
      feedUrl: "https://example.org/feed.json",
      logOrigin: "log.cpansec.example.org",
      alarmEmail: "ops@example.org",
      sesIdentity: "example.org",
    });
    expect(read({ mirrorUrl: "http://127.0.0.1:8080/cpan" }).mirrorUrl).toBe("http://127.0.0.1:8080/cpan/");
    expect(read({ alarmEmail: "" })).not.toHaveProperty("alarmEmail");
  });

  it.each([
    [{ stageName: "Prod" }, "stageName"],
    [{ stageName: "a".repeat(25) }, "stageName"],
    [{ mirrorUrl: "ftp://ftp.cpan.org/" }, "mirrorUrl"],
    [{ feedUrl: "http://example.org/feed.json" }, "feedUrl"],
    [{ feedUrl: "not a url" }, "feedUrl"],
    [{ logOrigin: "https://example.org/log" }, "logOrigin"],
    [{ logOrigin: "example.org/log+1" }, "logOrigin"],
    [{ logOrigin: "example.org/my log" }, "logOrigin"],
    [{ alarmEmail: "ops" }, "alarmEmail"],
    [{ sesIdentity: "not an identity" }, "sesIdentity"],
    [{ mirrorUrl: 42 }, "mirrorUrl"],
    [{ patchesUrl: "http://security.example/patches/" }, "patchesUrl"],
    [{ patchesUrl: "s3://some-bucket/patch-source/" }, "patchesUrl"],
  ])("rejects %j, naming %s", (ctx, key) => {
    expect(() => read(ctx)).toThrow(StageConfigError);
    expect(() => read(ctx)).toThrow(new RegExp(`\\b${key}:`));
  });

  it("takes the patch site's https URL, or `bucket` for the artifacts bucket's patch-source/", () => {
    expect(read({ patchesUrl: "https://security.metacpan.org/patches/" }).patchesUrl).toBe("https://security.metacpan.org/patches/");
    expect(read({ patchesUrl: "bucket" }).patchesUrl).toBe("bucket");
  });

  it("reports every bad key at once", () => {
    expect(() => read({ stageName: "X", alarmEmail: "nope" })).toThrow(/stageName:.*\n.*alarmEmail:/s);
  });
});
