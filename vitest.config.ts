import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // beforeAll hooks synthesize the CDK stack (bundling nine functions): well over vitest's 10 s
    // default on a loaded 2-core machine, though each takes about 15 s alone.
    hookTimeout: 300_000,
    pool: "forks",
    // Order matters: the sandbox first, so moto and the build see its TMPDIR.
    globalSetup: ["./test/helpers/tmp-sandbox.ts", "./test/helpers/build-cli.ts", "./test/helpers/moto-setup.ts"],
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
