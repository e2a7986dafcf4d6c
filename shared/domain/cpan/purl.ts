/**
 * Package URLs for CPAN (purl-spec cpan type): `pkg:cpan/<Dist>@<version>?author=<PAUSEID>`.
 * The name is always a distribution, never a module (`::` is refused); the older namespaced form
 * `pkg:cpan/AUTHOR/Dist@version` is accepted on input and read as the author.
 */
import { PackageURL } from "packageurl-js";

export class InvalidPurlError extends Error {
  override readonly name = "InvalidPurlError";
}

export interface CpanPurl {
  readonly dist: string;
  readonly version?: string;
  readonly author?: string;
  /** Other qualifiers (repository_url, download_url, ...), as given. */
  readonly qualifiers?: Readonly<Record<string, string>>;
}

function checkName(dist: string): void {
  if (!dist || dist.includes("::")) throw new InvalidPurlError(`a cpan purl names a distribution, not a module: ${JSON.stringify(dist)}`);
}

export function buildCpanPurl(p: CpanPurl): string {
  checkName(p.dist);
  const qualifiers = { ...(p.author ? { author: p.author } : {}), ...p.qualifiers };
  return new PackageURL("cpan", undefined, p.dist, p.version, Object.keys(qualifiers).length ? qualifiers : undefined, undefined).toString();
}

export function parseCpanPurl(s: string): CpanPurl {
  let u: PackageURL;
  try {
    u = PackageURL.fromString(s);
  } catch (e) {
    throw new InvalidPurlError(`not a package URL: ${JSON.stringify(s)} (${(e as Error).message})`, { cause: e });
  }
  if (u.type !== "cpan") throw new InvalidPurlError(`not a cpan purl: ${JSON.stringify(s)}`);
  checkName(u.name);
  if (u.namespace?.includes("::")) throw new InvalidPurlError(`a cpan purl namespace is a PAUSE id: ${JSON.stringify(s)}`);
  const { author, ...rest } = (u.qualifiers ?? {}) as Record<string, string>;
  const who = author ?? u.namespace ?? undefined;
  return {
    dist: u.name,
    ...(u.version ? { version: u.version } : {}),
    ...(who ? { author: who } : {}),
    ...(Object.keys(rest).length ? { qualifiers: rest } : {}),
  };
}

/** What tells one upload from every other: the CPAN path's name, version and extension, and author. */
export interface UploadName {
  readonly dist: string;
  /** As the file name gives it (`1.23-TRIAL`), so a trial and its release differ. */
  readonly version?: string;
  readonly extension?: string;
  readonly author?: string;
  /** The file name below the author directory (may hold a subdirectory). */
  readonly filename: string;
  /** `authors/id/A/AU/AUTHOR/<filename>`, when the author is known. */
  readonly cpanPath?: string;
}

/**
 * The purl of one upload (docs/decisions/0009-release-identity.md): `ext` unless the archive is
 * .tar.gz (the type's default), the version exactly as the file name spells it, and `distpath`
 * whenever name, version and ext do not spell the file name back (a subdirectory, PAUSE's
 * `-withoutworldwriteables` copies, odd separators), so that two uploads never share a purl.
 */
export function uploadPurl(u: UploadName): string {
  const ext = u.extension && u.extension !== "tar.gz" ? u.extension : undefined;
  const spelled = u.version !== undefined && u.extension !== undefined && `${u.dist}-${u.version}.${u.extension}` === u.filename;
  const qualifiers = { ...(ext ? { ext } : {}), ...(!spelled && u.cpanPath ? { distpath: u.cpanPath } : {}) };
  return buildCpanPurl({
    dist: u.dist,
    ...(u.version !== undefined ? { version: u.version } : {}),
    ...(u.author ? { author: u.author } : {}),
    ...(Object.keys(qualifiers).length ? { qualifiers } : {}),
  });
}
