// Reads what a client sent and checks its signature with the providers' verification functions (the
// ones the sandbox verifies with), independently of the client that signed it. Used on requests seen
// by fault servers and on requests captured on their way to the sandbox.

import type { IncomingHttpHeaders } from "node:http";
import { verifyDaxPaySignature } from "../../../src/daxpay/sign.js";
import { verifyGatePaySignature } from "../../../src/gatepay/sign.js";
import { verifyPayerMaxSignature } from "../../../src/payermax/sign.js";
import type { Sandbox } from "../../../src/sandbox/index.js";

/** A request as sent: path, lower-cased headers, exact body text. */
export interface SentRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>> | IncomingHttpHeaders;
  readonly body: string;
}

/** What identifies one attempt, and whether its signature verifies. */
export interface SignatureReading {
  readonly valid: boolean;
  /** GatePay X-GatePay-Nonce, DaxPay nonceStr; PayerMax has none (its requestTime stands in). */
  readonly nonce: string;
  /** GatePay X-GatePay-Timestamp, DaxPay reqTime, PayerMax requestTime. */
  readonly timestamp: string;
  readonly signature: string;
}

function header(request: SentRequest, name: string): string {
  const value = request.headers[name.toLowerCase()];
  return typeof value === "string" ? value : "";
}

function parsedBody(request: SentRequest): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(request.body);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Keys needed to verify: the sandbox's credentials. */
export type VerifyingCredentials = Pick<Sandbox["credentials"], "gatepay" | "daxpay"> & {
  /** The merchant's public key (the sandbox derives it from the merchant's private key). */
  readonly merchantPublicKey: string;
};

/** Reads and verifies one request by the provider its path belongs to. */
export function readSignature(request: SentRequest, credentials: VerifyingCredentials): SignatureReading {
  if (request.path === "/unipay/cancel") {
    const body = parsedBody(request);
    return {
      valid: verifyDaxPaySignature(body, credentials.daxpay.secret, credentials.daxpay.signType),
      nonce: String(body.nonceStr),
      timestamp: String(body.reqTime),
      signature: String(body.sign),
    };
  }
  if (request.path === "/aggregate-pay/api/gateway/cancel") {
    const body = parsedBody(request);
    const signature = header(request, "sign");
    return {
      valid: verifyPayerMaxSignature(request.body, signature, credentials.merchantPublicKey),
      nonce: String(body.requestTime),
      timestamp: String(body.requestTime),
      signature,
    };
  }
  const gatepay = credentials.gatepay;
  const timestamp = header(request, "X-GatePay-Timestamp");
  const nonce = header(request, "X-GatePay-Nonce");
  const signature = header(request, "X-GatePay-Signature");
  const otc = request.path.startsWith("/open/otc/");
  const valid =
    header(request, "X-GatePay-Certificate-ClientId") === gatepay.clientId &&
    (!otc || header(request, "X-GatePay-MerchantId") === String(gatepay.merchantId)) &&
    verifyGatePaySignature({ secret: gatepay.secret, timestamp, nonce, body: request.body, signature });
  return { valid, nonce, timestamp, signature };
}

/** A fetch that records every request (path, headers, exact body) before passing it on. */
export function capturingFetch(sent: SentRequest[], next: typeof fetch = globalThis.fetch): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    sent.push({
      path: new URL(request.url).pathname,
      headers: Object.fromEntries(request.headers),
      body: await request.clone().text(),
    });
    return next(request);
  }) as typeof fetch;
}
