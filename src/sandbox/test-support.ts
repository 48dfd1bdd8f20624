// Helpers for the sandbox's own tests: fixed test credentials, a settable clock, and requests signed
// with the providers' pure signing functions (the same ones the clients use), sent with plain fetch.
// Not exported from the entry point.

import { generateKeyPairSync } from "node:crypto";
import { expect } from "vitest";
import type { SchemaValidator } from "../../generated/gatepay-payments.validators.js";
import type { DaxPaySignType } from "../daxpay/sign.js";
import { signDaxPay } from "../daxpay/sign.js";
import { signGatePay } from "../gatepay/sign.js";
import { payerMaxRequestTime } from "../payermax/client.js";
import { signPayerMax } from "../payermax/sign.js";
import type { SandboxCredentialsInput } from "./credentials.js";
import type { Sandbox } from "./server.js";

/** 2023-11-14T22:13:20.000Z: the tests' fixed "now". */
export const T0 = 1_700_000_000_000;

/** A clock the test sets; pass `clock.read` as the sandbox's clock. */
export class TestClock {
  now = T0;
  readonly read = (): number => this.now;
}

/**
 * TEST MATERIAL, never real: fixed credentials with freshly generated RSA-2048 keys. Generating a pair
 * costs 0.1 to 0.5 s, so each test file calls this once and shares the result among its sandboxes. Only
 * tests about PayerMax's two key pairs need them apart; the others let one pair play both roles.
 */
export function testCredentials(
  keyPairs: "one pair" | "two pairs" = "one pair",
): Required<SandboxCredentialsInput> {
  const pair = () =>
    generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    }).privateKey;
  const merchantKey = pair();
  const platformKey = keyPairs === "two pairs" ? pair() : merchantKey;
  return {
    gatepay: { clientId: "test-client-id", secret: "test-gatepay-secret", merchantId: 10_001 },
    daxpay: { secret: "test-daxpay-secret" },
    payermax: {
      appId: "test-app-id",
      merchantNo: "TEST0001",
      privateKey: merchantKey,
      platformPrivateKey: platformKey,
    },
  };
}

/** What a test reads of an answer. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  /** The exact response text (signatures are over it). */
  readonly text: string;
  /** The parsed JSON body. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read answer fields by path after asserting their shape.
  readonly json: any;
}

/** Asserts that the answer is one the spec allows: `ok` for HTTP 200, `rejected` for any other status. */
export function expectConforms(answer: Answer, ok: SchemaValidator, rejected: SchemaValidator): void {
  const validator = answer.status === 200 ? ok : rejected;
  expect(validator(answer.json), JSON.stringify(validator.errors)).toBe(true);
}

/** Sends a POST with a text body and returns status, headers, text and JSON. */
export async function post(
  url: string,
  body: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string>,
): Promise<Answer> {
  const response = await fetch(url, { method: "POST", body, headers });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text === "" ? undefined : JSON.parse(text),
  };
}

let nonceCounter = 0;

/** A fresh GatePay nonce per call. */
export function freshNonce(): string {
  nonceCounter += 1;
  return `n${nonceCounter}x${Math.random().toString(36).slice(2, 10)}`;
}

/** Overrides for {@link gatepayPost}. */
export interface GatePayRequestOptions {
  readonly timestamp?: string;
  readonly nonce?: string;
  readonly secret?: string;
  readonly clientId?: string;
  /** Set a value, or null to leave the header out; default the sandbox's merchant id on OTC paths. */
  readonly merchantId?: string | null;
  /** Replace the signature header with this value, or null to leave it out. */
  readonly signature?: string | null;
  readonly contentType?: string | null;
  /** Leave these headers out. */
  readonly omit?: readonly string[];
}

/** Signs and sends a GatePay request; `body` is sent verbatim when a string, else JSON-serialized once. */
export function gatepayPost(
  sandbox: Sandbox,
  now: number,
  path: string,
  body: unknown,
  options: GatePayRequestOptions = {},
): Promise<Answer> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const credentials = sandbox.credentials.gatepay;
  const timestamp = options.timestamp ?? String(now);
  const nonce = options.nonce ?? freshNonce();
  const signature =
    options.signature === undefined
      ? signGatePay({ secret: options.secret ?? credentials.secret, timestamp, nonce, body: text })
      : options.signature;
  const headers: Record<string, string> = {
    "X-GatePay-Certificate-ClientId": options.clientId ?? credentials.clientId,
    "X-GatePay-Timestamp": timestamp,
    "X-GatePay-Nonce": nonce,
  };
  if (signature !== null) headers["X-GatePay-Signature"] = signature;
  const merchantId = options.merchantId === undefined ? String(credentials.merchantId) : options.merchantId;
  if (path.startsWith("/open/otc/") && merchantId !== null) headers["X-GatePay-MerchantId"] = merchantId;
  const contentType = options.contentType === undefined ? "application/json" : options.contentType;
  if (contentType !== null) headers["content-type"] = contentType;
  for (const name of options.omit ?? []) {
    delete headers[name];
  }
  return post(`${sandbox.url}${path}`, text, headers);
}

/** Overrides for {@link daxpayPost}. */
export interface DaxPayRequestOptions {
  readonly secret?: string;
  readonly signType?: DaxPaySignType;
  /** Replace `sign` with this value, or null to leave it out. */
  readonly sign?: string | null;
  /** Fields added after signing (so not covered by the signature). */
  readonly unsigned?: Record<string, unknown>;
  readonly contentType?: string;
}

/** Signs `fields` with the DaxPay rule and sends them as the body. */
export function daxpayPost(
  sandbox: Sandbox,
  fields: Record<string, unknown>,
  options: DaxPayRequestOptions = {},
): Promise<Answer> {
  const credentials = sandbox.credentials.daxpay;
  const sign =
    options.sign === undefined
      ? signDaxPay(fields, options.secret ?? credentials.secret, options.signType ?? credentials.signType)
      : options.sign;
  const body = { ...fields, ...(sign === null ? {} : { sign }), ...options.unsigned };
  return post(`${sandbox.url}/unipay/cancel`, JSON.stringify(body), {
    "content-type": options.contentType ?? "application/json",
  });
}

/** Overrides for {@link payermaxPost}. */
export interface PayerMaxRequestOptions {
  /** Sign with this key instead of the merchant's. */
  readonly privateKey?: string;
  /** Replace the `sign` header with this value, or null to leave it out. */
  readonly sign?: string | null;
  readonly contentType?: string;
}

/** The PayerMax 1.5 cancel envelope at `now` (UTC), with `data` and any field overridden. */
export function payermaxEnvelope(
  sandbox: Sandbox,
  now: number,
  data: { requestId: unknown; outTradeNo: unknown },
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const credentials = sandbox.credentials.payermax;
  return {
    version: "1.5",
    keyVersion: "1",
    requestTime: payerMaxRequestTime(now),
    appId: credentials.appId,
    merchantNo: credentials.merchantNo,
    data,
    ...overrides,
  };
}

/** Signs the exact body text with the merchant key and sends it. */
export function payermaxPost(
  sandbox: Sandbox,
  body: unknown,
  options: PayerMaxRequestOptions = {},
): Promise<Answer> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const sign =
    options.sign === undefined
      ? signPayerMax(text, options.privateKey ?? sandbox.credentials.payermax.privateKey)
      : options.sign;
  const headers: Record<string, string> = { "content-type": options.contentType ?? "application/json" };
  if (sign !== null) headers.sign = sign;
  return post(`${sandbox.url}/aggregate-pay/api/gateway/cancel`, text, headers);
}

/** Counts how often each value occurs. */
export function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) {
    counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}
