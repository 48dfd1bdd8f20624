// DaxPay 2.0.8 payment notices (docs/notifications.md, "DaxPay 2.0.8"): the body is signed in its own
// `sign` field with the request rule, carries its build time `resTime` in epoch seconds, is retried
// verbatim, and is acknowledged by the plain-text body SUCCESS.

import type { components } from "../../generated/daxpay.js";
import { validatePayNoticeRequest } from "../../generated/daxpay.validators.js";
import { SignatureError, UnexpectedResponseError, ValidationError } from "../core/errors.js";
import {
  assertFresh,
  assertNotificationShape,
  type CheckedNotification,
  checkNotificationOptions,
  defaultReplayStore,
  type NotificationCheckOptions,
  optionField,
  parseNotificationJson,
  rememberOnce,
  requireNotificationSecret,
} from "../core/notification.js";
import { type DaxPaySignType, verifyDaxPaySignature } from "./sign.js";

/** The exact response body the DaxPay server counts as delivered (ClientNoticeService.sendData); sent as text/plain. */
export const DAXPAY_NOTIFICATION_ACKNOWLEDGEMENT = "SUCCESS";

/**
 * Default window for `resTime` in the past. The server builds a notice once and resends the same text
 * (same resTime, same sign) for up to 24 h 4 min (ClientNoticeService.DELAY_TIME), so a shorter
 * window would refuse genuine retries; 25 h covers the whole schedule.
 */
export const DAXPAY_NOTIFICATION_TOLERANCE_MS = 25 * 60 * 60 * 1000;

/** resTime ahead of our clock by more than this is refused: the server's own limit for reqTime. */
const FUTURE_MS = 60 * 1000;

/** A verified DaxPay payment notice; `status` `close` or `cancel` for a closed or cancelled order. */
export type DaxPayPayNotice = Omit<components["schemas"]["PayNoticeResult"], "status"> & {
  readonly status: components["schemas"]["PayNoticeResult"]["status"] | (string & {});
};

/** Options of {@link verifyDaxPayNotification}. */
export interface DaxPayNotificationOptions extends NotificationCheckOptions {
  /** The platform's sign secret, the one requests are signed with. */
  secret: string;
  /** The digest the platform is configured for; default HMAC_SHA256. */
  signType?: DaxPaySignType;
}

const replayStore = defaultReplayStore();
const OPERATION = "payNotice";

/**
 * Checks {@link DaxPayNotificationOptions} before any notification is read: `secret` a non-empty
 * string, `signType` HMAC_SHA256 or MD5, the shared options well-formed, no unknown key; fields named
 * under `path` ("daxpay" in createNotificationHandler). Throws ValidationError.
 */
export function checkDaxPayNotificationOptions(options: unknown, path = ""): void {
  const record = checkNotificationOptions(options, "daxpay", path, ["secret", "signType"]);
  requireNotificationSecret(record.secret, "daxpay", path);
  const { signType } = record;
  if (signType !== undefined && signType !== "HMAC_SHA256" && signType !== "MD5") {
    throw new ValidationError({
      provider: "daxpay",
      operation: "notification",
      field: optionField(path, "signType"),
      rule: "enum:HMAC_SHA256|MD5",
      reason: "must be HMAC_SHA256 or MD5",
    });
  }
}

/** The verifier behind {@link verifyDaxPayNotification}, also handing back how to forget its replay key. */
export async function checkDaxPayNotification(
  rawBody: string,
  options: DaxPayNotificationOptions,
): Promise<CheckedNotification<DaxPayPayNotice>> {
  checkDaxPayNotificationOptions(options);
  const signType = options.signType ?? "HMAC_SHA256";
  // Checked with the other options above.
  const tolerance = options.toleranceMs ?? DAXPAY_NOTIFICATION_TOLERANCE_MS;
  const body = parseNotificationJson(rawBody, "daxpay", OPERATION);
  if (typeof body.sign !== "string" || body.sign === "") {
    throw new SignatureError({ reason: "missing", subject: "notification", provider: "daxpay" });
  }
  // The server signs the object it serialised; the parsed body has the same fields and values (times
  // as epoch seconds, booleans as true/false), so the rule over it reproduces the server's string.
  if (!verifyDaxPaySignature(body, options.secret, signType)) {
    throw new SignatureError({ reason: "invalid", subject: "notification", provider: "daxpay" });
  }
  if (!Number.isSafeInteger(body.resTime)) {
    throw new UnexpectedResponseError({
      reason: "wrong_shape",
      detail: "/resTime must be integer (epoch seconds)",
      provider: "daxpay",
      operation: OPERATION,
    });
  }
  const sentAt = (body.resTime as number) * 1000;
  const now = (options.now ?? Date.now)();
  assertFresh(sentAt, now, { pastMs: tolerance, futureMs: FUTURE_MS }, "daxpay");
  assertNotificationShape(validatePayNoticeRequest, body, "daxpay", OPERATION);
  const release = await rememberOnce(
    options.replayStore ?? replayStore(),
    `daxpay:${body.sign}`,
    sentAt + tolerance,
    "daxpay",
  );
  return { notification: body as unknown as DaxPayPayNotice, release };
}

/**
 * Verifies a DaxPay 2.0.8 payment notice and returns it typed and validated.
 *
 * `rawBody` is the body text exactly as received. Checks, in order: it is a JSON object
 * (UnexpectedResponseError), it has a `sign` (else SignatureError "missing"), `sign` matches the
 * DaxPay rule with `secret` and `signType` in constant time ("invalid"), `resTime` is at most
 * `toleranceMs` (default 25 h, the server's retry schedule) in the past and 60 s in the future
 * ("stale"), the body's shape (UnexpectedResponseError "wrong_shape"), and that this `sign` was not
 * accepted before ("replayed"). Source: docs/notifications.md, "DaxPay 2.0.8".
 */
export async function verifyDaxPayNotification(
  rawBody: string,
  options: DaxPayNotificationOptions,
): Promise<DaxPayPayNotice> {
  return (await checkDaxPayNotification(rawBody, options)).notification;
}
