// The stages of `npm test` (scripts/test.ts) and how a quiet run summarises each one's output.

/** A stage: the npm script it runs, and whether its output carries vitest's "Tests" summary. */
export interface Stage {
  readonly script: string;
  readonly vitest: boolean;
  /** For a tool that prints no closing line of its own: the lines that say what it checked. */
  readonly summaryLines?: readonly RegExp[];
  /** What a silent success means (tsc prints nothing when all is well). */
  readonly silentMeans?: string;
}

/** The stages in order; cheap ones first, so a lint slip fails in seconds rather than minutes. */
export const STAGES: readonly Stage[] = [
  {
    script: "lint",
    vitest: false,
    summaryLines: [/^Checked \d+ files? in .*$/, /^Woohoo! Your API descriptions are valid\..*$/],
  },
  { script: "typecheck", vitest: false, silentMeans: "tsc: no errors" },
  { script: "check:generated", vitest: false },
  { script: "test:unit", vitest: true },
  { script: "test:integration", vitest: true },
  { script: "test:contracts", vitest: true },
  { script: "contracts:verify", vitest: false },
  { script: "check:samples", vitest: false },
  { script: "test:browser", vitest: true },
  { script: "test:package", vitest: false },
  { script: "test:runtimes", vitest: true },
];

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are control characters.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Passed and failed test counts from vitest's summary lines (`Tests  2 failed | 947 passed (949)`). */
export function vitestCounts(output: string): { passed: number; failed: number } | undefined {
  let found = false;
  let passed = 0;
  let failed = 0;
  for (const line of output.replace(ANSI, "").split("\n")) {
    const words = line.trim().split(/\s+/);
    if (words[0] !== "Tests") continue;
    found = true;
    for (let i = 1; i < words.length - 1; i += 1) {
      const count = Number(words[i]);
      if (!Number.isInteger(count)) continue;
      if (words[i + 1]?.startsWith("passed")) passed += count;
      if (words[i + 1]?.startsWith("failed")) failed += count;
    }
  }
  return found ? { passed, failed } : undefined;
}

/** What a quiet stage line says it counted: vitest's counts, else the stage's own last line. */
export function stageSummary(stage: Stage, output: string): string {
  const counts = stage.vitest ? vitestCounts(output) : undefined;
  if (counts !== undefined) return `${counts.passed} passed, ${counts.failed} failed`;
  const lines = output
    .replace(ANSI, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith(">"));
  const picked = (stage.summaryLines ?? []).flatMap((pattern) => lines.filter((line) => pattern.test(line)));
  const last = picked.length > 0 ? picked.join("; ") : (lines.at(-1) ?? stage.silentMeans ?? "");
  return last.length > 110 ? `${last.slice(0, 107)}...` : last;
}
