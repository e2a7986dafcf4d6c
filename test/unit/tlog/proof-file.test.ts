// Proof files a user checks offline: tlog-proof (with and without its entry as extra), log.json, `log prove` JSON.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { appendEntries } from "../../../functions/append-log/append-log";
import { archiveProblems, checkProof } from "../../../shared/domain/tlog/check-proof";
import { buildEntry } from "../../../shared/domain/tlog/entry";
import { b64, leafHash } from "../../../shared/domain/tlog/hash";
import { parsePrivateKey, signNote, signerFromSeed } from "../../../shared/domain/tlog/note";
import { inclusionProof } from "../../../shared/domain/tlog/proof";
import { formatTlogProof, parseProofFile, parseTlogProof } from "../../../shared/domain/tlog/proof-file";
import { TileReader } from "../../../shared/domain/tlog/tile-reader";
import { memoryLog } from "../../fakes/memory-log";

const signer = parsePrivateKey("PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg");
const enc = (s: string) => new TextEncoder().encode(s);
const archive = enc("not really a tarball, but bytes to hash");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const entryOf = (i: number) =>
  buildEntry({
    path: `authors/id/E/ET/ETHER/Foo-${i}.tar.gz`,
    sha256: sha(i === 5 ? archive : enc(String(i))),
    size: i === 5 ? archive.byteLength : 1,
    uploaded: "1700000000.5",
  });

async function fixture() {
  const d = { ...memoryLog(), signer, origin: "example.com/log/testdata" };
  const r = await appendEntries(
    d,
    Array.from({ length: 9 }, (_, i) => enc(entryOf(i))),
  );
  const proof = await inclusionProof(5, 9, new TileReader((p) => d.tiles.read(p), 9).node);
  const tlog = formatTlogProof(5, proof, r.checkpoint, enc(entryOf(5)));
  // The shape append-log-step writes as log.json.
  const logJson = JSON.stringify({
    index: 5,
    leafHash: b64(leafHash(enc(entryOf(5)))),
    entry: entryOf(5),
    treeSize: 9,
    checkpoint: r.checkpoint,
    inclusionProof: proof.map(b64),
  });
  return { tlog, logJson, proof, checkpoint: r.checkpoint };
}

