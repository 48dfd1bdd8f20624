// GatePay's request signing and answer verification (docs/providers.md, "GatePay"), for the typed
// methods and as openapi-fetch middleware. Four headers on every request, `X-GatePay-MerchantId` too
// on the OTC paths; the signature covers `timestamp\nnonce\nbody\n` over the exact bytes sent.
// Answers are unsigned by default: when one carries the three headers they are verified with the
// same rule, its timestamp must fall in the window around the request and its nonce must be new;
// the client chooses how strict to be (`responseSignatures`).

import type { Middleware } from "openapi-fetch";
import { type ErrorContext, SignatureError, ValidationError } from "../core/errors.js";
import { checkSignedTime, parseEpochMs, type SignedTimeWindow } from "../core/freshness.js";
import type { Secret } from "../core/redact.js";
import type { ExpiringKeys } from "../core/replay.js";
import type { AnswerHeaders } from "../core/transport.js";
import { GATEPAY_HEADER } from "./codes.js";
import { signGatePay, verifyGatePaySignature } from "./sign.js";

/** Header names, as GatePay spells them (public name of ./codes.ts's GATEPAY_HEADER). */
export const GATEPAY_HEADERS = GATEPAY_HEADER;

/**
 * How strictly GatePay's response signatures are checked; GatePay's own SDKs verify none, so this is
 * a choice ([U] in docs/providers.md). "if-present" (default): verify when the three headers are there,
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

/** What checking GatePay's answers needs: the mode, the secret, the window, and the nonces already seen. */
export interface GatePayAnswerVerifier {
  readonly mode: GatePayResponseSignatures;
  readonly secret: Secret;
  /** Around the request: by default GatePay's own request window, 10 s either way. */
  readonly window: SignedTimeWindow;
  readonly nonces: ExpiringKeys;
  readonly now: () => number;
}

/**
 * Checks an answer's signature headers over its raw text per `verifier.mode`; throws SignatureError
 * when the answer must not be trusted: "missing" (none, under "required"), "invalid" (some but not all
 * of the three headers, or a signature that does not verify), "stale" (a timestamp that is not epoch
 * milliseconds, or outside the window around `sentAtMs`), "replayed" (a nonce already accepted inside
 * the window). Returns true when the answer carried a valid signature.
 */
export function checkGatePayResponseSignature(
  verifier: GatePayAnswerVerifier,
  headers: AnswerHeaders,
  body: string,
  sentAtMs: number,
  ctx: ErrorContext,
): boolean {
  if (verifier.mode === "off") return false;
  const timestamp = headers.get(GATEPAY_HEADERS.timestamp);
  const nonce = headers.get(GATEPAY_HEADERS.nonce);
  const signature = headers.get(GATEPAY_HEADERS.signature);
  if (timestamp === null && nonce === null && signature === null) {
    if (verifier.mode === "required") throw new SignatureError({ ...ctx, reason: "missing" });
    return false;
  }
  const valid =
    timestamp !== null &&
    nonce !== null &&
    signature !== null &&
    verifyGatePaySignature({ secret: verifier.secret.reveal(), timestamp, nonce, body, signature });
  if (!valid) throw new SignatureError({ ...ctx, reason: "invalid" });
  const nowMs = verifier.now();
  checkSignedTime(parseEpochMs(timestamp), sentAtMs, nowMs, verifier.window, ctx);
  if (!verifier.nonces.remember(nonce, nowMs + verifier.window.pastMs + verifier.window.futureMs, nowMs)) {
    throw new SignatureError({ ...ctx, reason: "replayed", detail: "its nonce was already used" });
  }
  return true;
}

/**
 * Middleware for the exposed openapi-fetch clients (`client.openapi`): signs each request by reading a
 * clone of its body (the raw path cannot sign ahead of time; the typed methods do), and checks the
 * answer's signature per `mode`, rejecting the call with SignatureError when it fails.
 */
export function gatePaySigningMiddleware(signer: GatePaySigner, verifier: GatePayAnswerVerifier): Middleware {
  const sentAt = new WeakMap<Request, number>();
  return {
    async onRequest({ request, schemaPath }) {
      sentAt.set(request, signer.now());
      const body = await request.clone().text();
      const headers = gatePayRequestHeaders(signer, body, isOtcPath(schemaPath));
      for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
      return undefined;
    },
    async onResponse({ request, response, schemaPath }) {
      if (verifier.mode === "off") return undefined;
      const text = await response.clone().text();
      checkGatePayResponseSignature(verifier, response.headers, text, sentAt.get(request) ?? signer.now(), {
        provider: "gatepay",
        operation: schemaPath,
        status: response.status,
      });
      return undefined;
    },
  };
}
