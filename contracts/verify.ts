// npm run contracts:verify: the three verifications of whatever is in contracts/pacts/, each reported
// in full even when another fails; exits non-zero when any finds a problem. First, the pacts must be
// whole (contracts/integrity.ts): present, parseable, with every interaction and notification message
// the consumer tests declare, and as committed; otherwise nothing is verified, since a partial pact
// would pass on less.
//   1. against the spec: contracts/verify-spec.ts (OpenAPI comparator on generated/openapi/<api>.json)
//   2. against the provider: contracts/verify-provider.ts (Pact's Verifier on the local sandbox)
//   3. messages: contracts/verify-messages.ts (each notification pact's messages against the
//      notifications the sandbox really sends, with Pact's message verification)
// (verify-provider.ts and verify-messages.ts set PACT_DO_NOT_TRACK=true for Pact's native verifier.)
//
// The last line is what `npm test` shows for this stage (scripts/lib/test-stages.ts keeps a stage's
// last line, cut past 110 characters): hence the short name of the third step.
import { gitCommitted, pactIntegrityProblems } from "./integrity.js";
import { printMessageReports, verifyMessagesAgainstSandbox } from "./verify-messages.js";
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
const messages = await timed("messages", async () =>
  printMessageReports(await verifyMessagesAgainstSandbox()),
);
console.log(`contracts:verify: ${spec.line}, ${provider.line}, ${messages.line}`);
process.exit(spec.ok && provider.ok && messages.ok ? 0 : 1);
