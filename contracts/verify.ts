// npm run contracts:verify: both verifications of whatever is in contracts/pacts/, each reported in
// full even when the other fails; exits non-zero when either finds a problem.
//   1. against the spec: contracts/verify-spec.ts (OpenAPI comparator on generated/openapi/<api>.json)
//   2. against the provider: contracts/verify-provider.ts (Pact's Verifier on the local sandbox)
process.env.PACT_DO_NOT_TRACK = "true";

const { printSpecReports, verifyPactsAgainstSpecs } = await import("./verify-spec.js");
const { printProviderReports, verifyPactsAgainstSandbox } = await import("./verify-provider.js");

const started = performance.now();
const specOk = printSpecReports(await verifyPactsAgainstSpecs());
const specMs = performance.now() - started;
const providerOk = printProviderReports(await verifyPactsAgainstSandbox());
const providerMs = performance.now() - started - specMs;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(
  `contracts:verify: against the spec ${specOk ? "passed" : "FAILED"} (${seconds(specMs)}), ` +
    `against the sandbox ${providerOk ? "passed" : "FAILED"} (${seconds(providerMs)})`,
);
process.exit(specOk && providerOk ? 0 : 1);
