// Every fetch streams under a limit and stops at it: a hostile server on 127.0.0.1 sends far more than the limit.
import { closeSync, mkdtempSync, openSync, ftruncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadFeed, readFeedBytes } from "../../cli/feed-source";
import { logSource } from "../../cli/log-source";
import { readFileUnder } from "../../cli/read-file-under";
import { BodyLimitError, fetchBody } from "../../shared/adapters/http/body";
import { FETCH_LIMITS } from "../../shared/domain/fetch-limits";
import { type EndlessServer, endlessServer } from "../helpers/endless-server";

const MiB = 2 ** 20;
/** What the kernel's socket buffers and the HTTP client's queue may hold beyond what was read. */
const SLACK = 16 * MiB;
let server: EndlessServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("a body larger than its limit", () => {
  it("fetchBody stops reading at the limit; the server could send no more than the limit and buffers", async () => {
    server = await endlessServer(512 * MiB);
    await expect(fetchBody(server.url, { maxBytes: 1 * MiB, timeoutMs: 60_000 })).rejects.toThrow(/more than the 1048576-byte limit/);
    await server.finished();
    expect(server.sent()).toBeLessThan(1 * MiB + SLACK);
  });

  it("a declared length over the limit is refused before the body is read", async () => {
    server = await endlessServer(512 * MiB, { declare: 512 * MiB });
    await expect(fetchBody(server.url, { maxBytes: 1 * MiB, timeoutMs: 60_000 })).rejects.toThrow(/536870912 bytes is over the 1048576-byte limit/);
    await server.finished();
    expect(server.sent()).toBeLessThan(SLACK);
  });

  it("a body of exactly the limit is read whole", async () => {
    server = await endlessServer(MiB);
    expect((await fetchBody(server.url, { maxBytes: MiB, timeoutMs: 60_000 }))?.byteLength).toBe(MiB);
  });

  it("log monitor's and verify's log source: a 512 MiB checkpoint stops at the log-object limit", async () => {
    server = await endlessServer(512 * MiB);
    await expect(logSource(server.url)("checkpoint")).rejects.toThrow(new RegExp(`GET checkpoint: more than the ${FETCH_LIMITS.logObject}-byte limit`));
    await server.finished();
    expect(server.sent()).toBeLessThan(FETCH_LIMITS.logObject + SLACK);
  });

  it.each([
    ["loadFeed (scan, advisories --feed URL)", loadFeed],
    ["readFeedBytes (run --advisories URL)", readFeedBytes],
  ])("the advisory feed through %s: a 512 MiB feed stops at the feed limit", async (_, read) => {
    server = await endlessServer(512 * MiB);
    await expect(read(`${server.url}cpan-security-advisory.json`)).rejects.toThrow(new RegExp(`more than the ${FETCH_LIMITS.advisoryFeed}-byte limit`));
    await server.finished();
    expect(server.sent()).toBeLessThan(FETCH_LIMITS.advisoryFeed + SLACK);
  });

  it("a local file over the limit is refused from its size, before it is read", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cpansec-body-")), "huge.json");
    const fd = openSync(file, "w");
    ftruncateSync(fd, 4 * 2 ** 30); // sparse: 4 GiB that take no disk
    closeSync(fd);
    await expect(readFileUnder(file, FETCH_LIMITS.advisoryFeed)).rejects.toThrow(BodyLimitError);
    await expect(readFeedBytes(file)).rejects.toThrow(/4294967296 bytes is over the 67108864-byte limit/);
  });
});
