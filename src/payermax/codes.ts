// PayerMax's codes, header name, envelope versions and time window for the cancel API. A leaf module
// (no imports) so the client, cancelOrder and the sandbox share one copy. Evidence for every value:
// docs/providers.md, "PayerMax".

/** The header carrying the RSA signature, on requests, answers and notifications alike. */
export const PAYERMAX_SIGN_HEADER = "sign";

/** Envelope `code` values: APPLY_SUCCESS (accepted; the outcome is `data.status`) and the published errors. */
export const PAYERMAX_CODE = {
  applySuccess: "APPLY_SUCCESS",
  systemError: "SYSTEM_ERROR",
  reqTimeOverTime: "REQ_TIME_OVER_TIME",
  tooManyRequest: "TOO_MANY_REQUEST",
  signVerifyFailed: "SIGN_VERIFY_FAILED",
  merchantInvalid: "MERCHANT_INVALID",
  merchantAppInvalid: "MERCHANT_APP_INVALID",
  requestTimeout: "REQUEST_TIMEOUT",
  unexpectedError: "UNEXPECTED_ERROR",
  paramsInvalid: "PARAMS_INVALID",
  paymentRejected: "PAYMENT_REJECTED",
  authenticateFailed: "AUTHENTICATE_FAILED",
} as const;

/** `msg` of an accepted answer, as on the published page. */
export const PAYERMAX_ACCEPTED_MESSAGE = "Success.";

/** `data.status` of a cancel. */
export const PAYERMAX_CANCEL_STATUS = { success: "SUCCESS", failed: "FAILED", pending: "PENDING" } as const;

/** The envelope `version` the page documents ("Current value: 1.5"); payclients sends it. */
export const PAYERMAX_VERSION = "1.5";

/**
 * Every `version` PayerMax serves: the page's 1.5 and what its official SDKs send (Go "1.1", PHP
 * "1.2", Java "1.4"). A server that refused these would refuse PayerMax's own SDKs.
 */
export const PAYERMAX_SERVED_VERSIONS = ["1.1", "1.2", "1.4", "1.5"] as const;

/** `keyVersion`, "Current value: 1". */
export const PAYERMAX_KEY_VERSION = "1";

/** PayerMax rejects a requestTime more than two minutes from its clock, either way (ms). */
export const PAYERMAX_WINDOW_MS = 120_000;

/**
 * Length limits, counted in UTF-16 code units (docs/providers.md, "PayerMax: lengths"): merchantNo 32
 * (the cancel page), outTradeNo 64 (the order page, which also limits it to letters, digits and `_`,
 * so every way of counting agrees), requestId 64 ([U]: the cancel page gives none; taken as outTradeNo's).
 */
export const PAYERMAX_MAX_LENGTH = { merchantNo: 32, requestId: 64, outTradeNo: 64 } as const;

/**
 * The characters an `outTradeNo` may hold: letters, digits and `_` only (docs/providers.md, "PayerMax"
 * → "Lengths", source P-order `data.outTradeNo`). PayerMax creates no order outside it, so the sandbox
 * refuses to seed one; the client still sends whatever id it is given, and PayerMax judges it.
 */
export const PAYERMAX_OUT_TRADE_NO_PATTERN = /^[A-Za-z0-9_]+$/;

/** `data.status` values the cancel page lists. */
export const PAYERMAX_CANCEL_STATUSES: readonly string[] = Object.values(PAYERMAX_CANCEL_STATUS);

/** Codes that describe the order (unknown order, refused payment) rather than the request. */
export const PAYERMAX_ORDER_CODES: ReadonlySet<string> = new Set([
  PAYERMAX_CODE.paramsInvalid,
  PAYERMAX_CODE.paymentRejected,
]);

/** PayerMax's hosts; the spec's paths already start with /aggregate-pay/api/gateway. */
export const PAYERMAX_BASE_URLS = {
  uat: "https://pay-gate-uat.payermax.com",
  production: "https://pay-gate.payermax.com",
} as const;

/** English glosses of PayerMax's codes, for error messages. */
export const PAYERMAX_GLOSSES: Readonly<Record<string, string>> = {
  [PAYERMAX_CODE.systemError]: "PayerMax system error",
  [PAYERMAX_CODE.reqTimeOverTime]: "requestTime outside PayerMax's 2-minute window",
  [PAYERMAX_CODE.tooManyRequest]: "too many requests",
  [PAYERMAX_CODE.signVerifyFailed]: "signature verification failed",
  [PAYERMAX_CODE.merchantInvalid]: "unknown or disabled merchant",
  [PAYERMAX_CODE.merchantAppInvalid]: "unknown or disabled app",
  [PAYERMAX_CODE.requestTimeout]: "request timed out at PayerMax",
  [PAYERMAX_CODE.unexpectedError]: "unexpected error at PayerMax",
  [PAYERMAX_CODE.paramsInvalid]: "invalid parameters (or an unknown order)",
  [PAYERMAX_CODE.paymentRejected]: "payment rejected",
  [PAYERMAX_CODE.authenticateFailed]: "authentication failed",
};
