/**
 * Builds a small CPAN mirror on disk, offline: authors' archives, per-author CHECKSUMS clear-signed
 * with a key it generates (standing in for PAUSE's), RECENT-1h.json and 02packages. Used by
 * `cpansec demo` and by the end-to-end tests.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import * as openpgp from "openpgp";
import { authorPath } from "../../shared/domain/cpan/distname";
import { makeTarGz } from "./archive";

export interface DemoDist {
  readonly author: string;
  readonly name: string;
  readonly version: string;
  /** META.json (spec 2) or META.yml (spec 1.4). */
  readonly meta?: "json" | "yml";
  readonly requires?: Readonly<Record<string, string>>;
  readonly testRequires?: Readonly<Record<string, string>>;
  readonly license?: string;
  /** Extra files in the archive (e.g. a bundled sqlite3.h). */
  readonly files?: Readonly<Record<string, string>>;
  /** The archive on the mirror is altered after CHECKSUMS was signed. */
  readonly tampered?: boolean;
  /** Not an archive at all (CHECKSUMS matches the bytes: PAUSE took them as uploaded). */
  readonly broken?: boolean;
  /** Left out of the author's CHECKSUMS: the mirror serves an older one (replayed, or lagging). */
  readonly unlisted?: boolean;
}

export interface BuiltMirror {
  readonly dir: string;
  /** The public key that signed every CHECKSUMS (armored): pass it as a trusted key. */
  readonly publicKey: string;
  readonly paths: readonly string[];
}

const moduleOf = (dist: string) => dist.replace(/-/g, "::");

function metaFiles(d: DemoDist): Record<string, string> {
  const top = `${d.name}-${d.version}`;
  const prereqs = {
    runtime: { requires: { perl: "5.008", ...d.requires } },
    test: { requires: { "Test::More": "0.88", ...d.testRequires } },
    configure: { requires: { "ExtUtils::MakeMaker": "0" } },
  };
  if (d.meta === "yml") {
    const req = Object.entries({ perl: "5.008", ...d.requires })
      .map(([m, v]) => `  ${m}: '${v}'`)
      .join("\n");
    return {
      [`${top}/META.yml`]: `---\nname: ${d.name}\nversion: '${d.version}'\nabstract: 'A demo distribution'\nauthor:\n  - 'Demo Author <demo@example.invalid>'\nlicense: ${d.license ?? "perl"}\nrequires:\n${req}\nbuild_requires:\n  Test::More: '0.88'\nmeta-spec:\n  version: 1.4\n`,
    };
  }
  const meta = {
    name: d.name,
    version: d.version,
    abstract: "A demo distribution",
    author: ["Demo Author <demo@example.invalid>"],
    license: [d.license ?? "perl_5"],
    release_status: "stable",
    dynamic_config: 0,
    "meta-spec": { version: 2 },
    prereqs,
    resources: { repository: { url: `https://example.invalid/${d.name}.git`, type: "git" } },
  };
  return { [`${top}/META.json`]: `${JSON.stringify(meta, null, 2)}\n` };
}

/** A `$cksum` dump as CPAN::Checksums writes it (`mtime`: the file's date, YYYY-MM-DD). */
export function cksumDump(entries: Record<string, { sha256: string; size: number; md5: string; mtime?: string }>): string {
  const body = Object.keys(entries)
    .sort()
    .map((f) => {
      const e = entries[f] as { sha256: string; size: number; md5: string; mtime?: string };
      return `  '${f}' => {\n    'md5' => '${e.md5}',\n    'mtime' => '${e.mtime ?? "2026-08-16"}',\n    'sha256' => '${e.sha256}',\n    'size' => ${e.size}\n  }`;
    })
    .join(",\n");
  return `# CHECKSUMS file written on Sun Aug 16 14:31:00 2026 GMT by cpansec demo\n$cksum = {\n${body}\n};\n__END__\n`;
}

interface Upload {
  readonly author: string;
  readonly filename: string;
  /** What PAUSE received (CHECKSUMS is computed over these bytes). */
  readonly uploaded: Uint8Array;
  /** What the mirror serves, when it differs (a tampered mirror). */
  readonly served?: Uint8Array;
  readonly module?: { readonly name: string; readonly version: string };
  readonly unlisted?: boolean;
}

