// Verification 2, against the provider: Pact's Verifier replays every interaction of every pact in
// contracts/pacts/ against the local sandbox (src/sandbox), and checks each answer against the pact.
//
// - The sandbox starts with the contract's test credentials (support/credentials.ts), so the ids the
//   pacts pin are the sandbox's own.
// - Before each interaction the sandbox is emptied and the switches cleared; then a state handler
//   brings it into each provider state the interaction names (provider-states.ts).
// - The pacts hold signatures, timestamps and nonces made at the consumer test's fixed clock, which the
//   sandbox would reject as stale. The request filter re-signs every request the way the client would
//   at this moment: fresh timestamp and nonce, signature over the exact body Pact's proxy forwards
//   (`JSON.stringify(req.body)`).
//
// Run alone with `tsx contracts/verify-provider.ts`; `npm run contracts:verify` runs it with the spec
// verification.
import { randomBytes } from "node:crypto";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { Verifier } from "@pact-foundation/pact";
import type { NextFunction, Request, Response } from "express";
import type { ApiName } from "../scripts/lib/apis.js";
import { signDaxPay } from "../src/daxpay/sign.js";
import { signGatePay } from "../src/gatepay/sign.js";
import { payerMaxRequestTime } from "../src/payermax/client.js";
import { signPayerMax } from "../src/payermax/sign.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { NOTIFICATIONS_CONSUMER } from "./notifications.js";
import { isApiName, PACTS_DIR, readPactFiles } from "./pacts.js";
import { clearSwitches, findProviderState, type ProviderWorld } from "./provider-states.js";
import { DAXPAY, GATEPAY, PAYERMAX, SANDBOX_CREDENTIALS } from "./support/credentials.js";

// Pact's native verifier reads this when it starts: no usage telemetry, however this module is run.
process.env.PACT_DO_NOT_TRACK = "true";

// Pact's proxy answers its state-change calls here; the filter leaves them alone.
const STATE_SETUP_PATH = "/_pactSetup";

type JsonBody = Record<string, unknown>;

