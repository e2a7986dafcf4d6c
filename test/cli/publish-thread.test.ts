// `cpansec run` publishes the feed on a thread of its own (cli/embedded/publish-thread.ts): the same
// files as the step run in line, and its failures end in the same retries and dead letters.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { openEmbeddedPipeline } from "../../cli/embedded/pipeline";
import { errorFields, reviveError } from "../../cli/embedded/thread-error";
import { DirMirror } from "../../shared/adapters/embedded/dir-mirror";
import { BadMessageError, PermanentError, RetryLaterError, TransientError } from "../../shared/ports/errors";
import { cgiFeed } from "../helpers/feeds";

/** A data directory beside an empty mirror and a feed file; `prepare` may spoil it first. */
async function runPass(publishThread: boolean, prepare?: (data: string) => void) {
  const root = mkdtempSync(join(tmpdir(), "cpansec-publish-thread-"));
  const mirror = join(root, "mirror");
  mkdirSync(mirror);
  writeFileSync(join(mirror, "RECENT-1h.json"), JSON.stringify({ meta: { interval: "1h" }, recent: [] }));
  const data = join(root, "data");
  prepare?.(data);
  const feed = new TextEncoder().encode(JSON.stringify(cgiFeed()));
  const p = await openEmbeddedPipeline({
    data,
    mirror: new DirMirror(mirror),
    trustedKeys: [],
    feedSource: async () => feed,
    tool: { name: "t", version: "0" },
    // The publication's times are the refresh's: the same clock, the same bytes.
    clock: () => new Date("2026-06-01T12:00:00Z"),
    publishThread,
    maxReceives: 2,
    backoffMs: 1,
  });
  try {
    const detached = p.workers.find((w) => w.queue === "publish-advisories")?.detached === true;
    await p.runOnce();
    const dead = p.db.deadLetters().map((d) => ({ ...d, reason: d.reason.replaceAll(root, "<root>"), at: "" }));
    return { detached, dead, pending: p.db.pending(), data };
  } finally {
    p.close();
  }
}

const files = (dir: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name))
      .map((f) => [relative(dir, f), readFileSync(f, "base64")]),
  );

describe("publish-advisories on its own thread", () => {
  it("writes the same publication as in line, and the job is acked", async () => {
    const threaded = await runPass(true);
    const inLine = await runPass(false);
    expect([threaded.detached, inLine.detached]).toEqual([true, false]);
    for (const r of [threaded, inLine]) expect([r.dead, r.pending]).toEqual([[], []]);
    const published = files(join(threaded.data, "public"));
    expect(Object.keys(published)).toContain("advisories/index.json");
    expect(published).toEqual(files(join(inLine.data, "public")));
  });

  it("fails as in line: retried, then dead-lettered with the step's own error", async () => {
    // A file where the publication's folder should be: every write fails.
    const spoil = (data: string) => {
      mkdirSync(join(data, "public"), { recursive: true });
      writeFileSync(join(data, "public", "advisories"), "not a folder");
    };
    const threaded = await runPass(true, spoil);
    const inLine = await runPass(false, spoil);
    expect(threaded.dead).toHaveLength(1);
    expect(threaded.dead[0]?.reason).toMatch(/^Error: ENOTDIR: .* \(after 2 receives\)$/);
    expect(threaded.dead).toEqual(inLine.dead);
  });
});

class FeedGoneError extends PermanentError {
  override readonly name = "FeedGoneError";
}

describe("an error brought back from a thread", () => {
  it.each([
    [new PermanentError("bad feed"), PermanentError],
    [new BadMessageError("bad body"), BadMessageError],
    [new TransientError("timeout"), TransientError],
    [new RetryLaterError("busy", 1500), RetryLaterError],
    [new FeedGoneError("gone"), PermanentError],
    [new TypeError("x is undefined"), Error],
  ])("%s keeps its class, name, message and stack", (e, base) => {
    const back = reviveError(structuredClone(errorFields(e)));
    expect(back).toBeInstanceOf(base);
    expect([back.name, back.message, back.stack]).toEqual([e.name, e.message, e.stack]);
    expect(String(back)).toBe(String(e));
    if (e instanceof RetryLaterError) expect((back as RetryLaterError).retryAfterMs).toBe(1500);
  });

  it("keeps what was thrown when it is not an Error", () => {
    expect(String(reviveError(errorFields("disk full")))).toBe("Error: disk full");
  });
});
