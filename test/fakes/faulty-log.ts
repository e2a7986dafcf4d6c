// Fault injection for the log ports: the Nth mutating call fails, before or after it takes effect.
import type { LogHead, LogIndex, TileStore } from "../../shared/ports";
import { InjectedFault } from "./faults";

export interface FaultPlan {
  /** Fail the Nth write (create, publish, compareAndSwap, putMany), counting from 1. */
  failAt: number;
  /** Let the write happen, then fail (a crash after the write, before the caller learns of it). */
  after: boolean;
}

export function faulty(ports: { tiles: TileStore; head: LogHead; index: LogIndex }, plan: FaultPlan) {
  let writes = 0;
  const write = async <T>(op: () => Promise<T>): Promise<T> => {
    writes++;
    if (writes === plan.failAt && !plan.after) throw new InjectedFault(`write ${writes} failed`);
    const r = await op();
    if (writes === plan.failAt) throw new InjectedFault(`crashed after write ${writes}`);
    return r;
  };
  return {
    writes: () => writes,
    tiles: {
      read: (p: string) => ports.tiles.read(p),
      create: (p: string, b: Uint8Array) => write(() => ports.tiles.create(p, b)),
      publish: (p: string, b: Uint8Array) => write(() => ports.tiles.publish(p, b)),
    } satisfies TileStore,
    head: {
      read: () => ports.head.read(),
      compareAndSwap: (e: string | undefined, n: string) => write(() => ports.head.compareAndSwap(e, n)),
    } satisfies LogHead,
    index: {
      getMany: (ids: readonly string[]) => ports.index.getMany(ids),
      putMany: (r: ReadonlyArray<readonly [string, number]>) => write(() => ports.index.putMany(r)),
    } satisfies LogIndex,
  };
}