function isJsonBody(value: unknown): value is JsonBody {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** 32 characters from [A-Za-z0-9] (hex is a subset), new for every request. */
function freshNonce(): string {
  return randomBytes(16).toString("hex");
}

/** Replaces the body Pact's proxy forwards, keeping Content-Length true to it. */
function replaceBody(req: Request, body: JsonBody): string {
  req.body = body;
  const text = JSON.stringify(body);
  req.headers["content-length"] = String(Buffer.byteLength(text, "utf8"));
  return text;
}

/** A field the provider state says the provider finds malformed: sent as a number instead. */
function malformed(body: JsonBody, world: ProviderWorld): JsonBody {
  return world.malformedField === undefined ? body : { ...body, [world.malformedField]: 12345 };
}

function resignGatePay(req: Request, body: JsonBody, world: ProviderWorld): void {
  const text = replaceBody(req, malformed(body, world));
  const timestamp = String(Date.now());
  const nonce = freshNonce();
  const secret = world.foreignSigningKey ? `${GATEPAY.secret}-not-the-one-gatepay-holds` : GATEPAY.secret;
  req.headers["x-gatepay-timestamp"] = timestamp;
  req.headers["x-gatepay-nonce"] = nonce;
  req.headers["x-gatepay-signature"] = signGatePay({ secret, timestamp, nonce, body: text });
  if (world.foreignMerchantId && req.headers["x-gatepay-merchantid"] !== undefined) {
    req.headers["x-gatepay-merchantid"] = String(GATEPAY.merchantId + 1);
  }
}

function resignDaxPay(req: Request, body: JsonBody, world: ProviderWorld): void {
  const { sign: _stale, ...fields } = malformed(body, world);
  fields.reqTime = Math.floor(Date.now() / 1000);
  if ("nonceStr" in fields) fields.nonceStr = freshNonce();
  const secret = world.foreignSigningKey ? `${DAXPAY.secret}-not-the-one-daxpay-holds` : DAXPAY.secret;
  replaceBody(req, { ...fields, sign: signDaxPay(fields, secret, DAXPAY.signType) });
}

function resignPayerMax(req: Request, body: JsonBody, world: ProviderWorld): void {
  const text = replaceBody(req, { ...malformed(body, world), requestTime: payerMaxRequestTime(Date.now()) });
  // A key PayerMax does not hold for this merchant: its own platform key.
  const key = world.foreignSigningKey ? PAYERMAX.platformPrivateKey : PAYERMAX.privateKey;
  req.headers.sign = signPayerMax(text, key);
}

const RESIGN: Record<ApiName, (req: Request, body: JsonBody, world: ProviderWorld) => void> = {
  "gatepay-payments": resignGatePay,
  "gatepay-otc": resignGatePay,
  daxpay: resignDaxPay,
  payermax: resignPayerMax,
};

/** Express middleware for Pact's proxy: re-signs each replayed request for this moment. */
export function requestFilter(api: ApiName, world: ProviderWorld) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.path === STATE_SETUP_PATH || !isJsonBody(req.body)) {
      next();
      return;
    }
    try {
      RESIGN[api](req, req.body, world);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Pact's state handlers for every state the pact names; throws listing the ones nobody set up. */
function stateHandlers(api: ApiName, sentences: string[], world: ProviderWorld) {
  const unknown = sentences.filter((sentence) => findProviderState(api, sentence) === undefined);
  if (unknown.length > 0) {
    throw new Error(
      `no provider state (or more than one) in contracts/provider-states.ts matches: ${unknown
        .map((sentence) => `"${sentence}"`)
        .join(", ")}`,
    );
  }
  return Object.fromEntries(
    sentences.map((sentence) => [
      sentence,
      async () => {
        const found = findProviderState(api, sentence);
        await found?.state.setup(world, found.ids);
        return undefined;
      },
    ]),
  );
}

/**
 * The verifier rejects with its whole result as JSON (the readable report is already printed);
 * this keeps the names of the failed interactions.
 */
function summarise(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  try {
    const result = JSON.parse(message) as { errors?: { interaction?: string }[] };
    const failed = (result.errors ?? []).map((entry) => entry.interaction ?? "(unnamed)");
    return `${failed.length} failed: ${failed.map((name) => `"${name}"`).join("; ")}`;
  } catch {
    return message;
  }
}

/** The outcome for one pact file. */
export interface ProviderReport {
  file: string;
  interactions: number;
  ok: boolean;
  error?: string;
  /** Why the pact was not replayed (notification message pacts). */
  skipped?: string;
}

async function verifyOne(
  sandbox: Sandbox,
  world: ProviderWorld,
  file: string,
  api: ApiName,
  sentences: string[],
): Promise<void> {
  const verifier = new Verifier({
    provider: api,
    providerBaseUrl: sandbox.url,
    pactUrls: [file],
    logLevel: "error",
    stateHandlers: stateHandlers(api, sentences, world),
    beforeEach: async () => {
      sandbox.reset();
      clearSwitches(world);
    },
    requestFilter: requestFilter(api, world),
  });
  await verifier.verifyProvider();
}

/** Replays every pact in `dir` against one sandbox started with the contract credentials. */
export async function verifyPactsAgainstSandbox(dir: string = PACTS_DIR): Promise<ProviderReport[]> {
  let clockOffsetMs = 0;
  const sandbox = await startSandbox({
    credentials: SANDBOX_CREDENTIALS,
    clock: () => Date.now() + clockOffsetMs,
  });
  const world: ProviderWorld = {
    sandbox,
    get clockOffsetMs() {
      return clockOffsetMs;
    },
    set clockOffsetMs(value: number) {
      clockOffsetMs = value;
    },
    foreignSigningKey: false,
    malformedField: undefined,
    foreignMerchantId: false,
  };
  const reports: ProviderReport[] = [];
  try {
    for (const { file, pact } of readPactFiles(dir)) {
      const api = pact.provider.name;
      const interactions = pact.interactions.length;
      if (!isApiName(api)) {
        reports.push({ file, interactions, ok: false, error: `no sandbox provider "${api}"` });
        continue;
      }
      if (pact.consumer.name === NOTIFICATIONS_CONSUMER) {
        // The sandbox sends these, it does not answer them: verify-messages.ts checks each message
        // against the notification the sandbox sends.
        reports.push({ file, interactions, ok: true, skipped: "message pact, see verify-messages" });
        continue;
      }
      const sentences = [
        ...new Set(pact.interactions.flatMap((i) => (i.providerStates ?? []).map((state) => state.name))),
      ];
      try {
        await verifyOne(sandbox, world, file, api, sentences);
        reports.push({ file, interactions, ok: true });
      } catch (error) {
        reports.push({ file, interactions, ok: false, error: summarise(error) });
      }
    }
  } finally {
    await sandbox.stop();
  }
  return reports;
}

/** Prints the reports; returns true when every interaction of every pact passed. */
export function printProviderReports(reports: ProviderReport[]): boolean {
  if (reports.length === 0) {
    console.error("verify-provider: no pact files in contracts/pacts/ — run `npm run test:contracts` first.");
    return false;
  }
  for (const report of reports) {
    const name = basename(report.file);
    if (report.skipped !== undefined) {
      console.log(
        `verify-provider: – ${name}: ${report.interactions} messages not replayed (${report.skipped})`,
      );
    } else if (report.ok) {
      console.log(`verify-provider: ✓ ${name}: ${report.interactions} interactions pass against the sandbox`);
    } else {
      console.error(
        `verify-provider: ✗ ${name}: ${report.error ?? "failed"} (the verifier's report is above)`,
      );
    }
  }
  return reports.every((report) => report.ok);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ok = printProviderReports(await verifyPactsAgainstSandbox());
  process.exit(ok ? 0 : 1);
}
