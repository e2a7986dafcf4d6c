// The lint rules that keep the domain pure are part of the design; prove they bite.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/shared-data";

const eslint = new ESLint({ cwd: repoRoot });
const rulesHit = async (code: string, filePath: string) => (await eslint.lintText(code, { filePath }))[0]?.messages.map((m) => m.ruleId) ?? [];

describe("layering lint rules", () => {
  it("keep AWS SDK, CDK, process.env and console out of shared/domain", async () => {
    const code =
      'import { S3Client } from "@aws-sdk/client-s3";\nimport { App } from "aws-cdk-lib";\nexport const x = [S3Client, App, process.env.HOME];\nconsole.log(x);\n';
    expect(await rulesHit(code, "shared/domain/cpan/bad.ts")).toEqual([
      "no-restricted-imports",
      "no-restricted-imports",
      "no-restricted-properties",
      "no-restricted-globals",
    ]);
  });

  it("keep the AWS SDK out of functions/ and the CLI, but allow it in shared/adapters/aws", async () => {
    const code = 'import { S3Client } from "@aws-sdk/client-s3";\nexport const x = S3Client;\n';
    expect(await rulesHit(code, "functions/ingest-release/ingest-release.ts")).toEqual(["no-restricted-imports"]);
    expect(await rulesHit(code, "cli/commands/x.ts")).toEqual(["no-restricted-imports"]);
    expect(await rulesHit(code, "shared/adapters/aws/s3-blob-store.ts")).toEqual([]);
  });

  it("keep use cases, the runtime and the CLI out of adapters, contracts and shared pipeline code", async () => {
    const code =
      'import { ingestRelease } from "../../../functions/ingest-release/ingest-release";\nimport { coldStart } from "../../runtime/lambda";\nimport { openEmbeddedPipeline } from "../../../cli/embedded/pipeline";\nexport const x = [ingestRelease, coldStart, openEmbeddedPipeline];\n';
    const three = ["no-restricted-imports", "no-restricted-imports", "no-restricted-imports"];
    expect(await rulesHit(code, "shared/adapters/embedded/bad.ts")).toEqual(three);
    expect(await rulesHit(code, "shared/adapters/aws/bad.ts")).toEqual(three);
    expect(await rulesHit(code, "shared/ports/bad.ts")).toEqual(three);
    expect(await rulesHit(code, "shared/pipeline/bad.ts")).toEqual(three);
    expect(await rulesHit(code, "shared/domain/cpan/bad.ts")).toEqual(three);
    // The composition roots may.
    expect(await rulesHit(code, "shared/runtime/bad.ts")).toEqual([]);
    expect(await rulesHit(code, "cli/embedded/bad.ts")).toEqual([]);
  });

  it("let a use case take ports only: adapters and the runtime are wired in its handler.ts", async () => {
    const code =
      'import { EmbeddedDb } from "../../shared/adapters/embedded/sqlite-db";\nimport { coldStart } from "../../shared/runtime/lambda";\nexport const x = [EmbeddedDb, coldStart];\n';
    expect(await rulesHit(code, "functions/generate-sbom/generate-sbom.ts")).toEqual(["no-restricted-imports", "no-restricted-imports"]);
    expect(await rulesHit(code, "functions/generate-sbom/handler.ts")).toEqual([]);
  });

  it("keep the CLI out of infra/", async () => {
    const code = 'import { DEFAULT_FEED_URL } from "../cli/feed-source";\nexport const x = DEFAULT_FEED_URL;\n';
    expect(await rulesHit(code, "infra/stage-config.ts")).toEqual(["no-restricted-imports"]);
    expect(await rulesHit(code.replace("../cli/feed-source", "../shared/domain/advisories/feed"), "infra/stage-config.ts")).toEqual([]);
  });
});
