/**
 * The deployment's settings, read from CDK context (`-c key=value` on the command line, or the
 * "context" object of cdk.json) and validated before anything is built: a bad value stops the
 * synth with a message naming the key, never a half-configured stack.
 */
import { DEFAULT_FEED_URL } from "../shared/domain/advisories/feed";

export interface StageConfig {
  /** Names the stack (`cpansec-<stageName>`); lower-case letters, digits and dashes. */
  readonly stageName: string;
  /** The CPAN mirror watched for uploads and fetched from (ends with `/`). */
  readonly mirrorUrl: string;
  /** The CPAN security advisory feed (JSON). */
  readonly feedUrl: string;
  /**
   * CPANSec's patch site (https://security.metacpan.org/patches/), or `bucket`: the patches the
   * operator syncs into the artifacts bucket's patch-source/; none: findings name no patches.
   */
  readonly patchesUrl?: string;
  /**
   * The transparency log's origin line (C2SP tlog-checkpoint: a schema-less URL). Undefined: the
   * log bucket's regional domain name, which is where the log is served from.
   */
  readonly logOrigin?: string;
  /** Where alarm notifications are emailed (an SNS email subscription); none when undefined. */
  readonly alarmEmail?: string;
  /** The SES identity (an email address or a domain) notifications are sent from; email off when undefined. */
  readonly sesIdentity?: string;
}

/** The context keys, for documentation and for the error messages. */
/** The stage setting `patchesUrl` that means the artifacts bucket's patch-source/ prefix. */
export const PATCHES_IN_BUCKET = "bucket";

export const CONTEXT_KEYS = ["stageName", "mirrorUrl", "feedUrl", "patchesUrl", "logOrigin", "alarmEmail", "sesIdentity"] as const;

export const DEFAULTS = {
  stageName: "dev",
  mirrorUrl: "https://www.cpan.org/",
  feedUrl: DEFAULT_FEED_URL,
} as const;

export class StageConfigError extends Error {
  override readonly name = "StageConfigError";
}

type Lookup = (key: string) => unknown;

/** Reads and validates the stage configuration; `lookup` is `node.tryGetContext`. */
export function readStageConfig(lookup: Lookup): StageConfig {
  const problems: string[] = [];
  const text = (key: (typeof CONTEXT_KEYS)[number]): string | undefined => {
    const v = lookup(key);
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") {
      problems.push(`${key}: expected a string, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v.trim();
  };
  const check = (key: string, value: string | undefined, ok: (v: string) => boolean, want: string) => {
    if (value !== undefined && !ok(value)) problems.push(`${key}: ${JSON.stringify(value)} is not ${want}`);
    return value;
  };

  const stageName = check(
    "stageName",
    text("stageName") ?? DEFAULTS.stageName,
    (v) => /^[a-z][a-z0-9-]{0,23}$/.test(v),
    "lower-case letters, digits and dashes (at most 24, starting with a letter)",
  );
  const mirror = check("mirrorUrl", text("mirrorUrl") ?? DEFAULTS.mirrorUrl, (v) => isUrl(v, ["https:", "http:"]), "an http(s) URL");
  const feedUrl = check("feedUrl", text("feedUrl") ?? DEFAULTS.feedUrl, (v) => isUrl(v, ["https:"]), "an https URL");
  const patchesUrl = check(
    "patchesUrl",
    text("patchesUrl"),
    (v) => v === PATCHES_IN_BUCKET || isUrl(v, ["https:"]),
    `an https URL or \`${PATCHES_IN_BUCKET}\``,
  );
  const logOrigin = check(
    "logOrigin",
    text("logOrigin"),
    (v) => /^[^\s+]+$/.test(v) && !v.includes("://") && v.length <= 255,
    "a schema-less URL without spaces or '+' (e.g. cpansec.example.org/log)",
  );
  const alarmEmail = check("alarmEmail", text("alarmEmail"), isEmail, "an email address");
  const sesIdentity = check("sesIdentity", text("sesIdentity"), (v) => isEmail(v) || isDomain(v), "an email address or a domain name");

  if (problems.length > 0) {
    throw new StageConfigError(`invalid CDK context (set with -c key=value or in cdk.json "context"):\n  ${problems.join("\n  ")}`);
  }
  return {
    stageName: stageName as string,
    // The handlers join paths onto the mirror URL: one trailing slash, always.
    mirrorUrl: (mirror as string).replace(/\/*$/, "/"),
    feedUrl: feedUrl as string,
    ...(patchesUrl ? { patchesUrl } : {}),
    ...(logOrigin ? { logOrigin } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(sesIdentity ? { sesIdentity } : {}),
  };
}

function isUrl(v: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(v).protocol);
  } catch {
    return false;
  }
}

const isEmail = (v: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);
const isDomain = (v: string) => /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(v);
