// The overlay step's crash window: an upload was matched naming its patch, its patched archive is
// then published, and the run dies before the forced re-match is queued. The next pass must find the original whose findings do not name the
// archive (by comparing, not from what it added: it adds nothing now) and re-match it; the pass
// after that queues nothing. Embedded pipeline on the generated demo mirror (CGI-3.62 is affected
// by CVE-2012-5526), a patch source written from scratch, the queue fault injected in the port.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_DISTS } from "../../cli/demo/demo";
import { buildMirror } from "../../cli/demo/mirror";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { patchSource, patchUrlFor } from "../../cli/patch-snapshot";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { readTrustedKeys } from "../../shared/domain/cpan/checksums-signature";
import type { PipelineDeps } from "../../shared/ports/deps";
import { cgiFeed } from "../helpers/feeds";
import { writePatches } from "../helpers/patch-source";

const PATCHED = "authors/id/C/CP/CPANSEC/CGI-3.62-PATCHED-CVE-2012-5526-r1.tar.gz";

describe("the overlay step after a crash", () => {
  it("re-matches the original whose findings lack its archive on the next pass, then nothing", async () => {
    const root = mkdtempSync(join(tmpdir(), "cpansec-overlay-crash-"));
    const mirror = await buildMirror(join(root, "mirror"), DEMO_DISTS);
    const patches = join(root, "patches");
    mkdirSync(patches);
    const feed = new TextEncoder().encode(JSON.stringify(cgiFeed(["3.62"])));
    writeFileSync(join(root, "feed.json"), feed);
    let crash = false;
    const open = async () =>
      openEmbeddedPipeline({
        data: join(root, "data"),
        mirror: new DirMirror(mirror.dir),
        trustedKeys: await readTrustedKeys(new TextEncoder().encode(mirror.publicKey)),
        feedSource: async () => feed,
        patches: { source: (f) => patchSource(patches, f), urlFor: patchUrlFor(patches) },
        tool: { name: "t", version: "0" },
        ports: {
          pipeline: (d: PipelineDeps) => ({
            ...d,
            queues: {
              ...d.queues,
              advisories: {
                ...d.queues.advisories,
                send: async (jobs) => {
                  if (crash && jobs.some((j) => j.force)) throw new Error("injected: killed before the re-match was queued");
                  return d.queues.advisories.send(jobs);
                },
              },
            },
          }),
        },
      });
    const advisories = () => JSON.parse(readFileSync(join(root, "data/releases/DAVE/CGI-3.62.tar.gz/advisories.json"), "utf8"));
    // The patch is there first: the upload is matched (naming the patch), then patched after the drain, and the run dies
    writePatches(patches, [{ dist: "CGI", version: "3.62", cve: "CVE-2012-5526" }]);
    crash = true;
    let p = await open();
    await expect(p.runOnce()).rejects.toThrow(/injected/);
    p.close();
    expect(advisories().findings[0].patches[0].patched).toBeUndefined();
    crash = false;
    p = await open();
    const repaired = await p.runOnce();
    expect(repaired.overlay).toMatchObject({ archives: 1, added: [], queued: 1 });
    expect(advisories().findings[0].patches).toMatchObject([{ cve: "CVE-2012-5526", patched: PATCHED }]);
    const after = await p.runOnce();
    expect(after.overlay).toMatchObject({ archives: 1, added: [], queued: 0 });
    p.close();
  });
});
