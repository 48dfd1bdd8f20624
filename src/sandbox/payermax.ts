// PayerMax `POST /aggregate-pay/api/gateway/cancel` as the gateway answers it (docs/providers.md,
// "PayerMax"; what the sandbox settles itself: docs/provider-behaviour.md, "PayerMax"). Every answer,
// errors included, is HTTP 200 JSON carrying a `sign` header made with the platform's private key over
// the exact response text. It accepts the envelopes PayerMax's own SDKs send (versions 1.1, 1.2, 1.4,
// 1.5; requestTime with 0 to 3 fraction digits; merchantNo empty or null when not configured).
//
// Checks run in this order: readable body, media type, JSON, appId (needed to pick the merchant's key;
// MERCHANT_APP_INVALID), the `sign` header (SIGN_VERIFY_FAILED), schema, version and keyVersion
// (PARAMS_INVALID), merchantNo (MERCHANT_INVALID), requestTime (REQ_TIME_OVER_TIME), then the order.

import type { components } from "../../generated/payermax.js";
import { validateCancelRequest } from "../../generated/payermax.validators.js";
import { constantTimeEqual } from "../core/constant-time.js";
import {
  PAYERMAX_ACCEPTED_MESSAGE,
  PAYERMAX_CODE,
  PAYERMAX_KEY_VERSION,
  PAYERMAX_SERVED_VERSIONS,
  PAYERMAX_SIGN_HEADER,
  PAYERMAX_WINDOW_MS,
} from "../payermax/codes.js";
import { signPayerMax, verifyPayerMaxSignature } from "../payermax/sign.js";
import { describeSchemaIssues, isRecord } from "./input.js";
import {
  isJsonContentType,
  jsonAnswer,
  type ProviderRoute,
  requestNow,
  type SandboxAnswer,
  type SandboxContext,
  type SandboxRequest,
  singleHeader,
} from "./route.js";
import type { PayerMaxCancelRecord } from "./state.js";

type CancelRequest = components["schemas"]["CancelRequest"];
type CancelResponse = components["schemas"]["CancelResponse"];
type CancelResponseData = components["schemas"]["CancelResponseData"];
type ErrorResponse = components["schemas"]["ErrorResponse"];

/** The sandbox's own PayerMax messages (PayerMax publishes none), pinned by tests and docs/provider-behaviour.md. */
export const PAYERMAX_MESSAGES = {
  accepted: PAYERMAX_ACCEPTED_MESSAGE,
  notJson: "Request body is not valid JSON",
  notUtf8: "Request body is not valid UTF-8",
  contentType: "Content-Type must be application/json",
  appInvalid: "appId is invalid",
  signFailed: "Signature verification failed",
  version: `version must be one of ${PAYERMAX_SERVED_VERSIONS.join(", ")}`,
  keyVersion: "keyVersion must be 1",
  merchantInvalid: "merchantNo does not belong to appId",
  badTime: "requestTime is not a valid time",
  timeOver: "requestTime is more than 2 minutes from the server time",
  unknownOrder: "outTradeNo is invalid",
  requestIdReused: "requestId was already used for another outTradeNo",
  system: "System error",
} as const;

function signed(context: SandboxContext, value: CancelResponse | ErrorResponse): SandboxAnswer {
  const answer = jsonAnswer(200, value);
  return {
    ...answer,
    headers: { [PAYERMAX_SIGN_HEADER]: signPayerMax(answer.body, context.keys.payermaxPlatformPrivateKey) },
  };
}

function error(context: SandboxContext, code: ErrorResponse["code"], msg: string): SandboxAnswer {
  return signed(context, { code, msg });
}

// The page's `yyyy-MM-dd'T'HH:mm:ss.SSSXXX`, with the fraction's 0 to 3 digits that PayerMax's Go SDK
// writes (layout ".999" drops trailing zeros, and the whole fraction when the milliseconds are 0).
const REQUEST_TIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,3}))?(?:Z|([+-])([0-9]{2}):([0-9]{2}))$/;

