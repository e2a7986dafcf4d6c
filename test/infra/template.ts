/**
 * Synthesizes the pipeline stack the way `cdk synth` does (same app builder, same cdk-nag plugin)
 * but without bundling, and reads the template back as data: references resolved to logical ids,
 * each function's IAM statements collected from the policies attached to its role.
 */
import type { App, CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { Construct } from "constructs";
import { createPipelineApp } from "../../infra/pipeline-app";
import type { PipelineStack, PipelineStackProps } from "../../infra/pipeline-stack";

export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: PipelineStack;
  readonly json: { Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };
  /** The logical id of a construct's CloudFormation resource. */
  readonly id: (c: Construct) => string;
}

/** Context every test stack gets: bundling off, email on (so the SES grant exists), an alarm address. */
export const TEST_CONTEXT = {
  "aws:cdk:bundling-stacks": [],
  sesIdentity: "alerts@example.org",
  alarmEmail: "ops@example.org",
  patchesUrl: "https://security.metacpan.org/patches/",
};

export function synthesize(context: Record<string, unknown> = TEST_CONTEXT, o: Pick<PipelineStackProps, "steps"> = {}): Synthesized {
  const { app, stack } = createPipelineApp({ context }, o);
  const json = Template.fromStack(stack).toJSON() as Synthesized["json"];
  const id = (c: Construct) => stack.getLogicalId((c.node.defaultChild ?? c) as CfnElement);
  return { app, stack, json, id };
}

export const ofType = (s: Synthesized, type: string) => Object.entries(s.json.Resources).filter(([, r]) => r.Type === type);

/** A reference in a template value: `{Ref}` / `{Fn::GetAtt}` → the logical id, else undefined. */
export function refOf(v: unknown): string | undefined {
  if (!v || typeof v !== "object") return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.Ref === "string") return o.Ref;
  const att = o["Fn::GetAtt"];
  if (Array.isArray(att) && typeof att[0] === "string") return att[0];
  return undefined;
}

/** An IAM resource as (logical id, suffix): `{Fn::Join: ["", [{GetAtt X.Arn}, "/releases/*"]]}` → {id: X, suffix: "/releases/*"}. */
export interface ResourceRef {
  readonly id?: string;
  readonly suffix: string;
  /** The value as written, for messages. */
  readonly text: string;
}

export function resourceRef(v: unknown): ResourceRef {
  const text = JSON.stringify(v);
  if (typeof v === "string") return { suffix: v, text };
  const direct = refOf(v);
  if (direct) return { id: direct, suffix: "", text };
  const join = (v as Record<string, unknown>)["Fn::Join"];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    const parts = join[1] as unknown[];
    const ids = parts.map(refOf).filter((x): x is string => x !== undefined && !x.startsWith("AWS::"));
    const suffix = parts.filter((p): p is string => typeof p === "string").join("");
    return { ...(ids.length === 1 ? { id: ids[0] } : {}), suffix, text };
  }
  return { suffix: "", text };
}

export interface Statement {
  readonly Effect: string;
  readonly actions: string[];
  readonly resources: ResourceRef[];
  /** The statement's Condition block, when it has one. */
  readonly condition?: unknown;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every IAM statement attached (inline policy or AWS::IAM::Policy) to the role of the function with this logical id. */
export function statementsOf(s: Synthesized, functionId: string): Statement[] {
  const fn = s.json.Resources[functionId];
  const roleId = refOf(fn?.Properties?.Role);
  if (!roleId) throw new Error(`${functionId} has no role`);
  const role = s.json.Resources[roleId];
  const docs = [
    ...list(role?.Properties?.Policies as { PolicyDocument: unknown }[] | undefined).map((p) => p.PolicyDocument),
    ...ofType(s, "AWS::IAM::Policy")
      .filter(([, p]) => list(p.Properties?.Roles as unknown[]).some((r) => refOf(r) === roleId))
      .map(([, p]) => p.Properties?.PolicyDocument),
  ];
  if (list(role?.Properties?.ManagedPolicyArns as unknown[]).length > 0)
    throw new Error(`${roleId} has managed policies: their statements are not in the template`);
  return docs.flatMap((d) =>
    list((d as { Statement: Record<string, unknown>[] }).Statement).map((st) => ({
      Effect: st.Effect as string,
      actions: list(st.Action as string | string[]),
      resources: list(st.Resource).map(resourceRef),
      ...(st.Condition !== undefined ? { condition: st.Condition } : {}),
    })),
  );
}

/** Whether an IAM/S3 wildcard pattern (`*` any run of characters) matches a key. */
export function patternMatches(pattern: string, key: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return re.test(key);
}
