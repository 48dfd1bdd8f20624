import { describe, expect, it } from "vitest";
import { STAGES, stageSummary, vitestCounts } from "./test-stages.js";

const VITEST_PASS = [
  " ✓  unit  src/core/errors.test.ts (40 tests) 60ms",
  "",
  "\u001b[2m Test Files \u001b[22m \u001b[1m\u001b[32m45 passed\u001b[39m\u001b[22m\u001b[90m (45)\u001b[39m",
  "\u001b[2m      Tests \u001b[22m \u001b[1m\u001b[32m949 passed\u001b[39m\u001b[22m\u001b[90m (949)\u001b[39m",
  "   Duration  44.39s",
].join("\n");

describe("vitestCounts", () => {
  it("reads passed and failed from the Tests line, colours or not, and ignores the Test Files line", () => {
    expect(vitestCounts(VITEST_PASS)).toEqual({ passed: 949, failed: 0 });
    expect(vitestCounts("      Tests  2 failed | 947 passed (949)")).toEqual({ passed: 947, failed: 2 });
  });

  it("adds up several runs (one per file when run one at a time)", () => {
    expect(vitestCounts("Tests  3 passed (3)\nTests  1 failed | 4 passed (5)\n")).toEqual({
      passed: 7,
      failed: 1,
    });
  });

  it("is undefined when vitest printed no summary (it crashed before)", () => {
    expect(vitestCounts("Error: Cannot find module 'x'\n")).toBeUndefined();
  });
});

describe("stageSummary", () => {
  it("gives a vitest stage's counts", () => {
    expect(stageSummary({ script: "test:unit", vitest: true }, VITEST_PASS)).toBe("949 passed, 0 failed");
  });

  it("gives another stage's last line, without npm's '>' headers, cut at 110 characters", () => {
    expect(
      stageSummary({ script: "check:generated", vitest: false }, "> x\ncheck:generated: 12 files match.\n\n"),
    ).toBe("check:generated: 12 files match.");
    expect(stageSummary({ script: "typecheck", vitest: false }, "")).toBe("");
    expect(stageSummary({ script: "typecheck", vitest: false, silentMeans: "tsc: no errors" }, "")).toBe(
      "tsc: no errors",
    );
    expect(stageSummary({ script: "lint", vitest: false }, "x".repeat(200))).toBe(`${"x".repeat(107)}...`);
  });

  it("gives contracts:verify's closing line whole: three steps, each passed or FAILED, times under 10 s", () => {
    const verify = STAGES.find((stage) => stage.script === "contracts:verify");
    const line =
      "contracts:verify: against the spec FAILED (0.4 s), against the sandbox FAILED (1.3 s), messages FAILED (0.1 s)";
    expect(line).toHaveLength(110);
    expect(
      verify && stageSummary(verify, `verify-messages: ✓ payclients-notifications-daxpay.json\n${line}\n`),
    ).toBe(line);
  });

  it("gives the lines a stage names, joined, when it has no closing line of its own", () => {
    const lint = STAGES.find((stage) => stage.script === "lint");
    const output =
      "Checked 163 files in 2s. No fixes applied.\n> payclients@0.1.0 lint:specs\nvalidating...\nWoohoo! Your API descriptions are valid. 🎉\n";
    expect(lint && stageSummary(lint, output)).toBe(
      "Checked 163 files in 2s. No fixes applied.; Woohoo! Your API descriptions are valid. 🎉",
    );
  });
});

describe("STAGES", () => {
  it("lists every check npm test used to chain, in the same order", () => {
    expect(STAGES.map((stage) => stage.script)).toEqual([
      "lint",
      "typecheck",
      "check:generated",
      "test:unit",
      "test:integration",
      "test:contracts",
      "contracts:verify",
      "check:samples",
      "test:browser",
      "test:package",
      "test:runtimes",
    ]);
  });
});
