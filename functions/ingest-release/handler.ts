/** Lambda: SQS ingest-release → download, verify against PAUSE-signed CHECKSUMS, parse, fan out. */
import { coldStart, stepHandler } from "../../shared/runtime/lambda";
import { pauseKeys } from "../../shared/adapters/aws/pause-keys";
import { step } from "./step";

const ready = coldStart("ingest-release", async (env, clients) => ({ trustedKeys: await pauseKeys(env, clients.options) }));
export const handler = stepHandler(ready, "ingest", step);
