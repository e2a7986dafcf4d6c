export type ArchiveErrorCode = "not-an-archive" | "corrupt" | "limit" | "unsafe-path" | "unsupported-entry";

/** A permanent problem with an archive: it will never read differently, so it is recorded, not retried. */
export class ArchiveError extends Error {
  override readonly name = "ArchiveError";
  constructor(
    readonly code: ArchiveErrorCode,
    message: string,
    readonly entry?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
