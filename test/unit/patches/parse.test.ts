// The parser's refusals, each built from scratch: what a hostile or broken patch looks like, and
// the error code and words a user sees. And what it reads from mail and commit headers.
import { describe, expect, it } from "vitest";
import { DEFAULT_PATCH_LIMITS, PatchError } from "../../../shared/domain/patches/errors";
import { parsePatch } from "../../../shared/domain/patches/parse";

const diff = (old: string, neu: string, body = "@@ -1,2 +1,2 @@\n a\n-b\n+c\n") => `--- ${old}\n+++ ${neu}\n${body}`;
const good = diff("a/lib/Foo.pm", "b/lib/Foo.pm");
const parse = (s: string | Uint8Array, limits = DEFAULT_PATCH_LIMITS) => parsePatch(typeof s === "string" ? Buffer.from(s, "latin1") : s, "t.patch", limits);
const code = (s: string | Uint8Array, limits = DEFAULT_PATCH_LIMITS) => {
  try {
    parse(s, limits);
  } catch (e) {
    if (e instanceof PatchError) return { code: e.code, message: e.message };
    throw e;
  }
  return { code: "accepted", message: "" };
};

describe("parsePatch refuses", () => {
  it.each([
    ["a '..' path", diff("a/../../etc/passwd", "b/../../etc/passwd"), "unsafe-path", "has a '..' component"],
    ["a '..' in the middle", diff("a/lib/../../x", "b/lib/../../x"), "unsafe-path", "'..'"],
    ["an absolute path", diff("/etc/passwd", "/etc/passwd"), "unsafe-path", "is absolute"],
    ["an absolute new name", diff("a/x", "/x"), "unsafe-path", "is absolute"],
    ["a name with nothing after a/", diff("a", "b"), "unsafe-path", "no path after its first component"],
    ["an empty component", diff("a/lib//x", "b/lib//x"), "unsafe-path", "empty or '.' component"],
    ["a backslash", diff("a/lib\\..\\x", "b/lib\\..\\x"), "unsafe-path", "backslash"],
    ["a diff --git path outside", `diff --git a/../x b/../x\nindex 1234567..89abcde 100644\n${diff("a/x", "b/x")}`, "unsafe-path", "'..'"],
    [
      "a git binary patch",
      "diff --git a/x.png b/x.png\nindex 1234567..89abcde 100644\nGIT binary patch\nliteral 5\nMcmZ?wbYx%v0000\n",
      "binary",
      "binary patch",
    ],
    ["a Binary files line", "diff --git a/x.png b/x.png\nindex 1234567..89abcde 100644\nBinary files a/x.png and b/x.png differ\n", "binary", "binary patch"],
    ["a NUL byte", `${good}\0`, "binary", "NUL"],
    ["CRLF line ends", good.replace(/\n/g, "\r\n"), "unsupported", "carriage returns"],
    ["a rename", `diff --git a/x b/y\nsimilarity index 90%\nrename from x\nrename to y\n`, "unsupported", "renames"],
    ["a rename without git", diff("a/x", "b/y"), "unsupported", "renames"],
    ["a mode change", `diff --git a/x b/x\nold mode 100644\nnew mode 100755\n`, "unsupported", "mode changes"],
    ["a quoted name", diff('"a/x y"', '"b/x y"'), "unsupported", "quoted"],
    ["a context diff", "*** a/x\n--- b/x\n***************\n*** 1 ****\n! a\n--- 1 ----\n! b\n", "unsupported", "context diff"],
    ["the same file twice", good + good, "unsupported", "patched twice"],
    ["a bad hunk header", diff("a/x", "b/x", "@@ -1,2 +1,2\n a\n"), "malformed", "bad hunk header"],
    ["a header with no hunk", diff("a/x", "b/x", "not a hunk\n"), "malformed", "has no hunk after it"],
    ["a hunk with no file", "@@ -1 +1 @@\n-a\n+b\n", "malformed", "no file header"],
    ["too few lines before the next hunk", diff("a/x", "b/x", "@@ -1,3 +1,3 @@\n a\n-b\n+c\n@@ -9 +9 @@\n-x\n+y\n"), "malformed", "is not a context"],
    ["too few lines at the end", diff("a/x", "b/x", "@@ -1,9 +1,9 @@\n a\n-b\n+c\n"), "malformed", "ends after"],
    ["more lines than counted", diff("a/x", "b/x", "@@ -1,2 +1,2 @@\n a\n-b\n+c\n+d\n"), "malformed", "which its header says is complete"],
    ["an unknown line type", diff("a/x", "b/x", "@@ -1,2 +1,2 @@\n a\n*b\n+c\n"), "malformed", "is not a context"],
    ["a change-less hunk", diff("a/x", "b/x", "@@ -1,2 +1,2 @@\n a\n b\n"), "malformed", "changes nothing"],
    ["hunks out of order", diff("a/x", "b/x", "@@ -5 +5 @@\n-a\n+b\n@@ -2 +2 @@\n-c\n+d\n"), "malformed", "starts inside or before"],
    ["no-newline mark mid-hunk", diff("a/x", "b/x", "@@ -1,2 +1,2 @@\n-a\n\\ No newline at end of file\n b\n+c\n"), "malformed", "not the last one"],
    ["no-newline mark on nothing", diff("a/x", "b/x", "@@ -1 +1 @@\n\\ No newline at end of file\n-a\n+b\n"), "malformed", "follows no line"],
    ["a new file from a hunk with context", diff("/dev/null", "b/x", "@@ -1 +1,2 @@\n a\n+b\n"), "malformed", "not all '+' lines"],
    ["nothing at all", "Just a mail with no diff.\n", "malformed", "no unified diff"],
  ])("%s", (_what, text, want, words) => {
    const got = code(text);
    expect(got.code).toBe(want);
    expect(got.message).toContain(words);
  });

  it("patches over the size limits", () => {
    const limits = { maxPatchBytes: 200, maxFiles: 2, maxHunks: 3 };
    expect(code(good + "x".repeat(200), limits)).toMatchObject({ code: "limit", message: expect.stringContaining("over the 200-byte limit") });
    const three = ["x", "y", "z"].map((n) => diff(`a/${n}`, `b/${n}`)).join("");
    expect(code(three, { ...limits, maxPatchBytes: 1e6 })).toMatchObject({ code: "limit", message: expect.stringContaining("more than 2 files") });
    const hunks = diff("a/x", "b/x", [1, 5, 9, 13].map((n) => `@@ -${n} +${n} @@\n-a\n+b\n`).join(""));
    expect(code(hunks, { ...limits, maxPatchBytes: 1e6 })).toMatchObject({ code: "limit", message: expect.stringContaining("more than 3 hunks") });
  });
});

