// Lint rules that keep the layers honest: the domain is pure (no AWS, no CDK, no process.env),
// and only shared/adapters/aws may talk to the AWS SDK.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const noAws = { group: ["@aws-sdk/*", "aws-cdk-lib", "aws-cdk-lib/*", "constructs"], message: "AWS SDK/CDK belong in shared/adapters/aws or infra/." };

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdk.out/", "cpansec-data/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["functions/**/*.ts", "shared/**/*.ts", "cli/**/*.ts"],
    ignores: ["shared/adapters/aws/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [noAws] }],
    },
  },
  {
    files: ["shared/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [noAws, { group: ["../../adapters/*", "../../../adapters/*", "**/adapters/**"], message: "The domain may not import adapters." }] }],
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "The domain takes configuration as arguments, never from process.env." }],
      "no-restricted-globals": ["error", { name: "console", message: "The domain returns data; it does not print." }],
    },
  },
);
