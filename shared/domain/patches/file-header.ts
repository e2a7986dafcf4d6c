/** The lines that say which file a diff is for: `diff --git` with its extended headers, `---`/`+++`. */
import { PatchError } from "./errors";
import type { FilePatch } from "./model";
import { stripPath } from "./paths";

const GIT_OK = /^(index [0-9a-f]{7,64}\.\.[0-9a-f]{7,64}( 100644| 100755)?|new file mode 100(644|755)|deleted file mode 100(644|755))$/;
const GIT_UNSUPPORTED = /^(old mode|new mode|similarity index|dissimilarity index|rename from|rename to|copy from|copy to) /;

/** `diff --git a/X b/X` and its extended headers, up to the `---` line. */
export function readGitHeader(lines: readonly string[], i: number, name: string): { path: string; next: number } {
  const at = (n: number) => `${name}:${n + 1}`;
  const words = (lines[i] as string).split(" ");
  if (words.length !== 4) throw new PatchError("unsupported", `${at(i)}: ${JSON.stringify(lines[i])}: file names with spaces are not supported`);
  const a = stripPath(words[2] as string, at(i));
  const b = stripPath(words[3] as string, at(i));
  if (a !== b) throw new PatchError("unsupported", `${at(i)}: ${a} becomes ${b}: renames and copies are not applied`);
  for (let j = i + 1; j < lines.length; j++) {
    const line = lines[j] as string;
    if (line.startsWith("--- ") && lines[j + 1]?.startsWith("+++ ")) return { path: a, next: j };
    if (/^(GIT binary patch|Binary files .* differ)$/.test(line))
      throw new PatchError("binary", `${at(j)}: ${a} is a binary patch; only text diffs are applied`);
    if (GIT_UNSUPPORTED.test(line)) throw new PatchError("unsupported", `${at(j)}: ${JSON.stringify(line)}: renames, copies and mode changes are not applied`);
    if (!GIT_OK.test(line)) break;
  }
  throw new PatchError("unsupported", `${at(i)}: the diff for ${a} has no text hunks (a mode change or an empty file): not applied`);
}

/** The name in a `---`/`+++` line: up to a tab (a timestamp may follow), or /dev/null. */
function headerName(line: string): string {
  const rest = line.slice(4);
  const tab = rest.indexOf("\t");
  return tab >= 0 ? rest.slice(0, tab) : rest;
}

export function readFileHeader(lines: readonly string[], i: number, name: string, gitPath?: string): { path: string; kind: FilePatch["kind"] } {
  const at = `${name}:${i + 1}`;
  const oldName = headerName(lines[i] as string);
  const newName = headerName(lines[i + 1] as string);
  if (oldName === "/dev/null" && newName === "/dev/null") throw new PatchError("malformed", `${at}: both file names are /dev/null`);
  const oldPath = oldName === "/dev/null" ? undefined : stripPath(oldName, at);
  const newPath = newName === "/dev/null" ? undefined : stripPath(newName, `${name}:${i + 2}`);
  if (oldPath && newPath && oldPath !== newPath) throw new PatchError("unsupported", `${at}: ${oldPath} becomes ${newPath}: renames are not applied`);
  const path = (newPath ?? oldPath) as string;
  if (gitPath !== undefined && path !== gitPath) throw new PatchError("malformed", `${at}: the diff --git line names ${gitPath}, the ---/+++ lines ${path}`);
  return { path, kind: oldPath ? (newPath ? "modify" : "delete") : "create" };
}