/**
 * Parses an RFC 3339 requestTime with 0 to 3 fraction digits (`.94` is 940 ms) to epoch ms; NaN for a
 * malformed or impossible time (Feb 30).
 */
export function parseRequestTime(text: string): number {
  const match = REQUEST_TIME.exec(text);
  if (match === null) {
    return Number.NaN;
  }
  const fraction = match[7] ?? "";
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = fraction === "" ? 0 : Number(fraction.padEnd(3, "0"));
  const sign = match[8] === "-" ? -1 : 1;
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  if (offsetHours > 18 || offsetMinutes > 59) {
    return Number.NaN;
  }
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC rolls impossible values over (month 13, Feb 30, 24:00); reject instead of guessing.
  const exact =
    local.getUTCFullYear() === year &&
    local.getUTCMonth() === month - 1 &&
    local.getUTCDate() === day &&
    local.getUTCHours() === hour &&
    local.getUTCMinutes() === minute &&
    local.getUTCSeconds() === second;
  return exact ? local.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000 : Number.NaN;
}

// The page's example writes times as `2023-08-06T23:50:59 +0000`; the sandbox does the same, in UTC.
function responseTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)} +0000`;
}

function cancelData(cancel: PayerMaxCancelRecord, outTradeNo: string): CancelResponseData {
  const created = responseTime(cancel.createdAt);
  // The sandbox completes a cancel at once, but its first answer still says PENDING (as PayerMax's
  // first answer does); every later answer to the same requestId reports the final status.
  const status = cancel.outcome === "FAILED" ? "FAILED" : cancel.answers === 1 ? "PENDING" : "SUCCESS";
  return {
    cancelNo: cancel.cancelNo,
    requestId: cancel.requestId,
    outTradeNo,
    status,
    createdTime: created,
    succeededTime: status === "SUCCESS" ? created : null,
    failedTime: status === "FAILED" ? created : null,
    errorCode: cancel.errorCode,
    errorMsg: cancel.errorMsg,
  };
}

/**
 * PayerMax's Go SDK always sends `merchantNo`, as "" when none is configured, and its PHP SDK's
 * envelope writes unset fields as null: both mean "not sent" (the field is optional on the page).
 */
function dropUnsetMerchantNo(body: unknown): unknown {
  if (!isRecord(body) || (body.merchantNo !== "" && body.merchantNo !== null)) {
    return body;
  }
  const { merchantNo: _unset, ...rest } = body;
  return rest;
}

// A requestTime in the documented form, shown to the schema in place of one the sandbox parses itself.
const DOCUMENTED_TIME = "2024-11-06T11:56:13.000+08:00";

/**
 * The body as the schema should see it: the spec's pattern describes the documented `.SSS` form
 * payclients sends, while PayerMax serves 0 to 3 fraction digits (its Go SDK), so a requestTime that
 * {@link parseRequestTime} reads is swapped for a documented one before the schema check.
 */
function withDocumentedTime(body: Record<string, unknown>): Record<string, unknown> {
  return typeof body.requestTime === "string" && !Number.isNaN(parseRequestTime(body.requestTime))
    ? { ...body, requestTime: DOCUMENTED_TIME }
    : body;
}

function cancel(request: SandboxRequest, context: SandboxContext): SandboxAnswer {
  const now = requestNow(context);
  if (request.body.kind === "too-large") {
    return error(
      context,
      PAYERMAX_CODE.paramsInvalid,
      `Request body is larger than ${request.body.limit} bytes`,
    );
  }
  if (request.body.kind === "not-utf8") {
    return error(context, PAYERMAX_CODE.paramsInvalid, PAYERMAX_MESSAGES.notUtf8);
  }
  if (!isJsonContentType(request.headers)) {
    return error(context, PAYERMAX_CODE.paramsInvalid, PAYERMAX_MESSAGES.contentType);
  }
  const text = request.body.text;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return error(context, PAYERMAX_CODE.paramsInvalid, PAYERMAX_MESSAGES.notJson);
  }
  body = dropUnsetMerchantNo(body);
  const invalid = () => {
    const issue = describeSchemaIssues(validateCancelRequest.errors);
    return error(context, PAYERMAX_CODE.paramsInvalid, `${issue.field} ${issue.reason}`);
  };
  // Without an appId there is no merchant key to verify with, so the shape is checked first here.
  if (!isRecord(body) || typeof body.appId !== "string") {
    validateCancelRequest(body);
    return invalid();
  }
  const credentials = context.keys.credentials.payermax;
  if (!constantTimeEqual(body.appId, credentials.appId)) {
    return error(context, PAYERMAX_CODE.merchantAppInvalid, PAYERMAX_MESSAGES.appInvalid);
  }
  const signature = singleHeader(request.headers, PAYERMAX_SIGN_HEADER) ?? "";
  if (!verifyPayerMaxSignature(text, signature, context.keys.payermaxMerchantPublicKey)) {
    return error(context, PAYERMAX_CODE.signVerifyFailed, PAYERMAX_MESSAGES.signFailed);
  }
  if (!validateCancelRequest(withDocumentedTime(body))) {
    return invalid();
  }
  const envelope = body as unknown as CancelRequest;
  if (!(PAYERMAX_SERVED_VERSIONS as readonly string[]).includes(envelope.version)) {
    return error(context, PAYERMAX_CODE.paramsInvalid, PAYERMAX_MESSAGES.version);
  }
  if (envelope.keyVersion !== PAYERMAX_KEY_VERSION) {
    return error(context, PAYERMAX_CODE.paramsInvalid, PAYERMAX_MESSAGES.keyVersion);
  }
  if (envelope.merchantNo !== undefined && envelope.merchantNo !== credentials.merchantNo) {
    return error(context, PAYERMAX_CODE.merchantInvalid, PAYERMAX_MESSAGES.merchantInvalid);
  }
  const requestTime = parseRequestTime(envelope.requestTime);
  if (Number.isNaN(requestTime)) {
    return error(context, PAYERMAX_CODE.paramsInvalid, PAYERMAX_MESSAGES.badTime);
  }
  if (Math.abs(now - requestTime) > PAYERMAX_WINDOW_MS) {
    return error(context, PAYERMAX_CODE.reqTimeOverTime, PAYERMAX_MESSAGES.timeOver);
  }
  const result = context.state.cancelPayerMaxOrder(envelope.data, now);
  switch (result.outcome) {
    case "not-found":
      return error(context, PAYERMAX_CODE.paramsInvalid, PAYERMAX_MESSAGES.unknownOrder);
    case "request-id-conflict":
      return error(context, PAYERMAX_CODE.paramsInvalid, PAYERMAX_MESSAGES.requestIdReused);
    case "answered":
      return signed(context, {
        code: PAYERMAX_CODE.applySuccess,
        msg: PAYERMAX_MESSAGES.accepted,
        data: cancelData(result.cancel, result.outTradeNo),
      });
  }
}

/** PayerMax's route: cancel an authorised order. */
export const payermaxRoutes: readonly ProviderRoute[] = [
  {
    path: "/aggregate-pay/api/gateway/cancel",
    operation: "cancel",
    handle: cancel,
    systemError: (context) => {
      // Signing can only fail on a broken key, which startSandbox has already parsed: still, this
      // answer must never throw, so it falls back to an unsigned one (clients never trust those).
      try {
        return error(context, PAYERMAX_CODE.systemError, PAYERMAX_MESSAGES.system);
      } catch {
        return jsonAnswer(200, { code: "SYSTEM_ERROR", msg: PAYERMAX_MESSAGES.system });
      }
    },
  },
];
