// npm run test:contracts: rebuilds contracts/pacts/ from scratch and fails when the result is not
// what is committed.
//
// 1. Empties contracts/pacts/: Pact merges into existing files, so an interaction renamed or removed in
//    a test would otherwise survive in the pact.
// 2. Runs the consumer tests (vitest project "contracts", one file at a time), which write the pacts.
// 3. Checks that every provider API has its pact, and that the pacts equal what git holds: the
//    consumer tests are deterministic (fixed clock, nonces, credentials and keys), so any difference is
//    a contract change that has to be reviewed and committed with the code that caused it.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { API_NAMES } from "../scripts/lib/apis.js";
import { PACTS_DIR, pactPath, ROOT } from "./pacts.js";

/** Problems with the pacts as written; empty when every API has one and git has them all committed. */
export function pactProblems(missing: string[], porcelain: string | undefined): string[] {
  const problems = missing.map((file) => `missing: ${file} (its consumer test did not write it)`);
  if (porcelain === undefined) return problems;
  for (const line of porcelain.split("\n").filter((entry) => entry.trim() !== "")) {
    const state = line.slice(0, 2);
    const file = line.slice(3);
    const what = state === "??" ? "new, not committed" : state.includes("D") ? "deleted" : "changed";
    problems.push(`${what}: ${file}`);
  }
  return problems;
}

function gitStatusOfPacts(): string | undefined {
  const inside = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: ROOT, encoding: "utf8" });
  if (inside.status !== 0 || inside.stdout.trim() !== "true") return undefined;
  const status = spawnSync(
    "git",
    ["status", "--porcelain", "--untracked-files=all", "--", relative(ROOT, PACTS_DIR)],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  if (status.status !== 0) throw new Error(`git status failed: ${status.stderr}`);
  return status.stdout;
}

function main(): number {
  rmSync(PACTS_DIR, { recursive: true, force: true });
  mkdirSync(PACTS_DIR, { recursive: true });

  const vitest = spawnSync(join(ROOT, "node_modules", ".bin", "vitest"), ["run", "--project", "contracts"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, PACT_DO_NOT_TRACK: "true" },
  });
  if (vitest.status !== 0) {
    console.error("test:contracts: the consumer tests failed (see above); contracts/pacts/ is incomplete.");
    return vitest.status ?? 1;
  }

  const missing = API_NAMES.map(pactPath)
    .filter((file) => !existsSync(file))
    .map((file) => relative(ROOT, file));
  const porcelain = gitStatusOfPacts();
  if (porcelain === undefined) {
    console.warn(
      "test:contracts: not a git checkout, so the pacts cannot be compared with the committed ones.",
    );
  }
  const problems = pactProblems(missing, porcelain);
  if (problems.length > 0) {
    console.error("test:contracts: contracts/pacts/ is not what is committed:");
    for (const problem of problems) console.error(`  ${problem}`);
    console.error(
      "The consumer tests are deterministic, so this is a contract change. Review it with " +
        "`git diff contracts/pacts`, then commit contracts/pacts/ together with the change that caused it " +
        "(and run `npm run contracts:verify`).",
    );
    return 1;
  }
  console.log(`test:contracts: ${API_NAMES.length} pacts rebuilt, identical to the committed ones.`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(main());
}
