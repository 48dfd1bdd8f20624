// GatePay's codes, labels, header names and time window, shared by both GatePay APIs (payment and OTC).
// A leaf module (no imports) so the client, cancelOrder and the sandbox share one copy. Evidence for
// every value: docs/providers.md, "GatePay".

/** The request headers GatePay reads (and the three it may sign answers with). */
export const GATEPAY_HEADER = {
  clientId: "X-GatePay-Certificate-ClientId",
  timestamp: "X-GatePay-Timestamp",
  nonce: "X-GatePay-Nonce",
  signature: "X-GatePay-Signature",
  /** OTC paths only; int64 as decimal text; not part of the signed string. */
  merchantId: "X-GatePay-MerchantId",
} as const;

/** Envelope `status` values (the payment API writes them upper case; compare case-insensitively). */
export const GATEPAY_STATUS = { success: "SUCCESS", fail: "FAIL" } as const;

/** Envelope `code` values on the published error-code pages, plus the success codes seen on GatePay's pages. */
export const GATEPAY_CODE = {
  /** Success on the payment API and the OTC seed schema. */
  success: "000000",
  /** Success in the newer OTC page revision (`{"code":"0","message":"success","status":"success"}`). */
  successShort: "0",
  systemError: "300000",
  internalError: "300001",
  unknownError: "400000",
  parameterFormat: "400001",
  signatureFailed: "400002",
  timestampTimedOut: "400003",
  unsupportedMediaType: "400007",
  nonceError: "400020",
  duplicateMerchantTradeNo: "400201",
  orderNotExist: "400202",
  orderStatusIncorrect: "400204",
} as const;

/** `label` values on the payment API's business failures (the OTC envelope has no label). */
export const GATEPAY_LABEL = {
  orderNotExist: "ORDER_NOT_EXIST",
  orderClosed: "ORDER_CLOSED",
  orderPaid: "ORDER_PAID",
} as const;

/** GatePay rejects a request whose timestamp is more than this far from its clock, either way (ms). */
export const GATEPAY_WINDOW_MS = 10_000;

/** Nonces: letters and digits, at most this many characters. */
export const GATEPAY_NONCE_MAX_LENGTH = 32;

/** `merchantTradeNo` of close prepay order: at most this many UTF-8 bytes ("up to 32 bytes" on the page). */
export const GATEPAY_MERCHANT_TRADE_NO_MAX_BYTES = 32;

/** Envelope `code`s of a success. */
export const GATEPAY_SUCCESS_CODES: ReadonlySet<string> = new Set([
  GATEPAY_CODE.success,
  GATEPAY_CODE.successShort,
]);

/**
 * True when a parsed envelope says success: at least one of `status` and `code` is present (not null),
 * and each one present says success: `status` "SUCCESS" compared ASCII-case-insensitively (a regular
 * expression without the `u` flag never folds "ſ" into "s", unlike `toUpperCase()`), `code` "000000"
 * or "0". Here rather than in the client so that cancelOrder shares the one rule without loading it.
 */
export function isGatePaySuccessEnvelope(envelope: {
  readonly status?: unknown;
  readonly code?: unknown;
}): boolean {
  const { status, code } = envelope;
  const hasStatus = status !== undefined && status !== null;
  const hasCode = code !== undefined && code !== null;
  if (!hasStatus && !hasCode) return false;
  const statusSays = !hasStatus || (typeof status === "string" && /^success$/i.test(status));
  const codeSays = !hasCode || (typeof code === "string" && GATEPAY_SUCCESS_CODES.has(code));
  return statusSays && codeSays;
}

/** Codes that describe the order rather than the request: only these can become a cancel outcome. */
export const GATEPAY_ORDER_CODES: ReadonlySet<string> = new Set([
  GATEPAY_CODE.orderNotExist,
  GATEPAY_CODE.orderStatusIncorrect,
]);

/** GatePay's host, for both the payment and the OTC API. */
export const GATEPAY_BASE_URL = "https://openplatform.gateapi.io";

/** English glosses of GatePay's codes, added to error messages (the provider's text stays as sent). */
export const GATEPAY_GLOSSES: Readonly<Record<string, string>> = {
  [GATEPAY_CODE.systemError]: "GatePay system error",
  [GATEPAY_CODE.internalError]: "GatePay internal error",
  [GATEPAY_CODE.unknownError]: "GatePay unknown error",
  [GATEPAY_CODE.parameterFormat]: "parameter format error",
  [GATEPAY_CODE.signatureFailed]: "signature verification failed",
  [GATEPAY_CODE.timestampTimedOut]: "request timestamp outside GatePay's window",
  [GATEPAY_CODE.unsupportedMediaType]: "unsupported media type",
  [GATEPAY_CODE.nonceError]: "nonce already used",
  [GATEPAY_CODE.duplicateMerchantTradeNo]: "merchantTradeNo already used",
  [GATEPAY_CODE.orderNotExist]: "order does not exist",
  [GATEPAY_CODE.orderStatusIncorrect]: "order status does not allow this (already closed, cancelled or paid)",
};
