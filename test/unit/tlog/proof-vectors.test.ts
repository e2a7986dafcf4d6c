// transparency-dev/merkle's proof vectors (test/fixtures/vectors/merkle), plus a few embedded as facts.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { EMPTY_ROOT, unb64 } from "../../../shared/domain/tlog/hash";
import { ProofError, consistentWithPrevious, verifyConsistency, verifyInclusion } from "../../../shared/domain/tlog/proof";
import { fixturePath } from "../../helpers/fixtures";

interface Inclusion {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface Consistency {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const runInclusion = (c: Inclusion) => verifyInclusion(c.leafIdx, c.treeSize, unb64(c.leafHash), (c.proof ?? []).map(unb64), unb64(c.root));
const runConsistency = (c: Consistency) => verifyConsistency(c.size1, c.size2, (c.proof ?? []).map(unb64), unb64(c.root1), unb64(c.root2));

describe("proof verification, embedded facts", () => {
  const root8 = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
  const proof = [
    "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
    "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
    "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=",
  ];
  const leaf0 = "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=";
  it("accepts leaf 0 of the 8-leaf RFC 6962 test tree, and 1→8 consistency", () => {
    expect(() => runInclusion({ leafIdx: 0, treeSize: 8, root: root8, leafHash: leaf0, proof, desc: "", wantErr: false })).not.toThrow();
    expect(() => runConsistency({ size1: 1, size2: 8, root1: leaf0, root2: root8, proof, desc: "", wantErr: false })).not.toThrow();
  });
  it("rejects a wrong root, a moved index and a short proof", () => {
    expect(() => runInclusion({ leafIdx: 1, treeSize: 8, root: root8, leafHash: leaf0, proof, desc: "", wantErr: true })).toThrow(ProofError);
    expect(() => runInclusion({ leafIdx: 0, treeSize: 8, root: leaf0, leafHash: leaf0, proof, desc: "", wantErr: true })).toThrow(/does not lead/);
    expect(() => runInclusion({ leafIdx: 0, treeSize: 8, root: root8, leafHash: leaf0, proof: proof.slice(1), desc: "", wantErr: true })).toThrow(
      /has 2 hashes, want 3/,
    );
  });
  it("decides the size-0 cases: RFC 9162 refuses them, the checkpoint-level check accepts the empty tree as a prefix", () => {
    expect(() => verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toThrow(/empty tree is meaningless/);
    expect(() => consistentWithPrevious(0, 8, [], EMPTY_ROOT, unb64(root8))).not.toThrow();
    expect(() => consistentWithPrevious(0, 8, [], unb64(root8), unb64(root8))).toThrow(/empty-tree root/);
    expect(() => consistentWithPrevious(0, 8, [unb64(leaf0)], EMPTY_ROOT, unb64(root8))).toThrow(/must be empty/);
  });
});

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsonFiles(p) : p.endsWith(".json") ? [p] : [];
  });
}

const merkle = fixturePath("vectors", "merkle");

describe("transparency-dev/merkle vectors", () => {
  const load = <T>(sub: string) => jsonFiles(join(merkle, sub)).map((f) => [relative(merkle, f), JSON.parse(readFileSync(f, "utf8")) as T] as const);
  it.each(load<Inclusion>("inclusion"))("%s", (_, c) => {
    if (c.wantErr) expect(() => runInclusion(c)).toThrow(ProofError);
    else expect(() => runInclusion(c)).not.toThrow();
  });
  it.each(load<Consistency>("consistency"))("%s", (_, c) => {
    if (c.wantErr) expect(() => runConsistency(c)).toThrow(ProofError);
    else expect(() => runConsistency(c)).not.toThrow();
  });
});
