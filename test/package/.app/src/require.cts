// A CommonJS app (a .cts file, compiled by tsc to dist/require.cjs): it require()s every entry point
// that package.json exports, the way a CommonJS codebase on Node >= 20.19 would. Node loads the ES
// modules synchronously (require(esm)), which works only while the exports map offers them to
// `require` and nothing in their graph uses top-level await. Exits 0 only when every check passes.

import assert = require("node:assert/strict");
import payclients = require("payclients");
import daxpay = require("payclients/daxpay");
import gatepay = require("payclients/gatepay");
import payermax = require("payclients/payermax");
import sandboxEntry = require("payclients/sandbox");

const pkg = require("payclients/package.json") as { exports: Record<string, unknown> };

let checks = 0;
function ok(condition: boolean, what: string): void {
  assert.ok(condition, what);
  checks += 1;
}

// Every subpath of the exports map loads with require(), not only the ones imported above.
const loaded: Record<string, Record<string, unknown>> = {};
for (const subpath of Object.keys(pkg.exports)) {
  if (subpath === "./package.json") continue;
  const specifier = `payclients${subpath.slice(1)}`;
  const entry = require(specifier) as Record<string, unknown>;
  ok(typeof entry.PayClientError === "function", `${specifier} exports PayClientError`);
  loaded[specifier] = entry;
}
ok(Object.keys(loaded).length === 5, `5 entry points, got ${Object.keys(loaded).join(", ")}`);

// One module instance whichever way it was loaded: instanceof holds across entries.
ok(payclients.PayClientError === sandboxEntry.PayClientError, "the sandbox's PayClientError is the root's");
ok(gatepay.createGatePayClient === payclients.createGatePayClient, "gatepay entry = root's client");
ok(daxpay.createDaxPayClient === payclients.createDaxPayClient, "daxpay entry = root's client");
ok(payermax.createPayerMaxClient === payclients.createPayerMaxClient, "payermax entry = root's client");

async function main(): Promise<void> {
  const sandbox = await sandboxEntry.startSandbox();
  try {
    const client = gatepay.createGatePayClient({ ...sandbox.credentials.gatepay, baseUrl: sandbox.url });
    const order = sandbox.seed.gatepayPrepayOrder();
    const closed = await client.closeOrder({ merchantTradeNo: order.merchantTradeNo });
    ok(closed.data?.result === "SUCCESS", `closeOrder from CommonJS: ${JSON.stringify(closed.data)}`);
    const paid = sandbox.seed.gatepayPrepayOrder({ status: "PAID" });
    const error = await client.closeOrder({ merchantTradeNo: paid.merchantTradeNo }).catch((e: unknown) => e);
    ok(error instanceof payclients.ProviderRejectedError, `a paid order is rejected: ${String(error)}`);
  } finally {
    await sandbox.stop();
  }
  console.log(`app-cjs: ok ${checks} checks (require() of every entry point on Node ${process.versions.node})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
