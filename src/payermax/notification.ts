// PayerMax notifications (docs/notifications.md, "PayerMax"): a `sign` header over the raw body made
// with PayerMax's platform key, the common envelope with `notifyTime` and `notifyType`, and the
// acknowledgement PayerMax stops retrying on.

import type { KeyObject } from "node:crypto";
import type { components } from "../../generated/payermax.js";
import {
  validateCancelNotificationRequest,
  validatePaymentNotificationRequest,
} from "../../generated/payermax.validators.js";
import { SignatureError, UnexpectedResponseError, ValidationError } from "../core/errors.js";
import {
  assertFresh,
  assertNotificationShape,
  type CheckedNotification,
  checkNotificationOptions,
  defaultReplayStore,
  headerValue,
  type NotificationCheckOptions,
  type NotificationHeaders,
  optionField,
  parseNotificationJson,
  rememberOnce,
  requireRawBody,
} from "../core/notification.js";
import { PAYERMAX_SIGN_HEADER } from "./codes.js";
import { parsePayerMaxPublicKey, verifyPayerMaxSignature } from "./sign.js";

/** The exact body PayerMax expects before it stops retrying (docs/notifications.md, P1 and P3). */
export const PAYERMAX_NOTIFICATION_ACKNOWLEDGEMENT = '{"code":"SUCCESS","msg":"Success"}';

/**
 * Default window for `notifyTime` in the past: PayerMax retries at 0 s, 30 s, 5 min, 10 min, 1 h and
 * 12 h (13.3 h in all) and does not say whether a retry carries a new notifyTime, so anything shorter
 * could refuse a genuine late retry. 14 h covers the whole schedule.
 */
export const PAYERMAX_NOTIFICATION_TOLERANCE_MS = 14 * 60 * 60 * 1000;

/** notifyTime further ahead of our clock than this is refused: PayerMax's own limit for requestTime (2 minutes). */
const FUTURE_MS = 2 * 60 * 1000;

type Envelope = components["schemas"]["NotificationEnvelope"];

/** Fields every PayerMax notification has. */
interface PayerMaxNotificationBase {
  readonly code: string;
  readonly msg: string;
  readonly keyVersion: string;
  readonly appId: string;
  readonly merchantNo: Envelope["merchantNo"];
  /** As sent, e.g. `2024-11-06T11:58:13.000+08:00`. */
  readonly notifyTime: string;
}

/** A payment result (`notifyType` PAYMENT); decide by `data.status`, never by `code`. */
export interface PayerMaxPaymentNotification extends PayerMaxNotificationBase {
  readonly kind: "payment";
  readonly notifyType: "PAYMENT";
  readonly data: components["schemas"]["PaymentNotificationData"];
}

/** A cancel's final result (`notifyType` CANCEL, payclients' model; docs/notifications.md): `data.status` SUCCESS or FAILED. */
export interface PayerMaxCancelNotification extends PayerMaxNotificationBase {
  readonly kind: "cancel";
  readonly notifyType: "CANCEL";
  readonly data: components["schemas"]["CancelNotificationData"];
}

/** A verified notification of a `notifyType` payclients does not model; `data` as sent. */
export interface PayerMaxOtherNotification extends PayerMaxNotificationBase {
  readonly kind: "other";
  readonly notifyType: string;
  readonly data: unknown;
}

/** Any verified PayerMax notification; switch on `kind`. */
export type PayerMaxNotification =
  | PayerMaxPaymentNotification
  | PayerMaxCancelNotification
  | PayerMaxOtherNotification;

/** Options of {@link verifyPayerMaxNotification}. */
export interface PayerMaxNotificationOptions extends NotificationCheckOptions {
  /** PayerMax's RSA public key (SPKI PEM or bare Base64 DER), the one its responses are verified with. */
  platformPublicKey: string | KeyObject;
}

const replayStore = defaultReplayStore();
const OPERATION = "notification";
const NOTIFY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

function notifyTimeMs(value: unknown): number {
  if (typeof value !== "string" || !NOTIFY_TIME.test(value)) {
    throw new UnexpectedResponseError({
      reason: "wrong_shape",
      detail: "/notifyTime must be a time like 2024-11-06T11:58:13.000+08:00",
      provider: "payermax",
      operation: OPERATION,
    });
  }
  return Date.parse(value);
}

