// npm start: starts the sandbox on a free loopback port and tours every operation through the real
// clients. `npm start -- --keep` leaves the sandbox running and prints its URL, admin token and credentials as one
// `sandbox: {...}` JSON line, for people and scripts.
import { parseArgs } from "node:util";
import { startSandbox } from "../src/sandbox/index.js";
import { formatTourTable, runTour } from "./tour.js";

const { values } = parseArgs({ options: { keep: { type: "boolean", default: false } } });
const sandbox = await startSandbox();
console.log(`payclients tour against the local sandbox at ${sandbox.url}\n`);
const rows = await runTour(sandbox);
console.log(formatTourTable(rows));
const unexpected = rows.filter((row) => row.outcome !== row.expected);
console.log(
  `\n${rows.length} calls, ${unexpected.length === 0 ? "every outcome as expected" : `${unexpected.length} unexpected`}.`,
);

if (values.keep) {
  const { url, adminToken, credentials } = sandbox;
  console.log(`sandbox: ${JSON.stringify({ url, adminToken, ...credentials })}`);
  console.error("The sandbox keeps running; press Ctrl+C to stop it.");
  const stop = () => void sandbox.stop().then(() => process.exit(unexpected.length === 0 ? 0 : 1));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} else {
  await sandbox.stop();
  process.exitCode = unexpected.length === 0 ? 0 : 1;
}
