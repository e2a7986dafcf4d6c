/** A log entry that is not one of the kinds the log writes (./entry.ts, ./patch-entry.ts). */
export class EntryError extends Error {
  override readonly name = "EntryError";
}
