/** Fuzz target for HTTP response bodies read under a limit: chunking, declared lengths that lie, streams that fail. */
import fc from "fast-check";
import { BodyLimitError, BodyReadError, readBody } from "../../../shared/adapters/http/body";
import { type FuzzTarget, target } from "../harness";

interface BodyInput {
  readonly chunks: Uint8Array[];
  /** undefined: no header; a number: declared (right, smaller or larger); a string: garbage. */
  readonly declared: number | string | undefined;
  readonly maxBytes: number;
  /** Fail the stream after this many chunks (undefined: end normally). */
  readonly failAfter: number | undefined;
}

const chunk = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.integer({ min: 0, max: 5000 }).map((n) => new Uint8Array(n).fill(0x61)),
);

/** The stream and how many chunks the reader pulled from it (a reader must stop at the limit). */
function streamOf(input: BodyInput) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (input.failAfter !== undefined && pulled === input.failAfter) return c.error(new TypeError("terminated"));
        const next = input.chunks[pulled++];
        if (next === undefined) return c.close();
        c.enqueue(next);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

const body: FuzzTarget<BodyInput> = {
  name: "http-body",
  parser: "adapters/http/body.ts readBody (every fetch of a mirror, log, feed or signature)",
  inputs:
    "bodies of 0 to 40 chunks (empty, tiny, 5,000 bytes), content-length absent, right, smaller, larger, or not a number; limits around the body size; streams that fail mid-body",
  arbitrary: fc
    .record({
      chunks: fc.array(chunk, { maxLength: 40 }),
      declaredKind: fc.constantFrom("none", "right", "less", "more", "garbage"),
      slack: fc.integer({ min: -3000, max: 3000 }),
      failAfter: fc.option(fc.nat({ max: 40 }), { nil: undefined }),
    })
    .map(({ chunks, declaredKind, slack, failAfter }) => {
      const total = chunks.reduce((n, c) => n + c.byteLength, 0);
      const declared = { none: undefined, right: total, less: Math.max(0, total - 1 - Math.abs(slack)), more: total + 1 + Math.abs(slack), garbage: "12abc" }[
        declaredKind
      ];
      return { chunks, declared, maxBytes: Math.max(0, total + slack), failAfter };
    }),
  run: async (input) => {
    const s = streamOf(input);
    const headers: Record<string, string> = input.declared === undefined ? {} : { "content-length": String(input.declared) };
    const res = new Response(s.stream, { headers });
    try {
      return { bytes: await readBody(res, { maxBytes: input.maxBytes, what: "GET /fuzz" }), pulled: s.pulled() };
    } catch (e) {
      // Reading must stop at the first chunk over the limit, whatever the header said.
      const total = input.chunks.slice(0, s.pulled()).reduce((n, c) => n + c.byteLength, 0);
      const before = total - (input.chunks[s.pulled() - 1]?.byteLength ?? 0);
      if (e instanceof BodyLimitError && s.pulled() > 0 && before > input.maxBytes) throw new Error(`read ${s.pulled()} chunks, past the limit`);
      throw e;
    }
  },
  accepts: [BodyLimitError, BodyReadError],
  check: (input, out) => {
    const { bytes } = out as { bytes: Uint8Array };
    const want = Buffer.concat(input.chunks);
    if (bytes.byteLength > input.maxBytes) throw new Error(`returned ${bytes.byteLength} bytes over the ${input.maxBytes}-byte limit`);
    if (Buffer.compare(Buffer.from(bytes), want) !== 0) throw new Error("the body returned is not the body sent");
  },
  runs: 400,
};

export const httpTargets: FuzzTarget[] = [target(body)];
