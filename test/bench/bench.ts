// `npm run bench [-- --only scan,advisories,pipeline,log,lambda,load] [-- --load N] [-- --quick]`: measured numbers, never asserted.
import { parseArgs } from "node:util";
import { corpusFiles } from "../helpers/corpus";
import { sharedPath } from "../helpers/shared-data";
import { benchAdvisories } from "./advisories";
import { benchLambda } from "./lambda";
import { benchLoad } from "./load";
import { benchLog } from "./log";
import { benchPipeline } from "./pipeline";
import { benchScan } from "./scan";

const { values } = parseArgs({ options: { only: { type: "string" }, quick: { type: "boolean" }, load: { type: "string" } } });
// `--load N` alone runs only the load benchmark.
const only = values.only?.split(",") ?? (values.load ? ["load"] : undefined);
const want = (s: string) => !only || only.includes(s);

console.log(`bench on ${process.version}, ${new Date().toISOString()}`);
if (want("scan")) {
  const files = corpusFiles();
  if (files.length) for (const line of await benchScan(files)) console.log(line);
  else console.log("scan: skipped, ../shared/corpus is not present");
}
if (want("advisories")) {
  const feed = sharedPath("data", "cpansa-db-2026-08-16.json");
  if (feed) for (const line of benchAdvisories(feed)) console.log(line);
  else console.log("advisories: skipped, ../shared/data is not present");
}
if (want("pipeline")) {
  if (corpusFiles().length) for (const line of await benchPipeline()) console.log(line);
  else console.log("pipeline: skipped, ../shared/corpus is not present");
}
if (want("log")) {
  const q = values.quick;
  for (const line of await benchLog({ entries: q ? 10_000 : 100_000, single: q ? 1_000 : 10_000, proofSize: q ? 100_000 : 1_000_000 })) console.log(line);
}
if (want("lambda")) for (const line of await benchLambda()) console.log(line);
if (values.load || only?.includes("load")) {
  const n = Number(values.load ?? (values.quick ? 1000 : 10_000));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--load wants a count of uploads, not ${values.load}`);
  for (const line of await benchLoad(n)) console.log(line);
}
