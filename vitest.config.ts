import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    globalSetup: ["./test/helpers/moto-setup.ts"],
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
