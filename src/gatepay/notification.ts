// GatePay notifications (docs/notifications.md, "GatePay"): the X-GatePay-* headers signed like a
// request over the raw body, an envelope whose `data` is a JSON string, and the acknowledgement
// GatePay stops retrying on.

import type { components as OtcSchemas } from "../../generated/gatepay-otc.js";
import {
  validateOtcOrderNotificationData,
  validateOtcOrderNotificationRequest,
} from "../../generated/gatepay-otc.validators.js";
import type { components as PaymentSchemas } from "../../generated/gatepay-payments.js";
import {
  validatePayOrderNotificationData,
  validatePayOrderNotificationRequest,
} from "../../generated/gatepay-payments.validators.js";
import { SignatureError } from "../core/errors.js";
import {
  assertFresh,
  assertNotificationShape,
  type CheckedNotification,
  checkNotificationOptions,
  defaultReplayStore,
  headerValue,
  type NotificationCheckOptions,
  type NotificationHeaders,
  parseEmbeddedJson,
  parseNotificationJson,
  rememberOnce,
  requireNotificationSecret,
  requireRawBody,
} from "../core/notification.js";
import { GATEPAY_HEADER } from "./codes.js";
import { verifyGatePaySignature } from "./sign.js";

/** The exact body GatePay expects, with HTTP 200, before it stops retrying (docs/notifications.md, G1). */
export const GATEPAY_NOTIFICATION_ACKNOWLEDGEMENT = '{"returnCode":"SUCCESS","returnMessage":""}';

/**
 * Default time window, either way, around X-GatePay-Timestamp. GatePay does not say whether retries
 * are re-signed; its signing rule gives every request a fresh timestamp and nonce, so we assume each
 * delivery is signed when sent and allow 5 minutes of clock skew and transit (Stripe's default too).
 */
export const GATEPAY_NOTIFICATION_TOLERANCE_MS = 5 * 60 * 1000;

type PayOrderEnvelope = PaymentSchemas["schemas"]["PayOrderNotification"];
type OtcOrderEnvelope = OtcSchemas["schemas"]["OtcOrderNotification"];

/** A prepay order notification (`bizType` PAY): a close (`PAY_CLOSE`), a payment or an error, with `data` parsed. */
export interface GatePayPayOrderNotification {
  readonly kind: "payOrder";
  readonly bizType: "PAY";
  readonly bizId: string;
  /** `PAY_SUCCESS`, `PAY_CLOSE` or `PAY_ERROR`; a status GatePay adds later arrives as is. */
  readonly bizStatus: PayOrderEnvelope["bizStatus"] | (string & {});
  /** From `client_id` or `clientId`, whichever GatePay sent. */
  readonly clientId: string | undefined;
  readonly data: PaymentSchemas["schemas"]["PayOrderNotificationData"];
}

/** An OTC order notification (`bizType` OTC), e.g. `RECHARGE_SUCCESS` for a deposit, with `data` parsed. */
export interface GatePayOtcOrderNotification {
  readonly kind: "otcOrder";
  readonly bizType: "OTC";
  readonly bizId: string;
  readonly bizStatus: OtcOrderEnvelope["bizStatus"] | (string & {});
  readonly clientId: string | undefined;
  readonly data: OtcSchemas["schemas"]["OtcOrderNotificationData"];
}

/** A verified notification of a `bizType` payclients does not model (refunds, payouts…); `data` parsed when it is a JSON string. */
export interface GatePayOtherNotification {
  readonly kind: "other";
  readonly bizType: string;
  readonly bizId: string | undefined;
  readonly bizStatus: string | undefined;
  readonly clientId: string | undefined;
  readonly data: unknown;
}

/** Any verified GatePay notification; switch on `kind`. */
export type GatePayNotification =
  | GatePayPayOrderNotification
  | GatePayOtcOrderNotification
  | GatePayOtherNotification;

/** Options of {@link verifyGatePayNotification}. */
export interface GatePayNotificationOptions extends NotificationCheckOptions {
  /** The merchant's Payment API Secret, the one requests are signed with. */
  secret: string;
}

const replayStore = defaultReplayStore();
const OPERATION = "notification";

function clientIdOf(body: Record<string, unknown>): string | undefined {
  const value = body.client_id ?? body.clientId;
  return typeof value === "string" ? value : undefined;
}

