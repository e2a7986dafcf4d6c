/**
 * What a worker thread needs to find this program: the entry script's URL (set by ./cpansec.ts;
 * unset when the code runs some other way, e.g. imported by a test, and then nothing uses workers)
 * and the role a worker is started in.
 */
export let entryUrl: string | undefined;
export const setEntryUrl = (url: string) => {
  entryUrl = url;
};
export const SCAN_READER = "cpansec-scan-reader";
