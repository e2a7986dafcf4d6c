/**
 * A release with security patches applied: the original archive read (under the archive limits,
 * never extracted), each patch applied in the order given with `-p1` inside the archive's top
 * directory, and a new reproducible archive written whose name says what was applied:
 * `<Dist>-<version>-PATCHED-<CVE>-r<N>[-<CVE>-r<N>...].tar.gz`, with a top directory of the same
 * name. Nothing is written unless every hunk of every patch applies.
 */
import { readArchive } from "../cpan/archive";
import { DEFAULT_LIMITS } from "../cpan/archive/limits";
import { type Release, describeRelease } from "../cpan/release";
import { PatchError } from "./errors";
import { patchedName } from "./layout";

export { patchedName };
import type { PatchRecord } from "./registry";
import { type PackEntry, packTarGz } from "./pack";
import { applyToTree } from "./tree";

export interface PatchedRelease {
  readonly original: Release;
  readonly fileName: string;
  readonly topDir: string;
  readonly bytes: Uint8Array;
  readonly patches: readonly PatchRecord[];
}

/** Every file's bytes are needed to rewrite the archive, up to the limit on one entry. */
const READ_LIMITS = { maxKeptFileBytes: DEFAULT_LIMITS.maxEntryBytes, maxTotalBytes: 256 * 2 ** 20 };

function topDirectory(paths: readonly string[]): string {
  const tops = new Set(paths.map((p) => p.split("/")[0]));
  const [top] = tops;
  if (tops.size !== 1 || !top || paths.some((p) => !p.includes("/")))
    throw new PatchError(
      "unsupported",
      `the archive has no single top directory (${[...tops].slice(0, 3).join(", ")}${tops.size > 3 ? ", ..." : ""}): patches apply inside Dist-version/`,
    );
  return top;
}

/** Whether a relative path climbs above its starting directory. */
function escapes(parts: readonly string[]): boolean {
  let depth = 0;
  for (const p of parts) if (p === ".." ? --depth < 0 : p !== "." && p !== "" && ++depth < 0) return true;
  return false;
}

/**
 * Links are carried over, but only ones that stay inside the distribution: the reader records
 * targets without following them, and the new archive must not be a way to smuggle one out.
 * A hard link names a path in the archive, so it moves with the renamed top directory.
 */
function linkTarget(type: "symlink" | "hardlink", rel: string, target: string, top: string, name: string): string {
  const refuse = () =>
    new PatchError("unsafe-path", `${top}/${rel} is a ${type} to ${JSON.stringify(target)}, outside the distribution: not carried into a patched archive`);
  if (target.startsWith("/")) throw refuse();
  if (type === "hardlink") {
    if (!target.startsWith(`${top}/`) || escapes(target.slice(top.length + 1).split("/"))) throw refuse();
    return `${name}/${target.slice(top.length + 1)}`;
  }
  if (escapes([...rel.split("/").slice(0, -1), ...target.split("/")])) throw refuse();
  return target;
}

export async function patchRelease(fileName: string, bytes: Uint8Array, patches: readonly PatchRecord[], mtime: Date): Promise<PatchedRelease> {
  if (!patches.length) throw new PatchError("malformed", "no patch to apply");
  const original = await describeRelease(fileName, bytes);
  if (original.error) throw new PatchError("unsupported", `${fileName}: ${original.error.message}`);
  const dist = original.distribution;
  const version = original.version;
  if (!dist || !version) throw new PatchError("mismatch", `${fileName}: cannot tell its distribution and version`);
  for (const p of patches) {
    if (p.dist !== dist || p.version !== version)
      throw new PatchError("mismatch", `${p.path} is for ${p.dist} ${p.version}; ${fileName} is ${dist} ${version}`);
  }
  const name = patchedName(dist, version, patches);
  const contents = await readArchive(bytes, { keep: () => true, limits: READ_LIMITS });
  const top = topDirectory(contents.entries.map((e) => e.path));
  const tree = new Map<string, string | undefined>();
  const links = new Map<string, PackEntry>();
  for (const e of contents.entries) {
    const rel = e.path.slice(top.length + 1);
    if (e.type === "file") tree.set(rel, Buffer.from(contents.files.get(e.path) as Uint8Array).toString("latin1"));
    else links.set(rel, { path: rel, type: e.type, target: linkTarget(e.type, rel, e.linkTarget ?? "", top, name) });
  }
  for (const p of patches) {
    for (const f of p.files) if (links.has(f)) throw new PatchError("unsupported", `${p.path}: ${f} is a link in ${fileName}; links are not patched`);
    const changes = applyToTree((path) => tree.get(path), p.parsed, p.path);
    for (const [path, text] of changes) tree.set(path, text);
  }
  const entries: PackEntry[] = [...links.values()].map((l) => ({ ...l, path: `${name}/${l.path}` }));
  for (const [path, text] of tree) if (text !== undefined) entries.push({ path: `${name}/${path}`, type: "file", bytes: Buffer.from(text, "latin1") });
  return { original, fileName: `${name}.tar.gz`, topDir: name, bytes: await packTarGz(entries, mtime), patches };
}
