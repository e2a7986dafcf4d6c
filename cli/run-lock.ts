/**
 * One `cpansec run` per data directory: at start it releases the queues' in-flight messages, which
 * is only safe when no other runner holds them.
 *
 * The lock is an exclusive SQLite lock on <data>/run.lock, held by the open connection: taking it
 * is atomic (two runs started together: one wins, the other is told at once), and the kernel drops
 * it when the holder exits or is killed, so there is never a stale lock to judge and take over (the
 * race an exists-then-write pid file has).
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "./errors";

export const LOCK_FILE = "run.lock";

export function lockDataDir(data: string): () => void {
  mkdirSync(data, { recursive: true });
  const file = join(data, LOCK_FILE);
  const db = new Database(file, { timeout: 0 });
  try {
    // EXCLUSIVE locking mode keeps the lock from the first write until the connection closes.
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, since TEXT NOT NULL)");
    db.transaction(() => {
      db.exec("DELETE FROM holder");
      db.prepare("INSERT INTO holder (pid, since) VALUES (?, ?)").run(process.pid, new Date().toISOString());
    }).exclusive();
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code?.startsWith("SQLITE_BUSY"))
      throw new UserError(`another cpansec run is using ${data} (it holds ${file}); one run per data directory`, 2);
    throw e;
  }
  return () => db.close();
}
