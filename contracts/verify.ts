// npm run contracts:verify: both verifications of whatever is in contracts/pacts/, each reported in
// full even when the other fails; exits non-zero when either finds a problem. First, the pacts must be
// whole (contracts/integrity.ts): present, parseable, with every interaction and notification message
// the consumer tests declare, and as committed; otherwise nothing is verified, since a partial pact
// would pass on less.
//   1. against the spec: contracts/verify-spec.ts (OpenAPI comparator on generated/openapi/<api>.json)
//   2. against the provider: contracts/verify-provider.ts (Pact's Verifier on the local sandbox)
// (verify-provider.ts sets PACT_DO_NOT_TRACK=true for Pact's native verifier.)
import { gitCommitted, pactIntegrityProblems } from "./integrity.js";
import { printProviderReports, verifyPactsAgainstSandbox } from "./verify-provider.js";
import { printSpecReports, verifyPactsAgainstSpecs } from "./verify-spec.js";

/** Runs one verification; a crash counts as a failure, reported, without stopping the other one. */
async function timed(name: string, verify: () => Promise<boolean>): Promise<{ ok: boolean; line: string }> {
  const started = performance.now();
  let ok: boolean;
  try {
    ok = await verify();
  } catch (error) {
    console.error(`contracts:verify: ${name} could not run: ${(error as Error).stack ?? String(error)}`);
    ok = false;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return { ok, line: `${name} ${ok ? "passed" : "FAILED"} (${seconds} s)` };
}

const committed = gitCommitted();
if (committed === undefined) {
  console.warn(
    "contracts:verify: not a git checkout, so the pacts cannot be compared with the committed ones.",
  );
}
const problems = pactIntegrityProblems({ committed });
if (problems.length > 0) {
  console.error("contracts:verify: refusing to verify incomplete or uncommitted pacts:");
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}

const spec = await timed("against the spec", async () => printSpecReports(await verifyPactsAgainstSpecs()));
const provider = await timed("against the sandbox", async () =>
  printProviderReports(await verifyPactsAgainstSandbox()),
);
console.log(`contracts:verify: ${spec.line}, ${provider.line}`);
process.exit(spec.ok && provider.ok ? 0 : 1);
