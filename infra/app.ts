// The `cdk` entry point (cdk.json: "npx tsx infra/app.ts"). Environment-agnostic: no account or
// region lookups, so `cdk synth` works offline and without credentials.
import { createPipelineApp } from "./pipeline-app";

createPipelineApp().app.synth();
