/**
 * What an export produces (files, by path relative to the output directory) and what it may read
 * back: the previous export in the same place, which is how `modified` and CSAF revisions stay
 * stable while an advisory does not change. A previous file that cannot be read as what we wrote
 * is an error, not a fresh start: silently restarting would reset revision histories.
 */
export interface PublishedFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** The bytes of a file of the previous export, or undefined when there is none. */
export type ReadPrevious = (path: string) => Promise<Uint8Array | undefined>;

export class PreviousExportError extends Error {
  override readonly name = "PreviousExportError";
}

/** Why an advisory id cannot name a published file, or undefined when it can. */
export function checkId(id: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(id) && id.length <= 200 ? undefined : `advisory id ${JSON.stringify(id)} is not [A-Za-z0-9._+-]: not published`;
}

export async function readPreviousJson<T>(readPrevious: ReadPrevious, path: string): Promise<T | undefined> {
  const bytes = await readPrevious(path);
  if (!bytes) return undefined;
  try {
    const v: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("not a JSON object");
    return v as T;
  } catch (e) {
    throw new PreviousExportError(`the previous export's ${path} is not readable JSON (${(e as Error).message}); move it away to start afresh`, { cause: e });
  }
}

/**
 * A URL both schemas' `uri` format accepts: a scheme, an authority, and only the characters RFC
 * 3986 allows outside an IP literal. The feed has a few that are not ("...Display.html?id=<0.06",
 * ".../DMA[2005-0131a].txt"); those are kept as text instead.
 */
export const isUri = (u: string) =>
  /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]+(?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/.test(u) &&
  /^[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+$/.test(u) &&
  URL.canParse(u);
