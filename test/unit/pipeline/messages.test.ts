// Queue bodies are parsed against their step's schema at both boundaries (the Lambda worker and the
// embedded runner): a malformed one is refused with the reason, never cast and half-processed.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { parseBody } from "../../../shared/runtime/lambda";
import { perBatch, perMessage, runUntilIdle } from "../../../shared/adapters/embedded/runner";
import { EmbeddedDb } from "../../../shared/adapters/embedded/sqlite-db";
import { DeliverJobSchema, IngestJobSchema, StepJobSchema } from "../../../shared/messages/jobs";
import { BadMessageError, PermanentError, parseMessage } from "../../../shared/ports/errors";

const record = (body: string) => ({ messageId: "m-1", body }) as SQSRecord;
const options = { maxReceives: 5, visibilityMs: 60_000, backoffMs: () => 0 };

describe("queue message schemas", () => {
  it("accept the bodies the steps send", () => {
    expect(parseMessage(IngestJobSchema, { v: 1, id: "r", path: "A/AB/ABC/X-1.tar.gz", uploaded: "2026-01-01T00:00:00Z" }, "m")).toEqual({
      v: 1,
      id: "r",
      path: "A/AB/ABC/X-1.tar.gz",
      uploaded: "2026-01-01T00:00:00Z",
    });
    expect(parseMessage(DeliverJobSchema, { v: 1, eventId: "e", subscriptionId: "s" }, "m").subscriptionId).toBe("s");
  });

  it("refuse another version, a missing field and a wrong type, naming each problem", () => {
    expect(() => parseMessage(StepJobSchema, { v: 2, id: "r" }, "m")).toThrow(/m is not a valid message: v: /);
    expect(() => parseMessage(IngestJobSchema, { v: 1, id: "r", uploaded: "x" }, "m")).toThrow(/path: /);
    expect(() => parseMessage(DeliverJobSchema, { v: 1, eventId: 7, subscriptionId: "" }, "m")).toThrow(/eventId: .*; subscriptionId: /);
    expect(() => parseMessage(StepJobSchema, null, "m")).toThrow(/\(body\): /);
  });

  it("make a malformed message a permanent error (BadMessageError) in the Lambda worker", () => {
    const bad = (body: string) => {
      try {
        parseBody(StepJobSchema, record(body));
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(bad("{not json")).toBeInstanceOf(BadMessageError);
    expect(bad('{"v":1}')).toBeInstanceOf(PermanentError);
    expect(String(bad('{"v":1}'))).toMatch(/message m-1 is not a valid message: id: /);
    expect(parseBody(StepJobSchema, record('{"v":1,"id":"r"}'))).toEqual({ v: 1, id: "r" });
  });

  it("dead-letter a malformed message at once in the embedded runner, with the reason, and run the good ones", async () => {
    const db = new EmbeddedDb(join(mkdtempSync(join(tmpdir(), "cpansec-msg-")), "db.sqlite"));
    const seen: string[] = [];
    await db.queue<unknown>("one").send([{ v: 1, id: "a" }, { v: 1 }, { v: 1, id: "b" }]);
    await db.queue<unknown>("batch").send([{ v: 1, id: "c" }, { id: "d" }]);
    const workers = [
      perMessage("one", StepJobSchema, async (job) => void seen.push(job.id)),
      perBatch("batch", StepJobSchema, async (jobs) => (seen.push(...jobs.map((j) => j.id)), new Map())),
    ];
    await runUntilIdle(db, workers, options);
    expect(seen).toEqual(["a", "b", "c"]);
    const dead = db.deadLetters();
    expect(dead.map((d) => [d.queue, d.receives])).toEqual([
      ["one", 1],
      ["batch", 1],
    ]);
    expect(dead[0]?.reason).toMatch(/^BadMessageError: one message \d+ is not a valid message: id: /);
    expect(dead[1]?.reason).toMatch(/batch message \d+ is not a valid message: v: /);
    db.close();
  });
});
