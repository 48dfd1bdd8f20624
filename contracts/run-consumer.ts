// npm run test:contracts: rebuilds contracts/pacts/ from scratch and fails when the result is not
// what is committed.
//
// 1. Runs the consumer tests (vitest project "contracts", one file at a time) with the pacts written
//    into an empty scratch folder (Pact merges into existing files, so an interaction renamed or
//    removed in a test would otherwise survive in the pact).
// 2. Only when every test passed and every pact holds the interactions its test declares, moves them
//    into contracts/pacts/ (a rename each, on the same file system): a run that fails part-way leaves
//    the committed pacts untouched instead of truncated.
// 3. Checks that every provider API has its pact, and that the pacts equal what git holds: the
//    consumer tests are deterministic (fixed clock, nonces, credentials and keys), so any difference is
//    a contract change that has to be reviewed and committed with the code that caused it.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { API_NAMES } from "../scripts/lib/apis.js";
import { pactIntegrityProblems } from "./integrity.js";
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

/** Moves every pact of `scratch` into `pactsDir`, replacing the pacts there (a rename each). */
function installPacts(scratch: string, pactsDir: string): void {
  mkdirSync(pactsDir, { recursive: true });
  const written = readdirSync(scratch).filter((name) => name.endsWith(".json"));
  for (const name of readdirSync(pactsDir)) {
    if (name.endsWith(".json") && !written.includes(name)) rmSync(join(pactsDir, name));
  }
  for (const name of written) renameSync(join(scratch, name), join(pactsDir, name));
}

/**
 * Runs the consumer tests with `runTests(scratch)` (its exit status) writing into an empty scratch
 * folder under `<root>/.tmp`, and moves the pacts into `pactsDir` only when the tests passed and every
 * pact holds the interactions its test declares. Returns the problems; when there are any,
 * `pactsDir` is exactly as it was.
 */
export function rebuildPacts(
  runTests: (scratch: string) => number,
  options: { root?: string; pactsDir?: string; apis?: readonly string[] } = {},
): string[] {
  const root = options.root ?? ROOT;
  mkdirSync(join(root, ".tmp"), { recursive: true });
  // Inside the repository, so the final renames stay on one file system.
  const scratch = mkdtempSync(join(root, ".tmp", "pacts-"));
  try {
    const status = runTests(scratch);
    if (status !== 0) return [`the consumer tests failed (exit ${status}, see above)`];
    const incomplete = pactIntegrityProblems({ dir: scratch, root, apis: options.apis });
    if (incomplete.length > 0) return incomplete;
    installPacts(scratch, options.pactsDir ?? PACTS_DIR);
    return [];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function main(): number {
  const failed = rebuildPacts((scratch) => {
    const vitest = spawnSync(
      join(ROOT, "node_modules", ".bin", "vitest"),
      ["run", "--project", "contracts"],
      {
        cwd: ROOT,
        stdio: "inherit",
        env: { ...process.env, PACT_DO_NOT_TRACK: "true", PAYCLIENTS_PACT_DIR: scratch },
      },
    );
    return vitest.status ?? 1;
  });
  if (failed.length > 0) {
    console.error("test:contracts: no pacts written; contracts/pacts/ was left as it was:");
    for (const problem of failed) console.error(`  ${problem}`);
    return 1;
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
