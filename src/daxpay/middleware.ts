// DaxPay 2.0.x signing, for the typed client and as openapi-fetch middleware (docs/providers.md, "DaxPay").
// The signature lives in the body: `reqTime` (epoch seconds), `nonceStr` and `sign` are added to the
// fields the server's request class knows. Only `data` of an answer is signed; it is verified in
// constant time, and an answer that says "handled" without a valid `data.sign` is refused.

import type { Middleware } from "openapi-fetch";
import type { components } from "../../generated/daxpay.js";
import { type ErrorContext, SignatureError } from "../core/errors.js";
import { checkSignedTime, type SignedTimeWindow } from "../core/freshness.js";
import type { Secret } from "../core/redact.js";
import { type DaxPaySignType, signDaxPay, verifyDaxPaySignature } from "./sign.js";

type PayCancelParam = components["schemas"]["PayCancelParam"];

/**
 * The fields the 2.0.x server knows besides `sign`, in the order they are sent. A field it does not
 * know is ignored by the server and breaks the signature, so nothing else is ever sent.
 */
const DAXPAY_CANCEL_FIELDS = [
  "orderNo",
  "bizOrderNo",
  "clientIp",
  "nonceStr",
  "reqTime",
] as const satisfies readonly (keyof PayCancelParam)[];

/** What signing and verifying need; the secret stays boxed until the digest. */
export interface DaxPaySigner {
  readonly secret: Secret;
  readonly signType: DaxPaySignType;
  readonly now: () => number;
  readonly nonce: () => string;
  /** Where a signed `data.resTime` may lie around the request: by default the server's request window. */
  readonly window: SignedTimeWindow;
}

/** Adds a fresh `reqTime` (seconds) and `nonceStr` to `fields`, keeping only the fields the server knows. */
export function withFreshTime(
  signer: DaxPaySigner,
  fields: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of DAXPAY_CANCEL_FIELDS) {
    if (name === "nonceStr") body.nonceStr = signer.nonce();
    else if (name === "reqTime") body.reqTime = Math.floor(signer.now() / 1000);
    else if (fields[name] !== undefined && fields[name] !== null) body[name] = fields[name];
  }
  return body;
}

/** Returns `body` with its `sign` appended (computed over every other field). */
export function withSign(
  signer: DaxPaySigner,
  body: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return { ...body, sign: signDaxPay(body, signer.secret.reveal(), signer.signType) };
}

/**
 * Verifies the signed part of a parsed answer. `data`, when it is an object, must carry a valid
 * `sign` and a `resTime` (epoch seconds) inside the window around `sentAtMs`; an answer with
 * `code: 0` (handled) must carry such a `data`. Throws SignatureError ("missing", "invalid",
 * "stale") otherwise. DaxPay's signed `data` names no order and no nonce, so a genuine answer from
 * the same second could still stand in for another cancel: a protocol limit, stated in the README.
 */
export function checkDaxPayAnswerSignature(
  signer: DaxPaySigner,
  answer: unknown,
  sentAtMs: number,
  ctx: ErrorContext,
): void {
  if (typeof answer !== "object" || answer === null || Array.isArray(answer)) return;
  const { code, data } = answer as { code?: unknown; data?: unknown };
  if (typeof data === "object" && data !== null && !Array.isArray(data)) {
    const signed = data as Record<string, unknown>;
    if (typeof signed.sign !== "string") throw new SignatureError({ ...ctx, reason: "missing" });
    if (!verifyDaxPaySignature(signed, signer.secret.reveal(), signer.signType)) {
      throw new SignatureError({ ...ctx, reason: "invalid" });
    }
    // resTime (int64: exact decimal text from the client's reader, a number from the raw client's
    // JSON.parse) has one-second resolution: compare against the second the request was sent in.
    const resTime = signed.resTime;
    const seconds = typeof resTime === "string" && /^[0-9]{1,13}$/.test(resTime) ? Number(resTime) : resTime;
    const signedAtMs =
      typeof seconds === "number" && Number.isSafeInteger(seconds) && seconds >= 0
        ? seconds * 1000
        : Number.NaN;
    checkSignedTime(signedAtMs, Math.floor(sentAtMs / 1000) * 1000, signer.now(), signer.window, ctx);
    return;
  }
  if (code === 0) throw new SignatureError({ ...ctx, reason: "missing" });
}

/**
 * Middleware for the exposed openapi-fetch client (`client.openapi`). It reads a clone of the request
 * body (the raw path cannot sign ahead of time; `cancel` does), keeps only the fields the server
 * knows, sets a fresh `reqTime` and `nonceStr` (replacing any given), appends `sign`, and sends that
 * body instead. A body that is not a JSON object is sent unchanged (the gateway answers 20051).
 * Answers are verified as in {@link checkDaxPayAnswerSignature}; a failure rejects with SignatureError.
 */
export function daxPaySigningMiddleware(signer: DaxPaySigner): Middleware {
  const sentAt = new WeakMap<Request, number>();
  return {
    async onRequest({ request }) {
      sentAt.set(request, signer.now());
      let parsed: unknown;
      try {
        parsed = JSON.parse(await request.clone().text());
      } catch {
        return undefined;
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
      const body = withSign(signer, withFreshTime(signer, parsed as Record<string, unknown>));
      const signed = new Request(request, { body: JSON.stringify(body) });
      sentAt.set(signed, sentAt.get(request) ?? signer.now());
      return signed;
    },
    async onResponse({ request, response, schemaPath }) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await response.clone().text());
      } catch {
        return undefined;
      }
      checkDaxPayAnswerSignature(signer, parsed, sentAt.get(request) ?? signer.now(), {
        provider: "daxpay",
        operation: schemaPath,
        status: response.status,
      });
      return undefined;
    },
  };
}
