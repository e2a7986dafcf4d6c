import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsLogHead } from "../../shared/adapters/embedded/fs-log-head";
import { FsLogIndex } from "../../shared/adapters/embedded/fs-log-index";
import { FsTileStore } from "../../shared/adapters/embedded/fs-tile-store";
import { logHeadContract, logIndexContract, tileStoreContract } from "../contracts/log-ports";
import { MemoryLogHead, MemoryLogIndex, MemoryTileStore } from "../fakes/memory-log";

const fresh = () => mkdtempSync(join(tmpdir(), "cpansec-log-"));

tileStoreContract("FsTileStore", () => new FsTileStore(fresh()));
logHeadContract("FsLogHead", () => new FsLogHead(join(fresh(), "head")));
logIndexContract("FsLogIndex", () => new FsLogIndex(join(fresh(), "index.jsonl")));
tileStoreContract("MemoryTileStore (test fake)", () => new MemoryTileStore());
logHeadContract("MemoryLogHead (test fake)", () => new MemoryLogHead());
logIndexContract("MemoryLogIndex (test fake)", () => new MemoryLogIndex());
