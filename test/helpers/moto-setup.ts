/**
 * Vitest global setup: one moto server (AWS emulator: S3, SQS, DynamoDB, SES v2, Secrets
 * Manager) on a free 127.0.0.1 port for the whole run. Tests that need it `inject("moto")`; if
 * moto_server is missing they fail with the reason (they are not silently skipped).
 */
import type { TestProject } from "vitest/node";
import { startMoto } from "./moto";

declare module "vitest" {
  export interface ProvidedContext {
    moto: { endpoint?: string; error?: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const moto = await startMoto();
    project.provide("moto", { endpoint: moto.endpoint });
    return async () => moto.stop();
  } catch (e) {
    project.provide("moto", { error: (e as Error).message });
    return async () => {};
  }
}
