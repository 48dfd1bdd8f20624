// GatePay's signing as openapi-fetch middleware (PROVIDERS.md, "GatePay"; docs/provider-behaviour.md).
// Four headers on every request, `X-GatePay-MerchantId` too on the OTC paths; the signature covers
// `timestamp\nnonce\nbody\n` over the exact bytes sent. Responses are unsigned by default: when one
// carries the three headers they are verified with the same rule, and the client chooses how strict
// to be (`responseSignatures`).

import type { Middleware } from "openapi-fetch";
import { type ErrorContext, SignatureError, ValidationError } from "../core/errors.js";
import type { Secret } from "../core/redact.js";
import { signGatePay, verifyGatePaySignature } from "./sign.js";

/** Header names, as GatePay spells them. */
export const GATEPAY_HEADERS = {
  clientId: "X-GatePay-Certificate-ClientId",
  timestamp: "X-GatePay-Timestamp",
  nonce: "X-GatePay-Nonce",
  signature: "X-GatePay-Signature",
  merchantId: "X-GatePay-MerchantId",
} as const;

/**
 * How strictly GatePay's response signatures are checked; GatePay's own SDKs verify none, so this is
 * a choice ([U] in PROVIDERS.md). "if-present" (default): verify when the three headers are there,
 * accept an unsigned answer. "required": an unsigned answer is a SignatureError. "off": never verify.
 */
export type GatePayResponseSignatures = "if-present" | "required" | "off";

/** What signing needs; the secret stays boxed until the HMAC. */
export interface GatePaySigner {
  readonly clientId: string;
  readonly secret: Secret;
  /** Decimal int64 text; only sent on the OTC paths. */
  readonly merchantId: string | undefined;
  readonly now: () => number;
  readonly nonce: () => string;
}

const NONCE = /^[A-Za-z0-9]{1,32}$/;

/** True for the OTC API's paths, which also carry `X-GatePay-MerchantId`. */
export function isOtcPath(path: string): boolean {
  return path.startsWith("/open/otc/");
}

/**
 * The headers for one request whose body is exactly `body`: a fresh timestamp and nonce, and the
 * signature over them. Throws ValidationError for a nonce GatePay would refuse, or a missing
 * merchantId on an OTC path.
 */
export function gatePayRequestHeaders(
  signer: GatePaySigner,
  body: string,
  otc: boolean,
): Record<string, string> {
  const timestamp = String(Math.trunc(signer.now()));
  const nonce = signer.nonce();
  if (typeof nonce !== "string" || !NONCE.test(nonce)) {
    throw new ValidationError({
      field: "nonce",
      rule: "pattern:[A-Za-z0-9]{1,32}",
      reason: "the nonce() option must return 1 to 32 characters from [A-Za-z0-9]",
    });
  }
  const headers: Record<string, string> = {
    [GATEPAY_HEADERS.clientId]: signer.clientId,
    [GATEPAY_HEADERS.timestamp]: timestamp,
    [GATEPAY_HEADERS.nonce]: nonce,
    [GATEPAY_HEADERS.signature]: signGatePay({ secret: signer.secret.reveal(), timestamp, nonce, body }),
  };
  if (otc) {
    if (signer.merchantId === undefined) {
      throw new ValidationError({
        field: "merchantId",
        rule: "required",
        reason: "is required for the OTC API (X-GatePay-MerchantId); pass it to createGatePayClient",
      });
    }
    headers[GATEPAY_HEADERS.merchantId] = signer.merchantId;
  }
  return headers;
}

/**
 * Checks an answer's signature headers over its raw text per `mode`; throws SignatureError when the
 * answer must not be trusted. Some but not all of the three headers is treated as a bad signature.
 */
export function checkGatePayResponseSignature(
  mode: GatePayResponseSignatures,
  secret: Secret,
  headers: Headers,
  body: string,
  ctx: ErrorContext,
): void {
  if (mode === "off") return;
  const timestamp = headers.get(GATEPAY_HEADERS.timestamp);
  const nonce = headers.get(GATEPAY_HEADERS.nonce);
  const signature = headers.get(GATEPAY_HEADERS.signature);
  if (timestamp === null && nonce === null && signature === null) {
    if (mode === "required") throw new SignatureError({ ...ctx, reason: "missing" });
    return;
  }
  const valid =
    timestamp !== null &&
    nonce !== null &&
    signature !== null &&
    verifyGatePaySignature({ secret: secret.reveal(), timestamp, nonce, body, signature });
  if (!valid) throw new SignatureError({ ...ctx, reason: "invalid" });
}

/**
 * Middleware for the exposed openapi-fetch clients (`client.raw`): signs each request by reading a
 * clone of its body (the raw path cannot sign ahead of time; the typed methods do), and checks the
 * answer's signature per `mode`, rejecting the call with SignatureError when it fails.
 */
export function gatePaySigningMiddleware(signer: GatePaySigner, mode: GatePayResponseSignatures): Middleware {
  return {
    async onRequest({ request, schemaPath }) {
      const body = await request.clone().text();
      const headers = gatePayRequestHeaders(signer, body, isOtcPath(schemaPath));
      for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
      return undefined;
    },
    async onResponse({ response, schemaPath }) {
      if (mode === "off") return undefined;
      const text = await response.clone().text();
      checkGatePayResponseSignature(mode, signer.secret, response.headers, text, {
        provider: "gatepay",
        operation: schemaPath,
        status: response.status,
      });
      return undefined;
    },
  };
}
