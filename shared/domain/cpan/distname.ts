/**
 * CPAN path rules: who uploaded a file and which distribution and version its name says it is.
 * A port of CPAN::DistnameInfo 0.12, extended to the archive types PAUSE accepts today
 * (.tar.xz, .tbz, .txz); test/unit/cpan/distname.test.ts compares it with the Perl module.
 */

export interface DistInfo {
  /** The path as given, with repeated slashes collapsed. */
  readonly pathname: string;
  /** File name below the author directory (may contain subdirectories). */
  readonly filename: string;
  /** PAUSE id from an `authors/id/A/AU/AUTHOR/` path, when the path has one. */
  readonly author?: string;
  /** File name without the archive extension, e.g. "Try-Tiny-0.31". */
  readonly distvname?: string;
  readonly extension?: string;
  readonly dist?: string;
  readonly version?: string;
  /** Developer release: `_` in the version, or -TRIAL. */
  readonly developer: boolean;
}

export const ARCHIVE_EXTENSION = /\.(tar\.(?:g?z|bz2|xz)|zip|tgz|tbz|txz)$/i;

/**
 * DistnameInfo's pattern, with its inner loop made unambiguous: Perl writes `[A-Za-z0-9]+` inside a
 * `*` and two underscore alternatives that can match the same `_`, which Perl's regex engine
 * survives but V8's backtracks over exponentially ("1" x 30 took seconds; found by fuzzing). One
 * character per step and mutually exclusive underscore cases accept exactly the same strings and
 * find the same match.
 */
const DIST_RE = /^((?:[-+.]*(?:[A-Za-z0-9]|(?<=\D)_|(?<!\D)_(?=\D))*(?:[A-Za-z](?=[^A-Za-z]|$)|\d(?=-))(?<![._-][vV]))+)(.*)$/s;

/** distname_info: splits "Foo-Bar-1.23" into ["Foo-Bar", "1.23", developer]. */
export function splitDistname(distvname: string): { dist: string; version?: string; developer: boolean } {
  const m = DIST_RE.exec(distvname);
  if (!m) return { dist: distvname, developer: false };
  let dist = m[1] as string;
  let version = m[2] as string;
  if (dist.endsWith("-undef") && version === "") dist = dist.slice(0, -6);
  version = version.replace(/-withoutworldwriteables$/, "");
  let v = /^(-[Vv].*)-(\d.*)/s.exec(version);
  if (v) {
    dist += v[1];
    version = v[2] as string;
  }
  v = /(.+_.*)-(\d.*)/s.exec(version);
  if (v) {
    dist += v[1];
    version = v[2] as string;
  }
  dist = dist.replace(/\.pm$/, "");
  if (version === "") {
    const t = /-(\d+\w)$/.exec(dist);
    if (t) {
      version = t[1] as string;
      dist = dist.slice(0, t.index);
    }
  }
  if (/^\d+$/.test(version)) {
    const t = /-(\w+)$/.exec(dist);
    if (t) {
      version = (t[1] as string) + version;
      dist = dist.slice(0, t.index);
    }
  }
  version = /\d\.\d/.test(version) ? version.replace(/^[-_.]+/, "") : version.replace(/^[-_]+/, "");
  if (version === "") return { dist, developer: false };
  let developer = false;
  const perl = /^perl-?\d+\.(\d+)(?:\D(\d+))?(-(?:TRIAL|RC)\d+)?$/.exec(distvname);
  if (perl) {
    const minor = Number(perl[1]);
    developer = (minor > 6 && (minor & 1) === 1) || Number(perl[2] ?? 0) >= 50 || perl[3] !== undefined;
  } else {
    developer = /\d\D\d+_\d/.test(version) || /-TRIAL/.test(version);
  }
  return { dist, version, developer };
}

/** CPAN::DistnameInfo->new($path), with the PAUSE id as `author`. */
export function parseCpanPath(path: string): DistInfo {
  const pathname = path.replace(/\/\/+/g, "/");
  let filename = pathname;
  let author: string | undefined;
  const a = /^(((.*?\/)?authors\/)?id\/)?([A-Z])\/(\4[A-Z])\/(\5[-A-Z0-9]*)\//.exec(pathname);
  if (a) {
    filename = pathname.slice(a[0].length);
    author = a[6];
  }
  const e = /([^/]+)\.(tar\.(?:g?z|bz2|xz)|zip|tgz|tbz|txz)$/i.exec(pathname);
  if (!e) return { pathname, filename, ...(author ? { author } : {}), developer: false };
  const distvname = e[1] as string;
  const { dist, version, developer } = splitDistname(distvname);
  return {
    pathname,
    filename,
    ...(author ? { author } : {}),
    distvname,
    extension: e[2] as string,
    dist,
    ...(version !== undefined ? { version } : {}),
    developer,
  };
}

/** The canonical CPAN path of an upload: `authors/id/E/ET/ETHER/<filename>`. */
export function authorPath(author: string, filename: string): string {
  if (!/^[A-Z][-A-Z0-9]*$/.test(author)) throw new Error(`not a PAUSE id: ${JSON.stringify(author)}`);
  const two = author.length > 1 ? author.slice(0, 2) : author;
  return `authors/id/${author[0]}/${two}/${author}/${filename}`;
}
