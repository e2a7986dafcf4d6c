/** What the archive reader must keep for ./bundled.ts (a prefix is enough: versions are declared near the top). */
const PREFIX = 256 * 1024;

export function bundledKeep(path: string): number | false {
  const b = path.slice(path.lastIndexOf("/") + 1);
  if (/(^|\/)inc\/Module\/Install\.pm$/.test(path)) return PREFIX;
  if (["sqlite3.c", "sqlite3.h", "zlib.h", "expat.h", "yaml.h", "config.h", "yaml_private.h"].includes(b)) return PREFIX;
  if (/jquery[^/]*\.js$/i.test(b)) return 4096;
  return false;
}
