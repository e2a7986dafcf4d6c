import { PatchError } from "./errors";

/**
 * A file name from a `---`/`+++` header, made into a path inside the distribution's top directory
 * the way `patch -p1` does (drop the first component, `a/` or `b/`), and refused when it could
 * leave that directory or be read two ways. GNU patch would turn `/etc/passwd` into `etc/passwd`
 * under -p1; here an absolute name is refused outright: a patch that says it is one is suspect.
 */
export function stripPath(raw: string, where: string): string {
  const bad = (why: string) => new PatchError("unsafe-path", `${where}: file name ${JSON.stringify(raw)} ${why}`);
  if (raw.startsWith('"')) throw new PatchError("unsupported", `${where}: quoted file name ${raw} (a name with special characters) is not supported`);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f\\]/.test(raw)) throw bad("has a control character or a backslash");
  if (/\s/.test(raw)) throw new PatchError("unsupported", `${where}: file name ${JSON.stringify(raw)} has white space`);
  if (raw.startsWith("/")) throw bad("is absolute");
  const parts = raw.split("/");
  if (parts.some((p) => p === "..")) throw bad("has a '..' component");
  const rest = parts.slice(1);
  if (!rest.length) throw bad("has no path after its first component (patch -p1)");
  if (rest.some((p) => p === "" || p === ".")) throw bad("has an empty or '.' component");
  return rest.join("/");
}