describe("parsePatch reads", () => {
  it("a format-patch mail: author, subject without [PATCH], date, commit; RFC 2047 names", () => {
    const mail = `From 82e12b25963bd9d156a9006c9a0929f459b8536a Mon Sep 17 00:00:00 2001\nFrom: =?UTF-8?q?J=C3=B6rg=20M=C3=BCller?= <j@example.org>\nDate: Thu, 10 Jul 2025 21:05:29 +0100\nSubject: [PATCH 1/1] Fix the\n thing\n\nbody\n---\n${good}-- \n2.40.0\n`;
    const p = parse(mail);
    expect(p.header).toEqual({
      author: "Jörg Müller <j@example.org>",
      subject: "Fix the thing",
      date: new Date("2025-07-10T20:05:29Z"),
      commit: "82e12b25963bd9d156a9006c9a0929f459b8536a",
    });
    expect(p.files).toEqual([
      {
        path: "lib/Foo.pm",
        kind: "modify",
        hunks: [
          expect.objectContaining({
            oldStart: 1,
            oldCount: 2,
            lines: [
              { op: " ", text: "a", eol: true },
              { op: "-", text: "b", eol: true },
              { op: "+", text: "c", eol: true },
            ],
          }),
        ],
      },
    ]);
  });

  it("a git log -p entry, a bare diff with timestamps, new and deleted files, and mailer-eaten blank lines", () => {
    const log = `commit 3876c5ba7ff0b7ee1ca74d3efd2ad58b5d0515b2\nAuthor: A U Thor <a@example.org>\nDate:   Fri Jul 17 08:42:11 2026 +0100\n\n    Change the mode\n\n    More words.\n\n${good}`;
    expect(parse(log).header).toEqual({
      author: "A U Thor <a@example.org>",
      subject: "Change the mode",
      date: new Date("2026-07-17T07:42:11Z"),
      commit: "3876c5ba7ff0b7ee1ca74d3efd2ad58b5d0515b2",
    });
    const stamped = "--- a/XS.xs\t2025-09-06 08:34:51.376455632 -0300\n+++ b/XS.xs\t2025-09-06 08:35:30.725873619 -0300\n@@ -1 +1 @@\n-a\n+b\n";
    expect(parse(stamped).files[0]?.path).toBe("XS.xs");
    const created = diff("/dev/null", "b/t/new.t", "@@ -0,0 +1,2 @@\n+use strict;\n+1;\n") + diff("a/old.t", "/dev/null", "@@ -1 +0,0 @@\n-1;\n");
    expect(parse(created).files.map((f) => [f.path, f.kind])).toEqual([
      ["t/new.t", "create"],
      ["old.t", "delete"],
    ]);
    // An empty line is an empty context line; a hunk cut short at the very end gets empty lines.
    const eaten = diff("a/x", "b/x", "@@ -1,4 +1,4 @@\n a\n\n-b\n+c\n");
    expect(parse(eaten).files[0]?.hunks[0]?.lines).toEqual([
      { op: " ", text: "a", eol: true },
      { op: " ", text: "", eol: true },
      { op: "-", text: "b", eol: true },
      { op: "+", text: "c", eol: true },
      { op: " ", text: "", eol: true },
    ]);
  });
});
