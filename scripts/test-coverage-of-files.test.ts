// Every test file in the repository is run by `npm test`: a file no vitest project includes passes
// silently for ever (scripts/lib/*.test.ts did, 24 tests, until this check). The projects' own
// listing is compared with the test files git tracks.

import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");

/** Test files by the names the vitest projects use: `*.test.ts`, and `*.browser.ts` for the browser project. */
const TEST_FILE_PATTERNS = ["*.test.ts", "*.browser.ts", "*.runtimes.ts"];

/** Run by `npm run test:runtimes` with its own config (test/runtimes/vitest.config.ts), a stage of npm test. */
const OWN_CONFIG: Readonly<Record<string, string>> = {
  "test/runtimes/matrix.runtimes.ts": "test/runtimes/vitest.config.ts",
};

function tracked(): string[] {
  return execFileSync("git", ["ls-files", "--", ...TEST_FILE_PATTERNS], { cwd: root, encoding: "utf8" })
    .split("\n")
    .filter((line) => line !== "" && !line.includes("node_modules/"))
    .sort();
}

function listed(config?: string): string[] {
  const args = ["vitest", "list", "--filesOnly", ...(config === undefined ? [] : ["--config", config])];
  const output = execFileSync("npx", args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  // One line per file, prefixed with its project: "[unit] src/core/call.test.ts".
  return output
    .split("\n")
    .map((line) => line.replace(/^\[[^\]]+\]\s+/, "").trim())
    .filter((line) => line !== "");
}

describe("the vitest projects", () => {
  it("run every test file git tracks, each through the config npm test uses for it", () => {
    const otherConfigs = [...new Set(Object.values(OWN_CONFIG))];
    const run = new Set([...listed(), ...otherConfigs.flatMap((config) => listed(config))]);
    const files = tracked();
    expect(files.length).toBeGreaterThan(80);
    expect(files.filter((file) => !run.has(file))).toStrictEqual([]);
  });
});