describe("check a release's proof files", () => {
  it("verifies a tlog-proof carrying its entry, a bare one given the entry, and log.json", async () => {
    const f = await fixture();
    const r = checkProof(parseProofFile(f.tlog), [signer]);
    expect(r).toMatchObject({
      type: "inclusion",
      origin: "example.com/log/testdata",
      size: 9,
      index: 5,
      upload: { path: "authors/id/E/ET/ETHER/Foo-5.tar.gz" },
    });
    const bare = formatTlogProof(5, f.proof, f.checkpoint);
    expect(() => checkProof(parseProofFile(bare), [signer])).toThrow(/does not carry its entry: give it \(--entry\)/);
    expect(checkProof(parseProofFile(bare), [signer], { entry: enc(entryOf(5)) })).toMatchObject({ index: 5 });
    expect(checkProof(parseProofFile(f.logJson), [signer])).toMatchObject({ type: "inclusion", index: 5, size: 9 });
    expect(r.type === "inclusion" && r.upload && archiveProblems(r.upload, "Foo-5.tar.gz", archive)).toEqual([]);
  });

  const edit = (f: string, a: string | RegExp, b: string) => f.replace(a, b);
  const tampered: [string, (f: Awaited<ReturnType<typeof fixture>>) => string, RegExp][] = [
    ["another index", (f) => edit(f.tlog, "\nindex 5\n", "\nindex 4\n"), /inclusion proof does not lead to the root/],
    ["a changed proof hash", (f) => edit(f.tlog, b64(f.proof[0] as Uint8Array), b64(new Uint8Array(32))), /inclusion proof does not lead to the root/],
    ["a dropped proof hash", (f) => edit(f.tlog, `${b64(f.proof[0] as Uint8Array)}\n`, ""), /inclusion proof has 3 hashes, want 4/],
    ["another entry as extra", (f) => edit(f.tlog, /^extra .*$/m, `extra ${b64(enc(entryOf(6)))}`), /inclusion proof does not lead to the root/],
    [
      "a checkpoint re-signed over another root",
      (f) => f.tlog.slice(0, f.tlog.indexOf("\n\n") + 2) + signNote(`example.com/log/testdata\n9\n${b64(new Uint8Array(32))}\n`, signer),
      /inclusion proof does not lead to the root/,
    ],
    [
      "a checkpoint signed by another key",
      (f) =>
        f.tlog.slice(0, f.tlog.indexOf("\n\n") + 2) +
        signNote(f.checkpoint.slice(0, f.checkpoint.indexOf("\n\n") + 1), signerFromSeed("example.com/log/testdata", new Uint8Array(32))),
      /no signature by a known key/,
    ],
    ["a forged checkpoint size", (f) => edit(f.tlog, "\n9\n", "\n10\n"), /invalid signature by example.com\/log\/testdata/],
    [
      "a non-canonical hash line",
      (f) => edit(f.tlog, b64(f.proof[1] as Uint8Array), `${b64(f.proof[1] as Uint8Array).slice(0, -1)}`),
      /proof hash 2 is not canonical base64/,
    ],
    ["index with a leading zero", (f) => edit(f.tlog, "\nindex 5\n", "\nindex 05\n"), /index "05" is not a whole number/],
    ["no blank line", (f) => f.tlog.slice(0, f.tlog.indexOf("\n\n")), /no blank line before the checkpoint/],
    [
      "a log.json with another leaf hash",
      (f) => edit(f.logJson, /"leafHash":"[^"]+"/, `"leafHash":"${b64(leafHash(enc("x")))}"`),
      /the file's leaf hash .* is not its entry's/,
    ],
    ["a log.json with another entry", (f) => edit(f.logJson, "Foo-5", "Foo-6"), /is not its entry's/],
    ["a log.json for another tree size", (f) => edit(f.logJson, '"treeSize":9', '"treeSize":8'), /proof is for tree size 8, the checkpoint has 9/],
    ["a log.json without its proof", (f) => edit(f.logJson, /,"inclusionProof":\[[^\]]*\]/, ""), /log.json: inclusionProof: /],
    ["a log.json with a fractional index", (f) => edit(f.logJson, '"index":5', '"index":5.5'), /log.json: index: /],
    ["not a proof at all", () => "cpansec-upload/v1\n", /not a proof file: neither c2sp.org\/tlog-proof@v1 nor JSON/],
    ["a prove JSON of an unknown type", () => JSON.stringify({ type: "audit" }), /unknown proof type "audit"/],
  ];
  it.each(tampered)("refuses %s with a clear error", async (_, make, why) => {
    const f = await fixture();
    expect(() => checkProof(parseProofFile(make(f)), [signer])).toThrow(why);
  });

  it("refuses a checkpoint for another origin signed by the log's key", async () => {
    const f = await fixture();
    const other = signNote(`example.com/elsewhere\n9\n${f.checkpoint.split("\n")[2]}\n`, signer);
    const file = f.tlog.slice(0, f.tlog.indexOf("\n\n") + 2) + other;
    expect(() => checkProof(parseProofFile(file), [signer])).toThrow(/checkpoint origin is example.com\/elsewhere, expected example.com\/log\/testdata/);
  });

  it("names each way an archive differs from the logged upload", async () => {
    const f = await fixture();
    const r = checkProof(parseProofFile(f.tlog), [signer]);
    if (r.type !== "inclusion" || !r.upload) throw new Error("want an upload");
    expect(archiveProblems(r.upload, "Foo-6.tar.gz", enc("other"))).toEqual([
      "the archive is named Foo-6.tar.gz, the entry is for Foo-5.tar.gz",
      `the archive is ${enc("other").byteLength} bytes, the entry says ${archive.byteLength}`,
      expect.stringMatching(/^the archive's sha256 is [0-9a-f]{64}, the entry says [0-9a-f]{64}$/),
    ]);
  });

  it("parses the C2SP example's layout (extra, index, hashes, blank line, checkpoint) exactly", () => {
    const h = b64(new Uint8Array(32).fill(1));
    const p = parseTlogProof(
      `c2sp.org/tlog-proof@v1\nextra ${b64(enc("hi"))}\nindex 73894\n${h}\n${h}\n\nexample.com/fancylog\n109482\n${h}\n\n— example.com/fancylog AAAA\n`,
    );
    expect(p).toMatchObject({ index: 73894, entry: enc("hi"), checkpoint: `example.com/fancylog\n109482\n${h}\n\n— example.com/fancylog AAAA\n` });
    expect(p.proof).toHaveLength(2);
  });
});
