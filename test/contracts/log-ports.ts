// Contract tests for the log ports (shared/ports.ts). Any adapter runs them: embedded, memory, AWS.
import { describe, expect, it } from "vitest";
import { ConflictError, type LogHead, type LogIndex, type TileStore } from "../../shared/ports";
import { type ContractOptions, announceSequential, race, values } from "./race";

const bytes = (s: string) => new TextEncoder().encode(s);

export function tileStoreContract(name: string, make: () => Promise<TileStore> | TileStore, o: ContractOptions = {}): void {
  announceSequential(name, o);
  describe(`${name}: TileStore contract`, () => {
    it("reads nothing where nothing was written", async () => {
      expect(await (await make()).read("tile/0/000")).toBeUndefined();
    });
    it("creates once; identical bytes again are success; different bytes are a ConflictError", async () => {
      const s = await make();
      await s.create("tile/0/000.p/1", bytes("a"));
      await s.create("tile/0/000.p/1", bytes("a"));
      await expect(s.create("tile/0/000.p/1", bytes("b"))).rejects.toBeInstanceOf(ConflictError);
      expect(new TextDecoder().decode(await s.read("tile/0/000.p/1"))).toBe("a");
    });
    it("lets exactly one of concurrent different creates win", async () => {
      const s = await make();
      const results = await race(
        o,
        ["x", "y", "z"].map((v) => () => s.create("tile/entries/000", bytes(v))),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(results.filter((r) => r.status === "rejected" && r.reason instanceof ConflictError)).toHaveLength(2);
    });
    it("publishes (overwrites) mutable objects", async () => {
      const s = await make();
      await s.publish("checkpoint", bytes("1"));
      await s.publish("checkpoint", bytes("2"));
      expect(new TextDecoder().decode(await s.read("checkpoint"))).toBe("2");
    });
  });
}

export function logHeadContract(name: string, make: () => Promise<LogHead> | LogHead, o: ContractOptions = {}): void {
  announceSequential(name, o);
  describe(`${name}: LogHead contract`, () => {
    it("starts absent and swaps only from the expected value", async () => {
      const h = await make();
      expect(await h.read()).toBeUndefined();
      expect(await h.compareAndSwap("nope", "a")).toBe(false);
      expect(await h.compareAndSwap(undefined, "a")).toBe(true);
      expect(await h.compareAndSwap(undefined, "b")).toBe(false);
      expect(await h.compareAndSwap("a", "b")).toBe(true);
      expect(await h.read()).toBe("b");
    });
    it("lets exactly one of concurrent swaps from the same value win", async () => {
      const h = await make();
      await h.compareAndSwap(undefined, "base");
      const wins = values(
        await race(
          o,
          ["1", "2", "3", "4"].map((v) => () => h.compareAndSwap("base", v)),
        ),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(["1", "2", "3", "4"]).toContain(await h.read());
    });
    it("keeps working over many swaps", async () => {
      const h = await make();
      let cur: string | undefined;
      for (let i = 0; i < 20; i++) {
        expect(await h.compareAndSwap(cur, `v${i}`)).toBe(true);
        cur = `v${i}`;
      }
      expect(await h.read()).toBe("v19");
    });
  });
}

export function logIndexContract(name: string, make: () => Promise<LogIndex> | LogIndex): void {
  describe(`${name}: LogIndex contract`, () => {
    it("records ids and finds them; repeating a record is harmless", async () => {
      const x = await make();
      expect(await x.getMany(["a"])).toEqual(new Map());
      await x.putMany([
        ["a", 0],
        ["b", 1],
      ]);
      await x.putMany([["a", 0]]);
      expect(await x.getMany(["a", "b", "c"])).toEqual(
        new Map([
          ["a", 0],
          ["b", 1],
        ]),
      );
    });
  });
}
