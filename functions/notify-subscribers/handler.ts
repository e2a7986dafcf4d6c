/** Lambda: SQS notify → one deliver job per matching subscription (once per pair), and the Atom feed. */
import { awsNotifyDeps } from "../../shared/runtime/aws-notify";
import { runtimeBase, stepHandler } from "../../shared/runtime/lambda";
import { step } from "./step";

const base = runtimeBase("notify");
export const handler = stepHandler(Promise.resolve({ ...base, deps: awsNotifyDeps(base.env, base.clients) }), "notify", step);
