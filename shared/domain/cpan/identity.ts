/**
 * Who an upload is: the CPAN path says, as PAUSE indexes it (CPAN::DistnameInfo rules on the file
 * name). META is the uploader's claim: recorded, compared, never trusted for identity, so an upload
 * `Totally-Innocent-0.01.tar.gz` whose META says `name: Mojolicious` stays Totally-Innocent
 * (docs/decisions/0009-release-identity.md).
 */
import type { DistInfo } from "./distname";
import type { CpanMeta, MetaSource } from "./meta";
import { compareVersions } from "./version";

export type IdentitySource = MetaSource | "filename";

export interface Identity {
  readonly distribution?: string;
  /** For ordering and matching: the file's version without a `-TRIAL` suffix. */
  readonly version?: string;
  readonly source: IdentitySource;
  /** What META claims, and whether it agrees with the path (absent without usable META). */
  readonly metaIdentity?: { readonly name?: string; readonly version?: string; readonly agrees: boolean };
}

/** The file's version as the version.pm-comparable part: `1.23-TRIAL` and `1.23-TRIAL2` are 1.23. */
export const comparableVersion = (v: string) => v.replace(/-TRIAL\d*$/, "");

function sameVersion(a: string, b: string): boolean {
  try {
    return compareVersions(a, b) === 0;
  } catch {
    return a === b;
  }
}

export function releaseIdentity(info: DistInfo, read: { meta: CpanMeta; source: MetaSource } | undefined, problems: string[]): Identity {
  const meta = read?.meta;
  const metaName = meta?.name?.replace(/::/g, "-");
  const fileVersion = info.version !== undefined ? comparableVersion(info.version) : undefined;
  if (!info.dist) {
    // Not a CPAN archive name (a local file scanned by hand): PAUSE would not index it, and META
    // is all there is. Never the case in the pipeline, which only takes archive names.
    if (read) problems.push(`${info.filename} is not a CPAN archive name: identity from ${read.source}, as its author claims it`);
    return { distribution: metaName, version: meta?.version, source: read?.source ?? "filename" };
  }
  if (!meta) return { distribution: info.dist, version: fileVersion, source: "filename" };
  if (meta.name?.includes("::")) problems.push(`META name ${JSON.stringify(meta.name)} is a module name, not a distribution name`);
  const nameAgrees = metaName === undefined || metaName === info.dist;
  const versionAgrees = meta.version === undefined || fileVersion === undefined || sameVersion(meta.version, fileVersion);
  if (!nameAgrees)
    problems.push(
      `META name ${metaName} differs from the CPAN path's ${info.dist}: the release is ${info.dist}; META's name is recorded, never matched or notified on`,
    );
  if (!versionAgrees)
    problems.push(
      `META version ${meta.version} differs from the CPAN path's ${info.version}: the release is version ${info.version}; META's version is recorded, never matched on`,
    );
  // A file name without a version ("Foo.tar.gz"): META's version is used only when META is about
  // the same distribution; it cannot move the release to another name.
  const version = fileVersion ?? (nameAgrees && metaName !== undefined ? meta.version : undefined);
  if (fileVersion === undefined && version !== undefined) problems.push(`${info.filename} has no version: version ${version} from ${read?.source}`);
  return {
    distribution: info.dist,
    ...(version !== undefined ? { version } : {}),
    source: "filename",
    metaIdentity: {
      ...(meta.name !== undefined ? { name: meta.name } : {}),
      ...(meta.version !== undefined ? { version: meta.version } : {}),
      agrees: nameAgrees && versionAgrees,
    },
  };
}
