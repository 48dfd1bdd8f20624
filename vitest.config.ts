import { defineConfig } from "vitest/config";

// Tests that start servers, spawn processes, or run properties and reliability suites. Everything
// else is a pure, in-process test: the "unit" project, which runs in seconds.
const INTEGRATION = [
  "src/sandbox/**/*.test.ts",
  "src/core/transport.test.ts",
  "src/core/node-transport.test.ts",
  "src/notifications.node.test.ts",
  "test/reliability/**/*.test.ts",
  "test/docs/**/*.test.ts",
  "scripts/*.test.ts",
  "scripts/bench/**/*.test.ts",
  "scripts/docs/**/*.test.ts",
  "contracts/**/*.test.ts",
];

// Separate projects because Pact consumer runs must finish writing pact files before anything reads them.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "src/**/*.test.ts",
            "test/**/*.test.ts",
            "scripts/redocly/**/*.test.ts",
            "scripts/lib/**/*.test.ts",
          ],
          exclude: [...INTEGRATION, "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: INTEGRATION,
          exclude: ["contracts/**/*.pact.test.ts", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        test: {
          name: "contracts",
          include: ["contracts/**/*.pact.test.ts"],
          environment: "node",
          fileParallelism: false,
        },
      },
      {
        // The docs site in Chromium (npm run test:browser builds site/ first). Its files are named
        // *.browser.ts so that the unit project's *.test.ts globs leave them alone.
        test: {
          name: "browser",
          include: ["test/browser/**/*.browser.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
