// PayerMax signing, for the typed client and as openapi-fetch middleware (docs/providers.md, "PayerMax").
// The `sign` header is RSA-SHA256 (PKCS#1 v1.5, Base64) over the exact body bytes with the
// merchant's key; answers carry a `sign` header over their raw text made with PayerMax's key. A
// present signature must verify; APPLY_SUCCESS must carry one (fail closed).

import type { KeyObject } from "node:crypto";
import type { Middleware } from "openapi-fetch";
import { type ErrorContext, SignatureError } from "../core/errors.js";
import type { Secret } from "../core/redact.js";
import type { AnswerHeaders } from "../core/transport.js";
import { PAYERMAX_CODE, PAYERMAX_SIGN_HEADER } from "./codes.js";
import { signPayerMax, verifyPayerMaxSignature } from "./sign.js";

/** Keys, parsed once when the client is created. */
export interface PayerMaxKeys {
  readonly privateKey: Secret<KeyObject>;
  readonly platformPublicKey: KeyObject;
}

/** The `sign` header for a request whose body is exactly `body`. */
export function payerMaxRequestHeaders(keys: PayerMaxKeys, body: string): Record<string, string> {
  return { [PAYERMAX_SIGN_HEADER]: signPayerMax(body, keys.privateKey.reveal()) };
}

function codeOf(parsed: unknown): unknown {
  return typeof parsed === "object" && parsed !== null ? (parsed as { code?: unknown }).code : undefined;
}

/**
 * Checks an answer's `sign` header over its raw text: a present signature must verify, and an
 * APPLY_SUCCESS answer (`parsed.code`) must carry one. Throws SignatureError otherwise; returns true
 * when the answer was signed (and verified), false for an unsigned error answer.
 */
export function checkPayerMaxAnswerSignature(
  keys: PayerMaxKeys,
  headers: AnswerHeaders,
  text: string,
  parsed: unknown,
  ctx: ErrorContext,
): boolean {
  const signature = headers.get(PAYERMAX_SIGN_HEADER);
  if (signature === null) {
    if (codeOf(parsed) === PAYERMAX_CODE.applySuccess)
      throw new SignatureError({ ...ctx, reason: "missing" });
    return false;
  }
  if (!verifyPayerMaxSignature(text, signature, keys.platformPublicKey)) {
    throw new SignatureError({ ...ctx, reason: "invalid" });
  }
  return true;
}

/**
 * Middleware for the exposed openapi-fetch client (`client.openapi`): signs each request by reading a
 * clone of its body (the raw path cannot sign ahead of time; `cancel` does). The caller builds the
 * whole 1.5 envelope, requestTime included. Answers are checked as in
 * {@link checkPayerMaxAnswerSignature}; a failure rejects with SignatureError.
 */
export function payerMaxSigningMiddleware(keys: PayerMaxKeys): Middleware {
  return {
    async onRequest({ request }) {
      const body = await request.clone().text();
      for (const [name, value] of Object.entries(payerMaxRequestHeaders(keys, body))) {
        request.headers.set(name, value);
      }
      return undefined;
    },
    async onResponse({ response, schemaPath }) {
      const text = await response.clone().text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      checkPayerMaxAnswerSignature(keys, response.headers, text, parsed, {
        provider: "payermax",
        operation: schemaPath,
        status: response.status,
      });
      return undefined;
    },
  };
}
