// Start-up: the program registers (and so loads) only the command the arguments run.
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../../cli/main";

const names = async (argv: string[]) => (await buildProgram(argv)).commands.map((c) => c.name()).sort();

describe("buildProgram", () => {
  it("loads no command for a bare --version", async () => {
    expect(await names(["--version"])).toEqual([]);
    expect(await names(["-V"])).toEqual([]);
  });
  it("loads only the command being run (demo lives with run)", async () => {
    expect(await names(["advisories", "match", "--db", "f"])).toEqual(["advisories"]);
    expect(await names(["demo", "--dir", "d"])).toEqual(["demo", "run"]);
  });
  it("loads every command for help, no command and an unknown command", async () => {
    const all = ["advisories", "audit", "demo", "log", "patch", "run", "scan", "subscribe"];
    for (const argv of [["--help"], [], ["help", "scan"], ["bogus"], ["--version", "--help"]]) expect(await names(argv)).toEqual(all);
  });
});
