// npm test: every check, one stage at a time, each an npm script that also runs on its own. A passing
// stage prints one line (name, what it counted, seconds); the first failing stage prints its whole
// output and ends the run. `VERBOSE=1 npm test` or `npm test -- --verbose` shows every stage's output
// as it runs. The last line counts the tests the vitest stages ran, as `test: N passed, N failed`
// (.ci/run reads it).
//
// Quiet by default because a passing run used to look like a failing one: a verifier's negative test
// prints an expected FAILED report, Pact logs ~300 lines, Redocly prints a Node.js support notice.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { STAGES, type Stage, stageSummary, vitestCounts } from "./lib/test-stages.js";

const root = join(import.meta.dirname, "..");

function runStage(stage: Stage, verbose: boolean): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", stage.script], {
      cwd: root,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const take = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (verbose) process.stdout.write(chunk);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal === null ? 1 : 128), output }));
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== "--verbose");
  if (unknown.length > 0) {
    console.error(`test: unknown argument ${unknown.join(" ")} (only --verbose; or set VERBOSE=1)`);
    return 2;
  }
  const verbose = args.includes("--verbose") || ["1", "true"].includes(process.env.VERBOSE ?? "");
  const started = performance.now();
  let passed = 0;
  let failed = 0;
  let status = 0;
  for (const stage of STAGES) {
    if (verbose) console.log(`\ntest: ── ${stage.script} ──`);
    const t0 = performance.now();
    const { code, output } = await runStage(stage, verbose);
    const seconds = ((performance.now() - t0) / 1000).toFixed(1).padStart(6);
    const counts = stage.vitest ? vitestCounts(output) : undefined;
    passed += counts?.passed ?? 0;
    failed += counts?.failed ?? 0;
    const ok = code === 0;
    console.log(
      `test: ${stage.script.padEnd(17)} ${ok ? "ok  " : "FAIL"} ${seconds} s  ${stageSummary(stage, output)}`,
    );
    if (!ok) {
      if (!verbose) {
        console.log(`test: ── output of ${stage.script} (exit ${code}) ──`);
        process.stdout.write(output.endsWith("\n") ? output : `${output}\n`);
        console.log(`test: ── end of ${stage.script} ──`);
      }
      // A stage that failed without a vitest count (lint, a build) still counts as one failure.
      if ((counts?.failed ?? 0) === 0) failed += 1;
      status = code;
      break;
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`test: ${status === 0 ? "all stages passed" : "stopped at the failing stage"} in ${seconds} s`);
  console.log(`test: ${passed} passed, ${failed} failed`);
  return status;
}

process.exitCode = await main();
