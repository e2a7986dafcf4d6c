// `npm run bench [-- --only scan,advisories,process,pipeline,rematch,log,lambda,load] [-- --load N] [-- --quick]`: measured numbers, never asserted.
import { parseArgs } from "node:util";
import { corpusFiles, fullCorpus } from "../helpers/corpus";
import { realFeeds } from "../helpers/fixtures";
import { benchAdvisories } from "./advisories";
import { benchLambda } from "./lambda";
import { benchLoad } from "./load";
import { benchLog } from "./log";
import { benchPipeline } from "./pipeline";
import { benchRematch } from "./rematch";
import { calibration, settle } from "./run";
import { benchScan } from "./scan";
import { benchWholeProcess } from "./whole-process";
import { join } from "node:path";
import { repoRoot } from "../helpers/shared-data";

const { values } = parseArgs({ options: { only: { type: "string" }, quick: { type: "boolean" }, load: { type: "string" } } });
// `--load N` alone runs only the load benchmark.
const only = values.only?.split(",") ?? (values.load ? ["load"] : undefined);
// Each benchmark first waits out the files an earlier one removed (run.ts, settle): they would slow its file creation.
const settled = async () => {
  const waited = await settle();
  if (waited) console.log(`(waited ${(waited / 1000).toFixed(0)} s for the files the benchmark before removed to stop slowing file creation)`);
  return true;
};
const want = async (s: string) => (!only || only.includes(s)) && (await settled());

console.log(`bench on ${process.version}, ${new Date().toISOString()}; calibration (a fixed CPU loop): ${calibration().toFixed(0)} ms`);
// The corpus is test/fixtures' dozen archives unless the 300 of a shared folder are there.
const corpusNote = fullCorpus
  ? `the corpus of ${fullCorpus}`
  : "test/fixtures/corpus only (for all 300 archives: CPANSEC_SHARED=<dir holding corpus/ and data/>, or that folder as ../shared beside the clone)";
if (!only || only.includes("scan") || only.includes("pipeline")) console.log(`corpus: ${corpusFiles().length} archives, ${corpusNote}`);
if (await want("scan")) {
  for (const line of await benchScan(corpusFiles())) console.log(line);
}
if (await want("advisories")) {
  const feed = realFeeds()[0] as { name: string; path: string };
  console.log(`advisories: the ${feed.name} feed`);
  for (const line of benchAdvisories(feed.path)) console.log(line);
}
if (await want("process")) {
  const feed = realFeeds()[0] as { name: string; path: string };
  for (const line of benchWholeProcess(join(repoRoot, "dist/cpansec.mjs"), feed.path)) console.log(line);
}
if (await want("pipeline")) {
  for (const line of await benchPipeline()) console.log(line);
}
if (await want("rematch")) {
  const feed = realFeeds()[0] as { name: string; path: string };
  for (const line of await benchRematch(feed.path, values.quick ? 10_000 : 100_000, process.env.CPANSEC_BENCH_PROFILE)) console.log(line);
}
if (await want("log")) {
  const q = values.quick;
  for (const line of await benchLog({ entries: q ? 10_000 : 100_000, single: q ? 1_000 : 10_000, proofSize: q ? 100_000 : 1_000_000 })) console.log(line);
}
if (await want("lambda")) for (const line of await benchLambda()) console.log(line);
if ((values.load || only?.includes("load")) && (await settled())) {
  const n = Number(values.load ?? (values.quick ? 1000 : 10_000));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--load wants a count of uploads, not ${values.load}`);
  for (const line of await benchLoad(n)) console.log(line);
}
