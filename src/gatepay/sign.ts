/**
 * GatePay request and callback signing (rule and sources in docs/providers.md, "GatePay").
 *
 * Worked example, pinned in sign.test.ts and reproducible with
 * `printf '1700000000000\nabc123XYZ\n{"merchantTradeNo":"M20240001"}\n' | openssl dgst -sha512 -hmac gatepay-test-secret`:
 *
 *   secret    = "gatepay-test-secret"
 *   timestamp = "1700000000000"
 *   nonce     = "abc123XYZ"
 *   body      = '{"merchantTradeNo":"M20240001"}'
 *   signature = "6f002ef62f82d91c865fc4501c839cce649d400cce26fe5ec763985a0eb4ed90"
 *             + "bffb8be38cde22a9bbdffdc79d4551f2a0d621969b1c577af588993ca9ebe1f4"
 *
 * Some GatePay doc pages say HMAC-SHA256 / 64 hex characters; their own examples are SHA-512, and so
 * is this.
 */
import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../core/constant-time.js";
import { ValidationError } from "../core/errors.js";

/** The parts of a GatePay request or callback that the signature covers. */
export interface GatePaySignedParts {
  /** Epoch milliseconds as a decimal string, exactly as sent in `X-GatePay-Timestamp`. */
  readonly timestamp: string;
  /** Exactly as sent in `X-GatePay-Nonce`. */
  readonly nonce: string;
  /** The exact body text sent or received; GatePay does not canonicalize it. */
  readonly body: string;
}

/** Signing input: the signed parts plus the merchant's Payment API Secret. */
export interface GatePaySignParams extends GatePaySignedParts {
  readonly secret: string;
}

/** Verification input: the signing input plus the received `X-GatePay-Signature`. */
export interface GatePayVerifyParams extends GatePaySignParams {
  readonly signature: string;
}

// Each part is joined into the signed text as it is: a number, undefined or an object would be
// stringified into something nobody meant to sign, so only strings are accepted.
function requireStrings(parts: Readonly<Record<string, unknown>>): void {
  for (const [field, value] of Object.entries(parts)) {
    if (typeof value !== "string") {
      throw new ValidationError({ provider: "gatepay", field, rule: "string", reason: "must be a string" });
    }
  }
}

/**
 * Builds the string GatePay signs; the trailing newline is present even for an empty body. Throws
 * ValidationError (provider "gatepay", rule "string") naming a part that is not a string.
 */
export function gatePaySignString({ timestamp, nonce, body }: GatePaySignedParts): string {
  requireStrings({ timestamp, nonce, body });
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/**
 * Computes `X-GatePay-Signature`: 128 lowercase hex characters. Throws ValidationError (provider
 * "gatepay") naming a part that is not a string (rule "string"), or when this runtime's node:crypto
 * cannot compute HMAC-SHA512 (field "secret", rule "hmac-sha512", the runtime's error as `cause`).
 */
export function signGatePay({ secret, timestamp, nonce, body }: GatePaySignParams): string {
  requireStrings({ secret });
  const signString = gatePaySignString({ timestamp, nonce, body });
  try {
    return createHmac("sha512", Buffer.from(secret, "utf8")).update(signString, "utf8").digest("hex");
  } catch (error) {
    // Only the error's name: its message is the runtime's, and the secret is the input here.
    const name = error instanceof Error ? error.name : typeof error;
    throw new ValidationError({
      provider: "gatepay",
      field: "secret",
      rule: "hmac-sha512",
      reason: `this runtime's node:crypto could not compute HMAC-SHA512 (${name})`,
      cause: error,
    });
  }
}

/**
 * Checks a request, response or webhook signature in constant time; false, never a throw, on any
 * mismatch or a signature that is not a string. A check that cannot run (a secret, timestamp, nonce
 * or body that is not a string, or a runtime without HMAC-SHA512) throws ValidationError as
 * {@link signGatePay} does, rather than reading as a forged signature.
 */
export function verifyGatePaySignature({
  secret,
  timestamp,
  nonce,
  body,
  signature,
}: GatePayVerifyParams): boolean {
  // Header values reach us from untyped JS and HTTP layers; a missing header must be a "no", not a crash.
  if (typeof signature !== "string") {
    return false;
  }
  return constantTimeEqual(signGatePay({ secret, timestamp, nonce, body }), signature);
}
