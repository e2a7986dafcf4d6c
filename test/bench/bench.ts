// `npm run bench`: measured numbers, never asserted. Sections: scan (more as the pipeline grows).
import { corpusFiles } from "../helpers/corpus";
import { benchScan } from "./scan";

const files = corpusFiles();
if (!files.length) {
  console.log("bench: ../shared/corpus is not present; nothing to measure");
  process.exit(0);
}
console.log(`bench on ${process.version}, ${new Date().toISOString()}`);
for (const line of benchScan(files)) console.log(line);
