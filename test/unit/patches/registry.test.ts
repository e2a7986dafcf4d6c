// The registry over the published patches (a directory source) and over HTTPS (a server on
// 127.0.0.1 serving the same files), plus the layout's path rules.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DirPatchSource } from "../../../shared/adapters/embedded/dir-patch-source";
import { HttpPatchSource } from "../../../shared/adapters/http/patch-source";
import { PatchError } from "../../../shared/domain/patches/errors";
import { layoutPath, parseLayoutPath } from "../../../shared/domain/patches/layout";
import { loadRegistry, patchesFor } from "../../../shared/domain/patches/registry";
import { fixturePath } from "../../helpers/fixtures";

describe("layout paths", () => {
  it.each([
    ["A/Authen-SASL/2.1800/CVE-2025-40918-r1.patch", { dist: "Authen-SASL", version: "2.1800", cve: "CVE-2025-40918", revision: 1 }],
    ["N/Net-Statsite-Client/1.1.0/CVE-2026-11373-r12.patch", { dist: "Net-Statsite-Client", version: "1.1.0", cve: "CVE-2026-11373", revision: 12 }],
  ])("%s", (path, key) => {
    expect(parseLayoutPath(path)).toEqual(key);
    expect(layoutPath(key)).toBe(path);
  });
  it.each([
    ["B/Authen-SASL/2.1800/CVE-2025-40918-r1.patch", "first letter"],
    ["A/Authen-SASL/../CVE-2025-40918-r1.patch", "is not a version"],
    ["A/Authen-SASL/2.1800/CVE-2025-40918.patch", "is not <CVE>-r<N>.patch"],
    ["A/Authen-SASL/2.1800/CVE-2025-40918-r0.patch", "is not <CVE>-r<N>.patch"],
    ["Authen-SASL/2.1800/CVE-2025-40918-r1.patch", "3 path components"],
  ])("refuses %s", (path, words) => expect(() => parseLayoutPath(path)).toThrow(words));
});

describe("the registry", () => {
  it("reads the 40 published patches: 37 in force, 2 superseded, 1 refused", async () => {
    const reg = await loadRegistry(new DirPatchSource(fixturePath("patches")));
    expect(reg.current).toHaveLength(37);
    expect(reg.superseded.map((p) => p.path)).toEqual([
      "M/Mojolicious-Plugin-Web-Auth/0.17/CVE-2026-9733-r1.patch",
      "P/Protocol-HTTP2/1.12/CVE-2026-10725-r1.patch",
    ]);
    expect(reg.problems).toEqual([
      {
        path: "C/Catalyst-Plugin-Authentication/0.10026/CVE-2009-10007-r1.patch",
        code: "malformed",
        message: expect.stringContaining("hunk #1 of lib/Catalyst/Plugin/Authentication.pm"),
      },
    ]);
    const [http2] = patchesFor(reg, "Protocol-HTTP2", "1.12");
    expect(http2).toMatchObject({
      revision: 2,
      header: { author: "Vladimir Lettiev <thecrux@gmail.com>" },
      files: ["lib/Protocol/HTTP2/Frame/Continuation.pm", "lib/Protocol/HTTP2/HeaderCompression.pm", "t/15_headersize.t"],
    });
    expect(patchesFor(reg, "Date-Manip", "6.99").map((p) => p.cve)).toEqual(["CVE-2026-60074", "CVE-2026-60075"]);
  });

  it("reads an HTTPS source: paths from references, later revisions found, bodies bounded", async () => {
    const served: string[] = [];
    const server = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? "").replace(/^\/patches\//, ""));
      served.push(path);
      if (path === "X/XML-Bare/0.53/CVE-2026-13401-r1.patch") return res.end("x".repeat(3 * 1024 * 1024));
      try {
        res.end(readFileSync(fixturePath("patches", ...path.split("/"))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/patches/`;
    try {
      const refs = [
        `${base}P/Protocol-HTTP2/1.12/CVE-2026-10725-r1.patch`,
        `${base}X/XML-Bare/0.53/CVE-2026-13401-r1.patch`,
        "https://elsewhere.example/x.patch",
      ];
      const reg = await loadRegistry(new HttpPatchSource(base, HttpPatchSource.pathsUnder(base, refs)));
      expect(reg.current.map((p) => [p.path, p.url])).toEqual([
        ["P/Protocol-HTTP2/1.12/CVE-2026-10725-r2.patch", `${base}P/Protocol-HTTP2/1.12/CVE-2026-10725-r2.patch`],
      ]);
      expect(reg.superseded.map((p) => p.path)).toEqual(["P/Protocol-HTTP2/1.12/CVE-2026-10725-r1.patch"]);
      expect(reg.problems).toEqual([{ path: "X/XML-Bare/0.53/CVE-2026-13401-r1.patch", code: "limit", message: expect.stringContaining("limit") }]);
      expect(served).toContain("P/Protocol-HTTP2/1.12/CVE-2026-10725-r3.patch"); // asked for, absent: the probe stops
    } finally {
      server.close();
    }
  });

  it("a directory source refuses an oversized file without reading it", async () => {
    const src = new DirPatchSource(fixturePath("patches"));
    await expect(src.read("D/Date-Manip/6.99/CVE-2026-60074-r1.patch", 100)).rejects.toThrow(PatchError);
    expect(await src.read("D/Date-Manip/6.99/CVE-0000-0000-r1.patch", 100)).toBeUndefined();
  });
});
