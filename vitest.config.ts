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
    ],
  },
});
