// The lint rules that keep the domain pure are part of the design; prove they bite.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/shared-data";

const eslint = new ESLint({ cwd: repoRoot });
const rulesHit = async (code: string, filePath: string) =>
  (await eslint.lintText(code, { filePath }))[0]?.messages.map((m) => m.ruleId) ?? [];

describe("layering lint rules", () => {
  it("keep AWS SDK, CDK, process.env and console out of shared/domain", async () => {
    const code = 'import { S3Client } from "@aws-sdk/client-s3";\nimport { App } from "aws-cdk-lib";\nexport const x = [S3Client, App, process.env.HOME];\nconsole.log(x);\n';
    expect(await rulesHit(code, "shared/domain/cpan/bad.ts")).toEqual(["no-restricted-imports", "no-restricted-imports", "no-restricted-properties", "no-restricted-globals"]);
  });

  it("keep the AWS SDK out of functions/ and the CLI, but allow it in shared/adapters/aws", async () => {
    const code = 'import { S3Client } from "@aws-sdk/client-s3";\nexport const x = S3Client;\n';
    expect(await rulesHit(code, "functions/ingest-release/ingest-release.ts")).toEqual(["no-restricted-imports"]);
    expect(await rulesHit(code, "cli/commands/x.ts")).toEqual(["no-restricted-imports"]);
    expect(await rulesHit(code, "shared/adapters/aws/s3-blob-store.ts")).toEqual([]);
  });
});
