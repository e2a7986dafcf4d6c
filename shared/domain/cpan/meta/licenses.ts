/** CPAN::Meta::Converter's licence tables: spec 1.x names, and their spec 2 equivalents. */

const OPEN_SOURCE_1 = ["perl", "gpl", "apache", "artistic", "artistic_2", "lgpl", "bsd", "gpl", "mit", "mozilla", "open_source"];
const LICENSE_MAP_1: Record<string, string> = Object.fromEntries(
  [...OPEN_SOURCE_1, "unrestricted", "restrictive", "unknown"].map((l) => [l, l]).concat([["artistic2", "artistic_2"]]),
);

export const CPAN_META_LICENSES = [
  "agpl_3",
  "apache_1_1",
  "apache_2_0",
  "artistic_1",
  "artistic_2",
  "bsd",
  "freebsd",
  "gfdl_1_2",
  "gfdl_1_3",
  "gpl_1",
  "gpl_2",
  "gpl_3",
  "lgpl_2_1",
  "lgpl_3_0",
  "mit",
  "mozilla_1_0",
  "mozilla_1_1",
  "openssl",
  "perl_5",
  "qpl_1_0",
  "ssleay",
  "sun",
  "zlib",
  "open_source",
  "restricted",
  "unrestricted",
  "unknown",
] as const;

const LICENSE_MAP_2: Record<string, string> = {
  ...Object.fromEntries(CPAN_META_LICENSES.map((l) => [l, l])),
  apache: "apache_2_0",
  artistic: "artistic_1",
  artistic2: "artistic_2",
  gpl: "open_source",
  lgpl: "open_source",
  mozilla: "open_source",
  perl: "perl_5",
  restrictive: "restricted",
};

const own = (map: Record<string, string>, k: string) => (Object.hasOwn(map, k) ? map[k] : undefined);

/** _license_1: a spec 1.0–1.3 licence string, as the 1.4 conversion step leaves it. */
export function license1(value: unknown): string {
  if (typeof value !== "string") return "unknown";
  return own(LICENSE_MAP_1, value.toLowerCase()) ?? "unknown";
}

/** _license_2: a spec 2 licence list. */
export function license2(value: unknown): string[] {
  if (value === null || value === undefined) return ["unknown"];
  const list = Array.isArray(value) ? value : [value];
  const out = list
    .flatMap((l) => (typeof l === "string" || typeof l === "number" ? [own(LICENSE_MAP_2, String(l).toLowerCase())] : []))
    .filter((l): l is string => !!l);
  return out.length ? out : ["unknown"];
}
