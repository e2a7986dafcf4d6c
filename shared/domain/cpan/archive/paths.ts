import { ArchiveError } from "./errors";

/**
 * The safe, normalised form of an entry name, or an ArchiveError for names that could escape the
 * archive root when extracted by anyone: absolute paths, drive letters, `..` segments, NUL bytes.
 * Backslashes count as separators, as Windows extractors treat them.
 */
export function safeEntryPath(raw: string): string {
  if (raw.includes("\0")) throw new ArchiveError("unsafe-path", `entry name contains a NUL byte: ${JSON.stringify(raw)}`, raw);
  const name = raw.replace(/\\/g, "/");
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) throw new ArchiveError("unsafe-path", `absolute path in archive: ${JSON.stringify(raw)}`, raw);
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new ArchiveError("unsafe-path", `path traversal ("..") in archive: ${JSON.stringify(raw)}`, raw);
  return parts.join("/");
}

/**
 * Whether a link's target lies outside the archive once extracted: absolute, or climbing above the
 * root. A symlink's target is relative to its own directory; a hard link's to the archive root.
 */
export function escapesRoot(linkPath: string, target: string, type: "symlink" | "hardlink"): boolean {
  const t = target.replace(/\\/g, "/");
  if (t.startsWith("/") || /^[A-Za-z]:/.test(t)) return true;
  let depth = type === "symlink" ? linkPath.split("/").length - 1 : 0;
  for (const part of t.split("/")) {
    if (part === "" || part === ".") continue;
    depth += part === ".." ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}
