// (Run `npm run build` first: payclients is measured as its built package, dist/.)
// Runs one contender's call of one provider operation in a loop against the bench's canned loopback
// server (its own process, so not in this profile), so a CPU profile shows what a call costs client-side.
// The contender defaults to payclients; any of the peers section's contenders can be named.
//   node --cpu-prof --cpu-prof-dir=.tmp/prof --import tsx scripts/bench/profile.ts payermax 20000 [payclients]
//   npx tsx scripts/bench/profile-summary.ts .tmp/prof/<largest file>.cpuprofile
import { startCannedServer } from "./lib/canned-server.js";
import { CONTENDER_NAMES, type ContenderName } from "./lib/contender-names.js";
import { contenders } from "./lib/contenders.js";
import { makePeerFixture, PEER_OPERATIONS, type PeerProvider, peerRoutes } from "./lib/fixture.js";

const [provider = "gatepay", callsText = "20000", contender = "payclients"] = process.argv.slice(2);
if (!PEER_OPERATIONS.some((op) => op.provider === provider)) {
  throw new Error(`unknown provider ${provider} (${PEER_OPERATIONS.map((op) => op.provider).join(", ")})`);
}
if (!(CONTENDER_NAMES as readonly string[]).includes(contender)) {
  throw new Error(`unknown contender ${contender} (${CONTENDER_NAMES.join(", ")})`);
}
const calls = Number(callsText);
const fixture = makePeerFixture();
const server = await startCannedServer(peerRoutes(fixture));
const call = contenders(provider as PeerProvider, fixture, server.url).calls[contender as ContenderName];
const start = performance.now();
for (let i = 0; i < calls; i++) await call();
const perCallUs = ((performance.now() - start) * 1000) / calls;
await server.stop();
console.error(`${provider} ${contender}: ${calls} calls, ${perCallUs.toFixed(1)} µs per call (loopback)`);
