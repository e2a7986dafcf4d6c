/**
 * Code bundled in a distribution that is not its own: Module::Install under inc/, and C or
 * JavaScript libraries vendored in the archive, each with the version it declares, so advisories
 * against that code can be matched (docs/decisions/0006-sboms.md).
 */
import { buildCpanPurl } from "../cpan/purl";
import { byCodePoint } from "../order";

// Apart, so that a scan's reader thread, which only reads archives, loads none of the rest.
export { bundledKeep } from "./bundled-keep";

export interface BundledComponent {
  /** The library's usual name (sqlite, zlib, libyaml, expat, jquery, or a CPAN distribution). */
  readonly name: string;
  readonly version?: string;
  readonly purl?: string;
  /** The file the version was read from. */
  readonly path: string;
  readonly ecosystem: "cpan" | "c" | "javascript";
}

const base = (p: string) => p.slice(p.lastIndexOf("/") + 1);

const generic = (name: string, version?: string) => `pkg:generic/${name}${version ? `@${encodeURIComponent(version)}` : ""}`;
const text = (bytes: Uint8Array) => new TextDecoder("latin1").decode(bytes);

export function detectBundled(files: ReadonlyMap<string, Uint8Array>): BundledComponent[] {
  const out = new Map<string, BundledComponent>();
  const add = (c: BundledComponent) => {
    const key = `${c.name}@${c.version ?? ""}`;
    if (!out.has(key)) out.set(key, c);
  };
  for (const [path, bytes] of files) {
    const b = base(path);
    const src = text(bytes);
    if (/(^|\/)inc\/Module\/Install\.pm$/.test(path)) {
      const v = /\$VERSION\s*=\s*['"]?([0-9][0-9._]*)['"]?\s*;/.exec(src)?.[1];
      add({
        name: "Module-Install",
        ...(v ? { version: v } : {}),
        purl: buildCpanPurl({ dist: "Module-Install", ...(v ? { version: v } : {}) }),
        path,
        ecosystem: "cpan",
      });
    } else if (b === "sqlite3.c" || b === "sqlite3.h") {
      const v = /#define\s+SQLITE_VERSION\s+"([0-9][0-9.]*)"/.exec(src)?.[1];
      if (v) add({ name: "sqlite", version: v, purl: generic("sqlite", v), path, ecosystem: "c" });
    } else if (b === "zlib.h") {
      const v = /#define\s+ZLIB_VERSION\s+"([0-9][0-9A-Za-z.-]*)"/.exec(src)?.[1];
      if (v) add({ name: "zlib", version: v, purl: generic("zlib", v), path, ecosystem: "c" });
    } else if (b === "expat.h") {
      const [maj, min, mic] = ["MAJOR", "MINOR", "MICRO"].map((k) => new RegExp(`#define\\s+XML_${k}_VERSION\\s+(\\d+)`).exec(src)?.[1]);
      if (maj && min && mic) add({ name: "expat", version: `${maj}.${min}.${mic}`, purl: generic("expat", `${maj}.${min}.${mic}`), path, ecosystem: "c" });
    } else if (b === "yaml.h" || b === "config.h" || b === "yaml_private.h") {
      const v = /#define\s+YAML_VERSION_STRING\s+"([0-9][0-9.]*)"/.exec(src)?.[1];
      if (v) add({ name: "libyaml", version: v, purl: generic("libyaml", v), path, ecosystem: "c" });
    } else if (/jquery[^/]*\.js$/i.test(b)) {
      const v = /jQuery(?: JavaScript Library)? v([0-9]+\.[0-9]+(?:\.[0-9]+)?(?:[-.][0-9A-Za-z.]+)?)/.exec(src)?.[1];
      if (v) add({ name: "jquery", version: v, purl: `pkg:npm/jquery@${v}`, path, ecosystem: "javascript" });
    }
  }
  return [...out.values()].sort((a, b) => byCodePoint(a.name, b.name) || byCodePoint(a.version ?? "", b.version ?? "") || byCodePoint(a.path, b.path));
}
