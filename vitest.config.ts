import { defineConfig } from "vitest/config";

// Two projects because Pact consumer runs must finish writing pact files before anything reads them.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "src/**/*.test.ts",
            "scripts/**/*.test.ts",
            "test/**/*.test.ts",
            "contracts/**/*.test.ts",
          ],
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
