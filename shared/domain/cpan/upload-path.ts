/**
 * The shape of paths read from a mirror. An upload is exactly `authors/id/X/XY/XYZ/<file>`: the two
 * directories spell the start of the PAUSE id, the file is one name (no subdirectory), so
 * AUTHOR/file is the release id and the object keys built from it never nest. Anything else under
 * authors/id/ that looks like an archive is refused with a reason, never guessed at.
 */
import { ARCHIVE_EXTENSION, parseCpanPath } from "./distname";

export type UploadPath = { readonly ok: true; readonly author: string; readonly filename: string } | { readonly ok: false; readonly reason: string };

/** One file name: printable ASCII without separators, escapes or shell/URL metacharacters. */
export const FILE_NAME = /^[A-Za-z0-9_+~=@,-][A-Za-z0-9._+~=@,-]*$/;
export const PAUSE_ID = /^[A-Z][-A-Z0-9]{1,15}$/;
const SHAPE = /^authors\/id\/([^/]*)\/([^/]*)\/([^/]*)\/(.*)$/s;

/** undefined: not an upload at all (not under authors/id/, or not an archive by its name). */
export function parseUploadPath(path: string): UploadPath | undefined {
  if (!path.startsWith("authors/id/") || !ARCHIVE_EXTENSION.test(path)) return undefined;
  const m = SHAPE.exec(path);
  if (!m) return { ok: false, reason: "not authors/id/X/XY/AUTHOR/<file>" };
  const [, one, two, author, filename] = m as unknown as [string, string, string, string, string];
  if (!PAUSE_ID.test(author)) return { ok: false, reason: `${JSON.stringify(author)} is not a PAUSE id` };
  if (one !== author.slice(0, 1) || two !== author.slice(0, 2))
    return { ok: false, reason: `the directories ${JSON.stringify(`${one}/${two}`)} do not match the PAUSE id ${author}` };
  if (filename.includes("/")) return { ok: false, reason: "a file below a subdirectory of the author's directory" };
  if (!FILE_NAME.test(filename)) return { ok: false, reason: `the file name ${JSON.stringify(filename)} has characters a CPAN file name does not` };
  // Identity comes from the file name: one that names no distribution (`-undef.tar.gz`) would leave
  // META's claim as the only name, which is the impersonation the path rule exists to stop.
  if (!parseCpanPath(filename).dist) return { ok: false, reason: `the file name ${JSON.stringify(filename)} names no distribution` };
  return { ok: true, author, filename };
}

/** Distribution archives under authors/id/, in the exact shape above. */
export function isUploadPath(path: string): boolean {
  return parseUploadPath(path)?.ok === true;
}

/** `authors/id/X/XY/XYZ/CHECKSUMS`: the PAUSE id whose CHECKSUMS this is, else undefined. */
export function checksumsAuthor(path: string): string | undefined {
  const m = /^authors\/id\/([A-Z])\/([A-Z][-A-Z0-9])\/([A-Z][-A-Z0-9]{1,15})\/CHECKSUMS$/.exec(path);
  return m && m[1] === m[3]?.slice(0, 1) && m[2] === m[3]?.slice(0, 2) ? m[3] : undefined;
}

/**
 * Why a relative path below a mirror's root must not be fetched, or undefined when it may be:
 * segments of file-name characters only, none empty, `.` or `..`, no `%` (an escaped `%2e%2e` is
 * `..` to a URL parser), no backslash, query or fragment. Checked before anything is fetched.
 */
export function mirrorPathProblem(path: string): string | undefined {
  for (const s of path.split("/")) {
    if (s === "" || s === "." || s === ".." || !/^[A-Za-z0-9._+~=@,-]+$/.test(s))
      return `refusing mirror path ${JSON.stringify(path)}: segment ${JSON.stringify(s)}`;
  }
  return undefined;
}
