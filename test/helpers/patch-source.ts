// A patch source built from scratch for tests: a directory in CPANSec's layout with small,
// valid `git format-patch` mails (one line of lib/<Dist>.pm changed), as many as a test asks for.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { layoutPath } from "../../shared/domain/patches/layout";

export interface TestPatch {
  readonly dist: string;
  readonly version: string;
  readonly cve: string;
  readonly revision?: number;
  /** Changes the bytes (a different fix under the same name). */
  readonly salt?: string;
}

export function patchText(p: TestPatch): string {
  const file = `lib/${p.dist.replace(/-/g, "/")}.pm`;
  return [
    "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001",
    "From: CPANSec Patcher <patches@security.example>",
    "Date: Tue, 1 Dec 2026 10:00:00 +0000",
    `Subject: [PATCH] Fix ${p.cve}${p.salt ? ` (${p.salt})` : ""}`,
    "",
    "---",
    `diff --git a/${file} b/${file}`,
    `--- a/${file}`,
    `+++ b/${file}`,
    "@@ -1,3 +1,3 @@",
    ` package ${p.dist.replace(/-/g, "::")};`,
    `-our $VERSION = '${p.version}';`,
    `+our $VERSION = '${p.version}'; # ${p.cve}${p.salt ? ` ${p.salt}` : ""}`,
    " 1;",
    "",
  ].join("\n");
}

/** Writes each patch under `root` in the layout; returns their layout paths. */
export function writePatches(root: string, patches: readonly TestPatch[]): string[] {
  return patches.map((p) => {
    const path = layoutPath({ dist: p.dist, version: p.version, cve: p.cve, revision: p.revision ?? 1 });
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), patchText(p));
    return path;
  });
}