function typed(body: Record<string, unknown>): PayerMaxNotification {
  switch (body.notifyType) {
    case "PAYMENT":
      assertNotificationShape(validatePaymentNotificationRequest, body, "payermax", OPERATION);
      return { ...(body as unknown as Omit<PayerMaxPaymentNotification, "kind">), kind: "payment" };
    case "CANCEL":
      assertNotificationShape(validateCancelNotificationRequest, body, "payermax", OPERATION);
      return { ...(body as unknown as Omit<PayerMaxCancelNotification, "kind">), kind: "cancel" };
    default:
      for (const field of ["code", "msg", "keyVersion", "appId", "notifyType"] as const) {
        if (typeof body[field] !== "string") {
          throw new UnexpectedResponseError({
            reason: "wrong_shape",
            detail: `/${field} must be string`,
            provider: "payermax",
            operation: OPERATION,
          });
        }
      }
      return { ...(body as unknown as Omit<PayerMaxOtherNotification, "kind">), kind: "other" };
  }
}

/**
 * Checks {@link PayerMaxNotificationOptions} before any notification is read and returns the parsed
 * key: `platformPublicKey` PayerMax's RSA public key (PEM, bare Base64 SPKI DER or a KeyObject), the
 * shared options well-formed, no unknown key; fields named under `path` ("payermax" in
 * createNotificationHandler). Throws ValidationError (rule "required" or "key").
 */
export function checkPayerMaxNotificationOptions(options: unknown, path = ""): KeyObject {
  const record = checkNotificationOptions(options, "payermax", path, ["platformPublicKey"]);
  const field = optionField(path, "platformPublicKey");
  const key = record.platformPublicKey;
  if (key === undefined || key === null || key === "") {
    throw new ValidationError({
      provider: "payermax",
      operation: "notification",
      field,
      rule: "required",
      reason: "is required: PayerMax's RSA public key",
    });
  }
  try {
    return parsePayerMaxPublicKey(key as string | KeyObject);
  } catch (error) {
    // The parser's messages name the expected format and the crypto error code, never the key.
    const reason = error instanceof Error ? error.message : "could not be parsed";
    throw new ValidationError({
      provider: "payermax",
      operation: "notification",
      field,
      rule: "key",
      reason,
    });
  }
}

/** The verifier behind {@link verifyPayerMaxNotification}, also handing back how to forget its replay key. */
export async function checkPayerMaxNotification(
  rawBody: string,
  headers: NotificationHeaders,
  options: PayerMaxNotificationOptions,
): Promise<CheckedNotification<PayerMaxNotification>> {
  // Checked first: a missing or wrong key is configuration, reported as such, not as a bad notification.
  const key = checkPayerMaxNotificationOptions(options);
  // Checked with the other options above.
  const tolerance = options.toleranceMs ?? PAYERMAX_NOTIFICATION_TOLERANCE_MS;
  const signature = headerValue(headers, PAYERMAX_SIGN_HEADER, "payermax");
  if (signature === undefined) {
    throw new SignatureError({ reason: "missing", subject: "notification", provider: "payermax" });
  }
  requireRawBody(rawBody, "payermax");
  if (!verifyPayerMaxSignature(rawBody, signature, key)) {
    throw new SignatureError({ reason: "invalid", subject: "notification", provider: "payermax" });
  }
  const body = parseNotificationJson(rawBody, "payermax", OPERATION);
  const sentAt = notifyTimeMs(body.notifyTime);
  const now = (options.now ?? Date.now)();
  assertFresh(sentAt, now, { pastMs: tolerance, futureMs: FUTURE_MS }, "payermax");
  const notification = typed(body);
  const release = await rememberOnce(
    options.replayStore ?? replayStore(),
    `payermax:${signature}`,
    sentAt + tolerance,
    "payermax",
  );
  return { notification, release };
}

/**
 * Verifies a PayerMax notification and returns it typed and validated.
 *
 * `rawBody` is the body text exactly as received; `headers` any server's request headers. Checks, in
 * order: the `sign` header is present (else SignatureError "missing"), it verifies over the raw body
 * with `platformPublicKey` ("invalid"), `notifyTime` is at most `toleranceMs` (default 14 h, the
 * retry schedule) in the past and 2 minutes in the future ("stale"), the body's shape
 * (UnexpectedResponseError), and that this signature was not accepted before ("replayed"). Throws an
 * Error when `platformPublicKey` is unusable. Source: docs/notifications.md, "PayerMax".
 */
export async function verifyPayerMaxNotification(
  rawBody: string,
  headers: NotificationHeaders,
  options: PayerMaxNotificationOptions,
): Promise<PayerMaxNotification> {
  return (await checkPayerMaxNotification(rawBody, headers, options)).notification;
}
