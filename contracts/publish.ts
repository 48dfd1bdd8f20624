// npm run contracts:publish: shares the committed pacts through a Pact Broker or PactFlow, with Pact's
// own CLI (`pact-broker publish` from @pact-foundation/pact-cli). The consumer version is the git
// commit and the branch is the git branch, so a provider team (or `can-i-deploy`) can tell exactly
// which build of payclients a contract came from.
//
// Needs PACT_BROKER_BASE_URL and either PACT_BROKER_TOKEN (PactFlow, or a broker with bearer tokens)
// or PACT_BROKER_USERNAME + PACT_BROKER_PASSWORD (basic auth). The CLI reads the credentials from the
// environment itself, so they never appear on a command line. In a detached-HEAD CI checkout, set
// PACT_BROKER_BRANCH (or the CI's own GITHUB_HEAD_REF / GITHUB_REF_NAME / CI_COMMIT_REF_NAME).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { PACTS_DIR, ROOT, readPactFiles } from "./pacts.js";

/** What `git` says about the checkout; undefined where it has no answer. */
export interface GitFacts {
  commit: string | undefined;
  branch: string | undefined;
  /** `git status --porcelain` of contracts/pacts: non-empty when the pacts differ from the commit. */
  pactsStatus: string | undefined;
}

/** Either the arguments for `pact-broker`, or every reason it cannot run yet. */
export type PublishPlan = { ok: true; args: string[] } | { ok: false; problems: string[] };

const BRANCH_VARIABLES = ["PACT_BROKER_BRANCH", "GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"];

function present(env: NodeJS.ProcessEnv, name: string): boolean {
  return (env[name] ?? "").trim() !== "";
}

/** Decides what to publish from the environment, the git facts and the pact files found in `pactsDir`. */
export function planPublish(
  env: NodeJS.ProcessEnv,
  git: GitFacts,
  pactFiles: string[],
  pactsDir: string = PACTS_DIR,
): PublishPlan {
  const problems: string[] = [];
  if (!present(env, "PACT_BROKER_BASE_URL")) {
    problems.push("PACT_BROKER_BASE_URL is not set: the broker's URL, e.g. https://<your-team>.pactflow.io");
  }
  const basicAuth = present(env, "PACT_BROKER_USERNAME") && present(env, "PACT_BROKER_PASSWORD");
  if (!present(env, "PACT_BROKER_TOKEN") && !basicAuth) {
    const partial = present(env, "PACT_BROKER_USERNAME") || present(env, "PACT_BROKER_PASSWORD");
    problems.push(
      partial
        ? "PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD must both be set for basic auth (or set PACT_BROKER_TOKEN)"
        : "no credentials: set PACT_BROKER_TOKEN (an API token), or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD",
    );
  }
  if (git.commit === undefined) {
    problems.push("no git commit: publish from a git checkout (the commit is the consumer version)");
  }
  const branch = BRANCH_VARIABLES.map((name) => env[name]?.trim()).find((value) => value) ?? git.branch;
  if (branch === undefined) {
    problems.push("no git branch (detached HEAD?): set PACT_BROKER_BRANCH to the branch being built");
  }
  if (git.pactsStatus !== undefined && git.pactsStatus !== "") {
    problems.push(
      "contracts/pacts/ has uncommitted changes: commit them first, so the published version is the commit that holds them",
    );
  }
  if (pactFiles.length === 0) {
    problems.push("contracts/pacts/ holds no pact files: run `npm run test:contracts` first");
  }
  if (problems.length > 0 || git.commit === undefined || branch === undefined) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    args: ["publish", relative(ROOT, pactsDir), "--consumer-app-version", git.commit, "--branch", branch],
  };
}

function git(args: string[]): string | undefined {
  const run = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** Reads the commit, the branch (undefined on a detached HEAD) and the pacts' working-tree status. */
export function readGitFacts(): GitFacts {
  const branch = git(["rev-parse", "--abbrev-ref", "HEAD"]);
  return {
    commit: git(["rev-parse", "HEAD"]),
    branch: branch === undefined || branch === "HEAD" ? undefined : branch,
    pactsStatus: git(["status", "--porcelain", "--", relative(ROOT, PACTS_DIR)]),
  };
}

/** The pact-broker entry point of @pact-foundation/pact-cli (it runs the bundled native binary). */
export function pactBrokerBin(): string {
  return createRequire(import.meta.url).resolve("@pact-foundation/pact-cli/bin/pact-broker.js");
}

function main(): number {
  const pactFiles = readPactFiles().map(({ file }) => file);
  const plan = planPublish(process.env, readGitFacts(), pactFiles);
  if (!plan.ok) {
    console.error("contracts:publish: cannot publish the pacts yet:");
    for (const problem of plan.problems) console.error(`  - ${problem}`);
    console.error("See the README, section Contracts.");
    return 1;
  }
  console.log(`contracts:publish: pact-broker ${plan.args.join(" ")}`);
  const run = spawnSync(process.execPath, [pactBrokerBin(), ...plan.args], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, PACT_DO_NOT_TRACK: "true" },
  });
  return run.status ?? 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(main());
}
