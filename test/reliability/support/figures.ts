// Each reliability test file writes what it actually ran (faults, property runs, requests, lost,
// applied twice, duration) to .tmp/reliability/<name>.json; `npx tsx test/reliability/report.ts`
// turns those files into the README's "Reliability" table, so its figures are measured, not written.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the figures go (git-ignored). */
export const FIGURES_DIR = join(
  resolve(dirname(fileURLToPath(import.meta.url)), "../../.."),
  ".tmp/reliability",
);

/** Figures of one test file: counts only, so the report can add them up. */
export type Figures = Readonly<Record<string, number>>;

/** What the file's leak watch saw (see ./leaks.ts). */
export interface LeakFigures {
  readonly checked: number;
  readonly consoleLines: number;
  findings(): readonly string[];
}

/** Writes `figures` as .tmp/reliability/<name>.json, with the leak watch's counts and the file's duration in ms. */
export function writeFigures(name: string, figures: Figures, startedAt: number, leaks?: LeakFigures): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const payload = {
    name,
    ...figures,
    ...(leaks === undefined
      ? {}
      : {
          leakChecks: leaks.checked,
          consoleLines: leaks.consoleLines,
          leakFindings: leaks.findings().length,
        }),
    durationMs: Math.round(performance.now() - startedAt),
  };
  writeFileSync(join(FIGURES_DIR, `${name}.json`), `${JSON.stringify(payload, null, 2)}\n`);
}
