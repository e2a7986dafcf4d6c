// GNU patch as the reference for the applier: pre-images built from a patch's own lines, and a run
// of /usr/bin/patch (-p1 --no-backup-if-mismatch -F0) in a scratch directory.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { FilePatch } from "../../shared/domain/patches/model";

/** Why GNU patch cannot be the reference here, or null. */
export function gnuPatchMissing(): string | null {
  const r = spawnSync("patch", ["--version"], { encoding: "utf8" });
  if (r.error) return "patch is not installed";
  return /GNU patch/.test(r.stdout) ? null : `patch is not GNU patch: ${r.stdout.split("\n")[0]}`;
}

/**
 * The file a hunk list was made from, as far as the patch shows it: each hunk's context and '-'
 * lines at its old line number, unique filler lines elsewhere, `lead` extra filler lines first
 * (so every hunk applies at an offset) and `gap` more between hunks. latin1, one char per byte.
 */
export function preImage(f: FilePatch, lead = 0, gap = 0): string {
  const out: string[] = [];
  let n = 1;
  const fill = () => out.push(`cpansec pre-image filler ${out.length + 1}\n`);
  if (!startAnchored(f)) for (let k = 0; k < lead; k++) fill();
  f.hunks.forEach((h, i) => {
    if (i > 0) for (let k = 0; k < gap; k++) fill();
    const start = h.oldCount === 0 ? h.oldStart + 1 : h.oldStart;
    for (; n < start; n++) fill();
    for (const l of h.lines) {
      if (l.op === "+") continue;
      out.push(l.eol ? `${l.text}\n` : l.text);
      n++;
    }
  });
  const last = f.hunks[f.hunks.length - 1];
  const changes = last ? last.lines.map((l) => l.op !== " ") : [];
  const atEnd = last && last.lines.length - 1 - changes.lastIndexOf(true) < changes.indexOf(true);
  if (!atEnd && !last?.lines.some((l) => !l.eol && l.op !== "+")) fill();
  return out.join("");
}

/** A first hunk at line 1 with less leading than trailing context: GNU patch only tries line 1. */
export function startAnchored(f: FilePatch): boolean {
  const h = f.hunks[0];
  if (!h || h.oldStart > 1) return false;
  const changes = h.lines.map((l) => l.op !== " ");
  return changes.indexOf(true) < h.lines.length - 1 - changes.lastIndexOf(true);
}

export interface GnuResult {
  readonly status: number;
  readonly output: string;
  /** Each path's content after the run (undefined: no such file). */
  readonly files: Map<string, string | undefined>;
}

/** Writes `files` (latin1) into a scratch tree, runs GNU patch on `patch`, reads `paths` back. */
export function runGnuPatch(files: Map<string, string>, patch: Uint8Array, paths: readonly string[], extra: string[] = []): GnuResult {
  const dir = mkdtempSync(join(tmpdir(), "cpansec-gnu-patch-"));
  try {
    for (const [p, text] of files) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), Buffer.from(text, "latin1"));
    }
    const r = spawnSync("patch", ["-p1", "--no-backup-if-mismatch", "-F0", ...extra], { cwd: dir, input: patch, encoding: "latin1" });
    if (r.error) throw r.error;
    const out = new Map<string, string | undefined>();
    for (const p of paths) out.set(p, existsSync(join(dir, p)) ? readFileSync(join(dir, p)).toString("latin1") : undefined);
    return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}`, files: out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
