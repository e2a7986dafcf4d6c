/**
 * Where this program's bundle is: the entry script's URL (set by ./cpansec.ts; unset when the code
 * runs some other way, e.g. imported by a test, and then nothing uses workers). A scan's reader
 * thread runs dist/scan-worker.mjs beside it.
 */
export let entryUrl: string | undefined;
export const setEntryUrl = (url: string) => {
  entryUrl = url;
};
