// Lint rules that keep the layers honest (docs/architecture.md): the domain is pure (no AWS, no CDK,
// no process.env); only shared/adapters/aws and shared/runtime may talk to the AWS SDK; adapters and
// contracts import nothing wired above them; a use case takes ports (only its handler.ts wires
// adapters); infra/ never imports the CLI.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const wiredAbove = ["**/functions/**", "**/runtime/**", "**/cli/**"];
const wired = { group: wiredAbove, message: "Adapters and contracts may not import use cases, the runtime or the CLI (docs/architecture.md)." };
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
    ignores: ["shared/adapters/aws/**", "shared/runtime/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [noAws] }],
    },
  },
  {
    // Adapters implement ports: they import ports, messages and the domain, never what is wired above them.
    files: ["shared/adapters/**/*.ts", "shared/ports/**/*.ts", "shared/messages/**/*.ts", "shared/pipeline/**/*.ts"],
    ignores: ["shared/adapters/aws/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [noAws, wired] }],
    },
  },
  {
    files: ["shared/adapters/aws/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [wired] }],
    },
  },
  {
    // A use case names the ports it needs; only its handler.ts (the Lambda entry) wires adapters.
    files: ["functions/**/*.ts"],
    ignores: ["functions/**/handler.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            noAws,
            {
              group: ["**/adapters/**", "**/runtime/**", "**/cli/**"],
              message: "A use case takes ports; adapters are wired in handler.ts or cli/embedded (docs/architecture.md).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["infra/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/cli/**", "../cli/*"], message: "infra/ reads names and settings from shared/, never from the CLI." }] },
      ],
    },
  },
  {
    files: ["shared/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            noAws,
            {
              group: ["../../adapters/*", "../../../adapters/*", "**/adapters/**", ...wiredAbove],
              message: "The domain may not import adapters, use cases, the runtime or the CLI.",
            },
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "The domain takes configuration as arguments, never from process.env." },
      ],
      "no-restricted-globals": ["error", { name: "console", message: "The domain returns data; it does not print." }],
    },
  },
);
