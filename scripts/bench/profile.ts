// Runs one provider's client call in a loop, so a CPU profile shows what our client does per call.
// Default: a stub fetch answering a prebuilt Response (no network, no server). `--network`: the global
// fetch against the bench's canned loopback server (its own process, so not in this profile).
//   node --cpu-prof --cpu-prof-dir=.tmp/prof --import tsx scripts/bench/profile.ts payermax 20000 [--network]
//   npx tsx scripts/bench/profile-summary.ts .tmp/prof/<largest file>.cpuprofile
import { startCannedServer } from "./lib/canned-server.js";
import { cannedResponse, cases } from "./overhead.js";

const [provider = "gatepay", callsText = "20000"] = process.argv
  .slice(2)
  .filter((arg) => !arg.startsWith("--"));
const network = process.argv.includes("--network");
const calls = Number(callsText);
const all = cases();
const selected = all.find((c) => c.provider === provider);
if (selected === undefined) throw new Error(`unknown provider ${provider} (gatepay, daxpay, payermax)`);
const server = network
  ? await startCannedServer({ [selected.limit.request(0, "x").path]: selected.canned })
  : undefined;
const call =
  server === undefined
    ? selected.makeCall({ baseUrl: "http://127.0.0.1:9", fetch: async () => cannedResponse(selected.canned) })
    : selected.makeCall({ baseUrl: server.url });
const start = performance.now();
for (let i = 0; i < calls; i++) await call();
const perCallUs = ((performance.now() - start) * 1000) / calls;
await server?.stop();
console.error(
  `${provider}: ${calls} calls, ${perCallUs.toFixed(1)} µs per call (${network ? "network" : "stub fetch"})`,
);
