// Every tar member GNU tar or Python's tarfile would write is in the manifest with the bytes they
// write, or the archive is refused: each archive here is extracted by both, and compared.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ArchiveError, readArchive } from "../../../shared/domain/cpan/archive";
import { describeRelease } from "../../../shared/domain/cpan/release";
import { header, member, pax, rawTar } from "../../helpers/raw-tar";
import { announceSkip } from "../../helpers/perl";

const has = (cmd: string, args: string[]) => spawnSync(cmd, args).status === 0;
const gnuTar = has("tar", ["--version"]) && /GNU tar/.test(execFileSync("tar", ["--version"], { encoding: "utf8" }));
const python = has("python3", ["-c", "import tarfile"]);
if (!gnuTar) announceSkip("tar typeflags vs GNU tar", "GNU tar is not installed");
if (!python) announceSkip("tar typeflags vs Python tarfile", "python3 is not installed");

const dir = mkdtempSync(join(tmpdir(), "typeflags-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type View = Record<string, string>;

/** What an extraction wrote: regular files by sha256, symlinks by target; directories left out. */
function walk(root: string, rel = ""): View {
  const out: View = {};
  for (const name of readdirSync(join(root, rel))) {
    const p = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(root, p));
    if (st.isSymbolicLink()) out[p] = `symlink ${readlinkSync(join(root, p))}`;
    else if (st.isDirectory()) Object.assign(out, walk(root, p));
    else if (st.isFile())
      out[p] = `file ${createHash("sha256")
        .update(readFileSync(join(root, p)))
        .digest("hex")}`;
    else out[p] = "special";
  }
  return out;
}

const PY = `import sys, tarfile
t = tarfile.open(sys.argv[1])
try:
    t.extractall(sys.argv[2], **({"filter": "fully_trusted"} if hasattr(tarfile, "fully_trusted_filter") else {}))
except Exception as e:
    print(repr(e), file=sys.stderr)`;

let n = 0;
function extract(bytes: Buffer): { gnu?: View; py?: View } {
  const file = join(dir, `a${++n}.tar`);
  writeFileSync(file, bytes);
  const out: { gnu?: View; py?: View } = {};
  if (gnuTar) {
    const d = mkdtempSync(join(dir, "gnu-"));
    spawnSync("tar", ["-xf", file, "-C", d]); // errors are part of the view: what was written is what counts
    out.gnu = walk(d);
  }
  if (python) {
    const d = mkdtempSync(join(dir, "py-"));
    spawnSync("python3", ["-c", PY, file, d]);
    out.py = walk(d);
  }
  return out;
}

async function ours(bytes: Buffer): Promise<View | ArchiveError> {
  try {
    const a = await readArchive(bytes);
    const v: View = {};
    for (const e of a.entries) {
      if (e.type === "symlink") v[e.path] = `symlink ${e.linkTarget}`;
      else if (e.sha256) v[e.path] = `file ${e.sha256}`; // a hard link without a target is not written
    }
    return v;
  } catch (e) {
    if (e instanceof ArchiveError) return e;
    throw e;
  }
}

const A = member("X/a", "0", "AAAA");
const Z = member("X/z", "0", "ZZ");
const letters = [..."0\u0000123456789", ..."ABCDEFGHIJKLMNOPQRSTUVWYZ", ..."abcdefhijklmnopqrstuvwyz"];

/** [name, archive, must it be read (true) or may it be refused?] */
const cases: Array<[string, Buffer, boolean]> = [
  ...letters.map((t): [string, Buffer, boolean] => [
    `typeflag ${JSON.stringify(t)} with data`,
    rawTar(A, member("X/f", t, "hello\n", t === "1" || t === "2" ? { linkname: "X/a" } : {}), Z),
    "0\u00007".includes(t),
  ]),
  ...["1", "2", "5"].map((t): [string, Buffer, boolean] => [
    `typeflag ${t} without data`,
    rawTar(A, member(t === "5" ? "X/d/" : "X/f", t, "", t === "5" ? {} : { linkname: "X/a" }), Z),
    true,
  ]),
  ["a GNU long name", rawTar(A, member("././@LongLink", "L", `X/${"n".repeat(200)}\0`), member("X/short", "0", "long"), Z), true],
  ["a pax path", rawTar(A, pax([["path", "X/from-pax"]]), member("X/ustar-name", "0", "pax"), Z), true],
  ["GNU magic", rawTar(member("X/a", "0", "AAAA", { magic: "gnu" }), member("X/b", "0", "B", { magic: "v7" })), true],
  [
    "a file hidden as Z over a benign one, and a backdoor as 9",
    rawTar(member("X/lib/Hidden.pm", "0", "1;\n"), member("X/lib/Hidden.pm", "Z", "system('evil');1;\n"), member("X/t/backdoor.t", "9", "evil")),
    false,
  ],
  [
    "an unknown type whose size a pax header gives",
    rawTar(A, pax([["size", "6"]]), Buffer.concat([header({ name: "X/f", type: "Z", size: 0 }), Buffer.from("hello\n"), Buffer.alloc(506)]), Z),
    false,
  ],
  [
    "a pax GNU sparse file",
    rawTar(
      A,
      pax([
        ["GNU.sparse.major", "1"],
        ["GNU.sparse.minor", "0"],
        ["GNU.sparse.name", "X/sparse"],
        ["GNU.sparse.realsize", "10"],
      ]),
      member("X/GNUSparseFile.0/sparse", "0", "1\n0\n4\n".padEnd(512, "\0") + "DATA"),
      Z,
    ),
    false,
  ],
  [
    "a symlink whose data is a hidden header",
    rawTar(A, Buffer.concat([header({ name: "X/s", type: "2", size: 1024, linkname: "a" }), member("X/lib/Hidden.pm", "0", "evil")]), Z),
    false,
  ],
  ["a regular file named with a trailing slash", rawTar(A, member("X/f/", "0", "hello\n"), Z), false],
  ["a member after a lone zero block", Buffer.concat([A, Buffer.alloc(512), Z, Buffer.alloc(1024)]), false],
  ["a global pax size", rawTar(pax([["size", "0"]], "g"), A, Z), false],
  ["a pax comment smuggling a size by newline", rawTar(pax([], "x", Buffer.from("27 comment=x\n11 size=0\n\n")), A, Z), false],
  ["a hard link to a missing file", rawTar(A, member("X/h", "1", "", { linkname: "X/none" }), Z), false],
  ["a hard link to a hard link", rawTar(A, member("X/h", "1", "", { linkname: "X/a" }), member("X/i", "1", "", { linkname: "X/h" }), Z), true],
  ["a hard link whose target is replaced", rawTar(A, member("X/h", "1", "", { linkname: "X/a" }), member("X/a", "0", "BB")), false],
  [
    "a non-POSIX header with a name prefix",
    rawTar(
      A,
      (() => {
        const m = member("f", "0", "hi", { magic: "gnu" });
        m.write("X", 345, "latin1");
        return rawTar(m).subarray(0, 1024);
      })(),
      Z,
    ),
    false,
  ],
];

describe.skipIf(!gnuTar || !python)("tar members, compared with GNU tar and Python's tarfile", () => {
  it.each(cases)("%s", async (_, bytes, mustRead) => {
    const got = await ours(bytes);
    if (got instanceof ArchiveError) {
      expect(mustRead, `refused: ${got.message}`).toBe(false);
      expect(got.message).toMatch(/refused|disagree|checksum|corrupt|pax/);
      return;
    }
    const { gnu, py } = extract(bytes);
    expect(got, "the manifest is what GNU tar writes").toEqual(gnu);
    expect(got, "the manifest is what Python writes").toEqual(py);
  });
});

describe("a refused archive", () => {
  it("is a permanent error of the release, with the member and the reason", async () => {
    const bytes = rawTar(member("Foo-1/lib/Hidden.pm", "0", "1;\n"), member("Foo-1/t/backdoor.t", "Z", "evil"));
    const r = await describeRelease("authors/id/A/AT/ATTACKER/Foo-1.tar", bytes);
    expect(r.error).toEqual({
      code: "unsupported-entry",
      message: expect.stringContaining('"Foo-1/t/backdoor.t": tar type "Z" is not a type this reader knows'),
    });
    expect(r.entries).toEqual([]);
  });
});
