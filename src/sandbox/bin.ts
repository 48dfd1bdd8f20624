#!/usr/bin/env node
// `npx payclients-sandbox [--port 9000] [--host 127.0.0.1] [--json | --env]`: the sandbox as a standalone server, so a
// Java, Go or Python team can test its own GatePay, DaxPay or PayerMax integration against it over
// HTTP. Prints the URL, this run's test credentials and keys, and the admin API's URL and token, then
// runs until SIGINT or SIGTERM. No top-level await: the file stays loadable by require() too.

import { parseArgs } from "node:util";
import { type Sandbox, startSandbox } from "./server.js";

const USAGE = `usage: payclients-sandbox [--port <0-65535>] [--host <address>] [--json | --env]

Starts a local GatePay, DaxPay and PayerMax (for tests only) and prints test credentials.
  --port   TCP port (default 0: a free one)
  --host   interface to listen on (default 127.0.0.1, loopback only)
  --json   print one line of JSON (url, adminToken, gatepay, daxpay, payermax, payermaxBase64) instead
  --env    print NAME=value lines instead, the environment variables the README's clients.ts reads
Stop it with Ctrl+C (SIGINT) or SIGTERM.`;

/**
 * Everything a client in any language needs, as one JSON-serialisable object: the same object
 * `npm start -- --keep` prints after `sandbox: ` (url, adminToken, gatepay, daxpay, payermax with PEM
 * keys, payermaxBase64 with the same keys as bare Base64 DER).
 */
function describeSandbox(sandbox: Sandbox): Record<string, unknown> {
  return { url: sandbox.url, adminToken: sandbox.adminToken, ...sandbox.credentials };
}

/** The human-readable block printed at start. */
function formatSandbox(sandbox: Sandbox): string {
  const { gatepay, daxpay, payermax, payermaxBase64 } = sandbox.credentials;
  return [
    `payclients sandbox listening on ${sandbox.url} (test credentials only; for tests, not production)`,
    "",
    `GatePay   base URL     ${sandbox.url}`,
    `          clientId     ${gatepay.clientId}`,
    `          secret       ${gatepay.secret}`,
    `          merchantId   ${gatepay.merchantId}`,
    `DaxPay    base URL     ${sandbox.url}`,
    `          secret       ${daxpay.secret}`,
    `          signType     ${daxpay.signType}`,
    `PayerMax  base URL     ${sandbox.url}`,
    `          appId        ${payermax.appId}`,
    `          merchantNo   ${payermax.merchantNo}`,
    `          merchant private key (bare Base64 PKCS#8): ${payermaxBase64.privateKey}`,
    `          platform public key (bare Base64 SPKI): ${payermaxBase64.platformPublicKey}`,
    "          merchant private key (PEM):",
    payermax.privateKey.trimEnd(),
    "          platform public key (PEM):",
    payermax.platformPublicKey.trimEnd(),
    "",
    `Admin API ${sandbox.url}/__sandbox/ (seed, quotes, orders, orders/status, reset, notify-url, notifications)`,
    `          Authorization: Bearer ${sandbox.adminToken}`,
    "",
    "Press Ctrl+C to stop.",
  ].join("\n");
}

/**
 * `NAME=value` lines (a .env file) with the names the README's clients.ts and notification handlers
 * read, so "point the clients at a sandbox" is a paste. Keys as bare Base64: one line each, which an
 * environment variable holds without escaping.
 */
function formatEnv(sandbox: Sandbox): string {
  const { gatepay, daxpay, payermax, payermaxBase64 } = sandbox.credentials;
  return [
    `# payclients sandbox on ${sandbox.url}: test credentials only, never for production`,
    `GATEPAY_BASE_URL=${sandbox.url}`,
    `GATEPAY_CLIENT_ID=${gatepay.clientId}`,
    `GATEPAY_SECRET=${gatepay.secret}`,
    `GATEPAY_MERCHANT_ID=${gatepay.merchantId}`,
    `DAXPAY_BASE_URL=${sandbox.url}`,
    `DAXPAY_SECRET=${daxpay.secret}`,
    `DAXPAY_SIGN_TYPE=${daxpay.signType}`,
    `PAYERMAX_BASE_URL=${sandbox.url}`,
    `PAYERMAX_APP_ID=${payermax.appId}`,
    `PAYERMAX_MERCHANT_NO=${payermax.merchantNo}`,
    `PAYERMAX_PRIVATE_KEY=${payermaxBase64.privateKey}`,
    `PAYERMAX_PLATFORM_PUBLIC_KEY=${payermaxBase64.platformPublicKey}`,
    `PAYCLIENTS_SANDBOX_ADMIN_TOKEN=${sandbox.adminToken}`,
  ].join("\n");
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isInteger(port) || port > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(text)}`);
  }
  return port;
}

class UsageError extends Error {
  override name = "UsageError";
}

async function main(argv: readonly string[]): Promise<void> {
  let values: { port?: string; host?: string; json?: boolean; env?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: "string" },
        host: { type: "string" },
        json: { type: "boolean" },
        env: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  if (values.json === true && values.env === true) {
    throw new UsageError("--json and --env each choose the output: give one of them");
  }
  const port = parsePort(values.port);
  // Listening for the signals before anything is printed: whoever reads the URL may stop us at once.
  let started: Promise<Sandbox> | undefined;
  const stop = (signal: string) => {
    void (started ?? Promise.resolve(undefined))
      .then((sandbox) => sandbox?.stop())
      .finally(() => {
        console.error(`payclients sandbox stopped (${signal})`);
        process.exit(0);
      });
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  started = startSandbox({ port, host: values.host ?? "127.0.0.1" });
  const sandbox = await started;
  if (values.json === true) console.log(JSON.stringify(describeSandbox(sandbox)));
  else if (values.env === true) console.log(formatEnv(sandbox));
  else console.log(formatSandbox(sandbox));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage = error instanceof UsageError;
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  console.error(`payclients-sandbox: ${name}: ${message}${usage ? `\n\n${USAGE}` : ""}`);
  process.exitCode = usage ? 2 : 1;
});
