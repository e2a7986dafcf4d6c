import { join } from "node:path";
import type { LogHead, LogIndex, TileStore } from "../../ports";
import { FsLogHead } from "./fs-log-head";
import { FsLogIndex } from "./fs-log-index";
import { FsObjectStore } from "./fs-object-store";

/**
 * A log directory: the public C2SP layout (`checkpoint`, `tile/`, `vkey`) at its root, the
 * sequencer's private state under `.cpansec/` (head versions, id index) and `.staging/`.
 * Serve only the public part.
 */
export function embeddedLog(dir: string): { tiles: TileStore; head: LogHead; index: LogIndex } {
  return {
    tiles: new FsObjectStore(dir),
    head: new FsLogHead(join(dir, ".cpansec", "head")),
    index: new FsLogIndex(join(dir, ".cpansec", "index.jsonl")),
  };
}
