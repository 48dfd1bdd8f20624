// What makes a set of pacts whole, checked before anything is verified against them: a partial pact
// (a consumer run that failed part-way, a file cut short) would otherwise verify "green" on what is left.
//   - every API of redocly.yaml has its pact, and it parses as a Pact file;
//   - each pact holds exactly the interactions its consumer test declares (one `.uponReceiving(` per
//     interaction in contracts/<api>.pact.test.ts: an interaction added in a loop makes the counts
//     differ, which fails loudly rather than passing on less);
//   - in a git checkout, each pact is byte for byte the committed one.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { API_NAMES } from "../scripts/lib/apis.js";
import { CONSUMER, PACTS_DIR, ROOT } from "./pacts.js";

/** The consumer test file that writes an API's pact. */
export function consumerTestPath(api: string, root: string = ROOT): string {
  return join(root, "contracts", `${api}.pact.test.ts`);
}

/** How many interactions a consumer test declares: its `.uponReceiving(` calls. */
export function declaredInteractions(testSource: string): number {
  return testSource.match(/\.uponReceiving\(/g)?.length ?? 0;
}

/** Reads a file as committed at HEAD; undefined outside git or when HEAD has no such file. */
export type CommittedReader = (path: string) => string | undefined;

/** Reads committed files with `git show HEAD:<path>`; undefined (no comparison) outside a git checkout. */
export function gitCommitted(root: string = ROOT): CommittedReader | undefined {
  const inside = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: root, encoding: "utf8" });
  if (inside.status !== 0 || inside.stdout.trim() !== "true") return undefined;
  return (path) => {
    const shown = spawnSync("git", ["show", `HEAD:${path}`], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return shown.status === 0 ? shown.stdout : undefined;
  };
}

/** Where to look: the pacts folder, the repository root (tests and git), and the APIs. */
export interface IntegrityOptions {
  readonly dir?: string;
  readonly root?: string;
  readonly apis?: readonly string[];
  /** How to read the committed pacts; undefined skips that comparison (not a git checkout). */
  readonly committed?: CommittedReader;
}

/** Everything wrong with the pacts; empty when each is present, whole and committed. */
export function pactIntegrityProblems(options: IntegrityOptions = {}): string[] {
  const dir = options.dir ?? PACTS_DIR;
  const root = options.root ?? ROOT;
  const problems: string[] = [];
  for (const api of options.apis ?? API_NAMES) {
    const file = join(dir, `${CONSUMER}-${api}.json`);
    const name = relative(root, file);
    if (!existsSync(file)) {
      problems.push(`${name}: missing (run npm run test:contracts)`);
      continue;
    }
    const text = readFileSync(file, "utf8");
    let interactions: unknown;
    try {
      interactions = (JSON.parse(text) as { interactions?: unknown }).interactions;
    } catch (error) {
      problems.push(
        `${name}: truncated or not JSON (${(error as Error).message}); run npm run test:contracts`,
      );
      continue;
    }
    if (!Array.isArray(interactions)) {
      problems.push(`${name}: no interactions list, so not a Pact file`);
      continue;
    }
    const testFile = consumerTestPath(api, root);
    const expected = existsSync(testFile) ? declaredInteractions(readFileSync(testFile, "utf8")) : 0;
    if (interactions.length !== expected) {
      problems.push(
        `${name}: ${interactions.length} interactions, but ${relative(root, testFile)} declares ${expected}` +
          " (a consumer run that stopped part-way, or a pact edited by hand)",
      );
    }
    if (options.committed !== undefined) {
      const committed = options.committed(relative(root, file));
      if (committed === undefined) problems.push(`${name}: not committed (git has no such file at HEAD)`);
      else if (committed !== text)
        problems.push(`${name}: differs from the committed pact (git diff -- ${name})`);
    }
  }
  return problems;
}
