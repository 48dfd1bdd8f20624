// The runtime matrix's own vitest config (`npm run test:runtimes`): its files are named *.runtimes.ts
// so the unit project's *.test.ts globs leave them alone. One summary line per runtime.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/runtimes/**/*.runtimes.ts"],
    environment: "node",
    reporters: ["verbose"],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
