/**
 * A parsed patch applied to a set of files (an archive's tree, inside its top directory): every
 * file it names must be there (or, for a new file, must not be), every hunk must apply, and
 * nothing is changed unless all of it does.
 */
import { applyFilePatch } from "./apply";
import { PatchError } from "./errors";
import type { ParsedPatch } from "./model";

/** Text is latin1 (one char per byte). undefined = the file does not exist (or is deleted). */
export type TreeRead = (path: string) => string | undefined;

export function applyToTree(read: TreeRead, patch: ParsedPatch, name: string): Map<string, string | undefined> {
  const changes = new Map<string, string | undefined>();
  for (const f of patch.files) {
    const before = read(f.path);
    if (f.kind === "create") {
      if (before !== undefined) throw new PatchError("does-not-apply", `${name}: creates ${f.path}, which already exists`);
      changes.set(f.path, applyFilePatch("", f));
      continue;
    }
    if (before === undefined) throw new PatchError("does-not-apply", `${name}: patches ${f.path}, which is not a file in the archive`);
    const after = wrap(name, () => applyFilePatch(before, f));
    if (f.kind === "delete" && after !== "") throw new PatchError("does-not-apply", `${name}: deletes ${f.path}, but the file has more than the patch removes`);
    changes.set(f.path, f.kind === "delete" ? undefined : after);
  }
  return changes;
}

function wrap<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof PatchError) throw new PatchError(e.code, `${name}: ${e.message}`, { cause: e });
    throw e;
  }
}