function optionalText(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function typed(body: Record<string, unknown>): GatePayNotification {
  switch (body.bizType) {
    case "PAY": {
      assertNotificationShape(validatePayOrderNotificationRequest, body, "gatepay", OPERATION);
      const envelope = body as unknown as PayOrderEnvelope;
      const data = parseEmbeddedJson(
        envelope.data,
        "data",
        validatePayOrderNotificationData,
        "gatepay",
        OPERATION,
      );
      return {
        kind: "payOrder",
        bizType: "PAY",
        bizId: envelope.bizId,
        bizStatus: envelope.bizStatus,
        clientId: clientIdOf(body),
        data: data as GatePayPayOrderNotification["data"],
      };
    }
    case "OTC": {
      assertNotificationShape(validateOtcOrderNotificationRequest, body, "gatepay", OPERATION);
      const envelope = body as unknown as OtcOrderEnvelope;
      const data = parseEmbeddedJson(
        envelope.data,
        "data",
        validateOtcOrderNotificationData,
        "gatepay",
        OPERATION,
      );
      return {
        kind: "otcOrder",
        bizType: "OTC",
        bizId: envelope.bizId,
        bizStatus: envelope.bizStatus,
        clientId: clientIdOf(body),
        data: data as GatePayOtcOrderNotification["data"],
      };
    }
    default: {
      if (typeof body.bizType !== "string") {
        assertNotificationShape(validatePayOrderNotificationRequest, body, "gatepay", OPERATION);
      }
      let data: unknown = body.data;
      if (typeof data === "string") {
        try {
          data = JSON.parse(data);
        } catch {
          // Not JSON: kept as the string GatePay sent.
        }
      }
      return {
        kind: "other",
        bizType: String(body.bizType),
        bizId: optionalText(body.bizId),
        bizStatus: optionalText(body.bizStatus),
        clientId: clientIdOf(body),
        data,
      };
    }
  }
}

/**
 * Checks {@link GatePayNotificationOptions} before any notification is read: `secret` a non-empty
 * string, the shared options well-formed, no unknown key; fields named under `path` ("gatepay" in
 * createNotificationHandler). Throws ValidationError.
 */
export function checkGatePayNotificationOptions(options: unknown, path = ""): void {
  const record = checkNotificationOptions(options, "gatepay", path, ["secret"]);
  requireNotificationSecret(record.secret, "gatepay", path);
}

/** The verifier behind {@link verifyGatePayNotification}, also handing back how to forget its replay key. */
export async function checkGatePayNotification(
  rawBody: string,
  headers: NotificationHeaders,
  options: GatePayNotificationOptions,
): Promise<CheckedNotification<GatePayNotification>> {
  checkGatePayNotificationOptions(options);
  // Checked with the other options above.
  const tolerance = options.toleranceMs ?? GATEPAY_NOTIFICATION_TOLERANCE_MS;
  const timestamp = headerValue(headers, GATEPAY_HEADER.timestamp, "gatepay");
  const nonce = headerValue(headers, GATEPAY_HEADER.nonce, "gatepay");
  const signature = headerValue(headers, GATEPAY_HEADER.signature, "gatepay");
  if (timestamp === undefined || nonce === undefined || signature === undefined) {
    throw new SignatureError({ reason: "missing", subject: "notification", provider: "gatepay" });
  }
  requireRawBody(rawBody, "gatepay");
  if (!verifyGatePaySignature({ secret: options.secret, timestamp, nonce, body: rawBody, signature })) {
    throw new SignatureError({ reason: "invalid", subject: "notification", provider: "gatepay" });
  }
  const sentAt = /^[0-9]{1,16}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  const now = (options.now ?? Date.now)();
  assertFresh(sentAt, now, { pastMs: tolerance, futureMs: tolerance }, "gatepay");
  const notification = typed(parseNotificationJson(rawBody, "gatepay", OPERATION));
  const release = await rememberOnce(
    options.replayStore ?? replayStore(),
    `gatepay:${nonce}:${signature}`,
    sentAt + tolerance,
    "gatepay",
  );
  return { notification, release };
}

/**
 * Verifies a GatePay notification and returns it typed, with `data` parsed and validated.
 *
 * `rawBody` is the body text exactly as received (before any JSON parsing); `headers` any server's
 * request headers (case-insensitive). Checks, in order: the three X-GatePay-* headers are present
 * (else SignatureError "missing"), the HMAC-SHA512 signature with `secret` in constant time
 * ("invalid"), X-GatePay-Timestamp within `toleranceMs` of `now`, default 5 minutes ("stale"), the
 * body's shape (UnexpectedResponseError "empty" | "not_json" | "wrong_shape"), and that this nonce and
 * signature were not accepted before inside the window ("replayed"). Source: docs/notifications.md, "GatePay".
 */
export async function verifyGatePayNotification(
  rawBody: string,
  headers: NotificationHeaders,
  options: GatePayNotificationOptions,
): Promise<GatePayNotification> {
  return (await checkGatePayNotification(rawBody, headers, options)).notification;
}
