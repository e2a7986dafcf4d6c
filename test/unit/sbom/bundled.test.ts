import { describe, expect, it } from "vitest";
import { bundledKeep, detectBundled } from "../../../shared/domain/sbom/bundled";

const files = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [k, new TextEncoder().encode(v)]));

describe("bundled code", () => {
  it("asks the archive reader for just the files (and prefixes) it reads", () => {
    expect(bundledKeep("DBD-SQLite-1.74/sqlite3.c")).toBe(256 * 1024);
    expect(bundledKeep("Foo-1/inc/Module/Install.pm")).toBe(256 * 1024);
    expect(bundledKeep("Foo-1/share/js/jquery-3.6.0.min.js")).toBe(4096);
    expect(bundledKeep("Foo-1/lib/Foo.pm")).toBe(false);
  });

  it("detects Module::Install, SQLite, zlib, libyaml, expat and jQuery with their versions", () => {
    const found = detectBundled(
      files({
        "Foo-1/inc/Module/Install.pm": "package Module::Install;\nuse 5.005;\nBEGIN {\n\t$VERSION = '1.19';\n}\n",
        "Foo-1/sqlite3.h": '#define SQLITE_VERSION        "3.39.4"\n#define SQLITE_VERSION_NUMBER 3039004\n',
        "Foo-1/sqlite3.c": '/* amalgamation */\n#define SQLITE_VERSION        "3.39.4"\n',
        "Foo-1/zlib/zlib.h": '#define ZLIB_VERSION "1.2.13"\n',
        "Foo-1/LibYAML/config.h": '#define YAML_VERSION_STRING "0.2.5"\n',
        "Foo-1/expat/lib/expat.h": "#define XML_MAJOR_VERSION 2\n#define XML_MINOR_VERSION 5\n#define XML_MICRO_VERSION 0\n",
        "Foo-1/share/jquery.min.js": "/*! jQuery v3.6.0 | (c) OpenJS Foundation and other contributors | jquery.org/license */\n!function(e){}",
        "Foo-1/other/config.h": "#define HAVE_STDLIB_H 1\n",
      }),
    );
    expect(found.map((b) => [b.name, b.version, b.purl])).toEqual([
      ["Module-Install", "1.19", "pkg:cpan/Module-Install@1.19"],
      ["expat", "2.5.0", "pkg:generic/expat@2.5.0"],
      ["jquery", "3.6.0", "pkg:npm/jquery@3.6.0"],
      ["libyaml", "0.2.5", "pkg:generic/libyaml@0.2.5"],
      ["sqlite", "3.39.4", "pkg:generic/sqlite@3.39.4"],
      ["zlib", "1.2.13", "pkg:generic/zlib@1.2.13"],
    ]);
  });

  it("reads the old jQuery header too", () => {
    expect(detectBundled(files({ "a/jquery-1.4.2.js": "/*!\n * jQuery JavaScript Library v1.4.2\n */" }))[0]?.version).toBe("1.4.2");
  });
});