/** Writes uploads, signed CHECKSUMS, RECENT-1h.json and 02packages: a mirror of exactly these uploads. */
async function writeMirror(dir: string, uploads: readonly Upload[], startEpoch: number): Promise<BuiltMirror> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: "curve25519",
    userIDs: [{ name: "cpansec demo PAUSE stand-in", email: "demo@example.invalid" }],
    format: "armored",
  });
  const signingKey = await openpgp.readPrivateKey({ armoredKey: privateKey });
  const byAuthor = new Map<string, Record<string, { sha256: string; size: number; md5: string; mtime: string }>>();
  const recent: { epoch: string; path: string; type: string }[] = [];
  const packages: string[] = [];
  for (const [i, u] of uploads.entries()) {
    const path = authorPath(u.author, u.filename);
    const digest = (alg: string) => createHash(alg).update(u.uploaded).digest("hex");
    const entries = byAuthor.get(u.author) ?? {};
    const epoch = startEpoch + i;
    // The file's date as PAUSE's CHECKSUMS gives it: the day of the upload (ingest checks it agrees).
    if (!u.unlisted)
      entries[u.filename] = {
        sha256: digest("sha256"),
        size: u.uploaded.byteLength,
        md5: digest("md5"),
        mtime: new Date(epoch * 1000).toISOString().slice(0, 10),
      };
    byAuthor.set(u.author, entries);
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), u.served ?? u.uploaded);
    recent.push({ epoch: `${epoch}.${String(100000 + (i % 100000)).slice(1)}`, path, type: "new" });
    if (u.module) packages.push(`${u.module.name.padEnd(40)} ${u.module.version.padEnd(10)} ${path.slice("authors/id/".length)}`);
  }
  for (const [author, entries] of byAuthor) {
    const message = await openpgp.createCleartextMessage({ text: cksumDump(entries) });
    const signed = await openpgp.sign({ message, signingKeys: signingKey });
    writeFileSync(join(dir, dirname(authorPath(author, "x")), "CHECKSUMS"), `0&&<<''; # this PGP-signed message is also valid perl\n${signed}`);
  }
  recent.reverse(); // newest first, as PAUSE writes it
  const min = recent[recent.length - 1]?.epoch ?? String(startEpoch);
  writeFileSync(
    join(dir, "RECENT-1h.json"),
    `${JSON.stringify({ meta: { protocol: 1, interval: "1h", minmax: { min, max: recent[0]?.epoch ?? min }, dirtymark: "1" }, recent }, null, 1)}\n`,
  );
  const header = `File:         02packages.details.txt\nDescription:  Package names found in directory $CPAN/authors/id/\nColumns:      package name, version, path\nLine-Count:   ${packages.length}\nLast-Updated: ${new Date().toUTCString()}\n\n`;
  mkdirSync(join(dir, "modules"), { recursive: true });
  writeFileSync(join(dir, "modules/02packages.details.txt.gz"), gzipSync(`${header}${[...packages].sort().join("\n")}\n`));
  return { dir, publicKey, paths: uploads.map((u) => authorPath(u.author, u.filename)) };
}

export async function buildMirror(dir: string, dists: readonly DemoDist[], startEpoch = Math.floor(Date.now() / 1000) - 600): Promise<BuiltMirror> {
  const uploads: Upload[] = [];
  for (const d of dists) {
    const top = `${d.name}-${d.version}`;
    const uploaded = d.broken
      ? Buffer.from("<html><body>This is not an archive.</body></html>\n")
      : await makeTarGz({
          ...metaFiles(d),
          [`${top}/lib/${moduleOf(d.name).replace(/::/g, "/")}.pm`]: `package ${moduleOf(d.name)};\nour $VERSION = '${d.version}';\n1;\n`,
          [`${top}/Makefile.PL`]: "use ExtUtils::MakeMaker;\nWriteMakefile(NAME => 'X');\n",
          ...Object.fromEntries(Object.entries(d.files ?? {}).map(([k, v]) => [`${top}/${k}`, v])),
        });
    uploads.push({
      author: d.author,
      filename: `${top}.tar.gz`,
      uploaded,
      ...(d.tampered ? { served: Buffer.concat([uploaded, Buffer.from("\n# injected by a compromised mirror\n")]) } : {}),
      module: { name: moduleOf(d.name), version: d.version },
      ...(d.unlisted ? { unlisted: true } : {}),
    });
  }
  return writeMirror(dir, uploads, startEpoch);
}

/** A mirror of existing archives, all uploaded by one author (the corpus test and benchmark). */
export async function buildMirrorOfArchives(
  dir: string,
  author: string,
  archives: readonly { filename: string; bytes: Uint8Array }[],
  startEpoch = Math.floor(Date.now() / 1000) - 600,
): Promise<BuiltMirror> {
  return writeMirror(
    dir,
    archives.map((a) => ({ author, filename: a.filename, uploaded: a.bytes })),
    startEpoch,
  );
}
