// GatePay's names and codes, written once: the client, cancelOrder and the sandbox import them from
// here. Sources: docs/providers.md, "GatePay" (the signing, envelope and error-code rules, with the
// pages and SDK files they come from).

/** Request (and, when GatePay signs one, answer and notification) header names, as GatePay spells them. */
export const GATEPAY_HEADERS = {
  clientId: "X-GatePay-Certificate-ClientId",
  timestamp: "X-GatePay-Timestamp",
  nonce: "X-GatePay-Nonce",
  signature: "X-GatePay-Signature",
  merchantId: "X-GatePay-MerchantId",
} as const;

/** Envelope `status` of a success; compared ASCII-case-insensitively (the OTC page shows "success"). */
export const GATEPAY_SUCCESS_STATUS = "SUCCESS";

/** Envelope `code`s of a success: "000000", or "0" in the OTC page's newer revision. */
export const GATEPAY_SUCCESS_CODES: ReadonlySet<string> = new Set(["000000", "0"]);

/** GatePay's error codes (payment API; the OTC API uses the same numbers). */
export const GATEPAY_CODES = {
  /** 400001: parameter format error (malformed JSON, missing or wrong-typed field, bad header). */
  parameterFormat: "400001",
  /** 400002: signature verification failed. */
  signature: "400002",
  /** 400003: request timestamp timed out (stale or from the future). */
  timestamp: "400003",
  /** 400007: unsupported media type. */
  mediaType: "400007",
  /** 400020: signature nonce error (a nonce used twice). */
  nonce: "400020",
  /** 400202: the order does not exist. */
  orderNotFound: "400202",
  /** 400204: order status incorrect (already closed or cancelled, or already paid). */
  orderStatus: "400204",
  /** 300000: system error (HTTP 500). */
  system: "300000",
} as const;

/** Codes that describe the order rather than the request: only these can become a cancel outcome. */
export const GATEPAY_ORDER_CODES: ReadonlySet<string> = new Set([
  GATEPAY_CODES.orderNotFound,
  GATEPAY_CODES.orderStatus,
]);

/** The payment API's `label`s of its business failures. */
export const GATEPAY_LABELS = {
  orderNotExist: "ORDER_NOT_EXIST",
  orderClosed: "ORDER_CLOSED",
  orderPaid: "ORDER_PAID",
} as const;

/**
 * How far a request's `X-GatePay-Timestamp` may drift from GatePay's clock, either way. The
 * authentication page says 10 s, endpoint pages 5 minutes ([U]); the stricter one is assumed.
 */
export const GATEPAY_REQUEST_WINDOW_MS = 10_000;

/** GatePay's host, for both the payment and the OTC API. */
export const GATEPAY_BASE_URL = "https://openplatform.gateapi.io";

/** English glosses of GatePay's codes, added to error messages (the provider's text stays as sent). */
export const GATEPAY_GLOSSES: Readonly<Record<string, string>> = {
  [GATEPAY_CODES.parameterFormat]: "parameter format error",
  [GATEPAY_CODES.signature]: "signature verification failed",
  [GATEPAY_CODES.timestamp]: "request timestamp outside GatePay's window",
  [GATEPAY_CODES.mediaType]: "unsupported media type",
  [GATEPAY_CODES.nonce]: "nonce already used",
  [GATEPAY_CODES.orderNotFound]: "order does not exist",
  [GATEPAY_CODES.orderStatus]: "order status does not allow this (already closed, cancelled or paid)",
  [GATEPAY_CODES.system]: "GatePay system error",
};
