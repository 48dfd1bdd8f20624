// PayerMax's names and codes, written once: the client, cancelOrder and the sandbox import them from
// here. Source: docs/providers.md, "PayerMax" (the cancel page and PayerMax's SDKs).

/** The header that carries the RSA signature, on requests, answers and notifications. */
export const PAYERMAX_SIGN_HEADER = "sign";

/** The envelope version this client sends (the cancel page's current value). */
export const PAYERMAX_VERSION = "1.5";
/**
 * Versions PayerMax serves: ours, and those its own SDKs send (Go "1.1", PHP "1.2", Java "1.4").
 * The sandbox accepts each of them.
 */
export const PAYERMAX_SERVED_VERSIONS: ReadonlySet<string> = new Set(["1.1", "1.2", "1.4", "1.5"]);
/** The key version this client sends. */
export const PAYERMAX_KEY_VERSION = "1";

/** The `code` of an accepted request; the outcome is then `data.status`. */
export const APPLY_SUCCESS = "APPLY_SUCCESS";

/** `data.status` values the cancel page lists. */
export const PAYERMAX_CANCEL_STATUSES = ["SUCCESS", "FAILED", "PENDING"] as const;

/** PayerMax's error `code`s. */
export const PAYERMAX_CODES = {
  system: "SYSTEM_ERROR",
  requestTime: "REQ_TIME_OVER_TIME",
  tooManyRequests: "TOO_MANY_REQUEST",
  signature: "SIGN_VERIFY_FAILED",
  merchant: "MERCHANT_INVALID",
  merchantApp: "MERCHANT_APP_INVALID",
  requestTimeout: "REQUEST_TIMEOUT",
  unexpected: "UNEXPECTED_ERROR",
  params: "PARAMS_INVALID",
  paymentRejected: "PAYMENT_REJECTED",
  authenticate: "AUTHENTICATE_FAILED",
} as const;

/** Codes that describe the order (unknown order, refused payment) rather than the request. */
export const PAYERMAX_ORDER_CODES: ReadonlySet<string> = new Set([
  PAYERMAX_CODES.params,
  PAYERMAX_CODES.paymentRejected,
]);

/** How far `requestTime` may be from PayerMax's clock, either way. */
export const PAYERMAX_REQUEST_WINDOW_MS = 2 * 60_000;

/** PayerMax's hosts; the spec's paths already start with /aggregate-pay/api/gateway. */
export const PAYERMAX_BASE_URLS = {
  uat: "https://pay-gate-uat.payermax.com",
  production: "https://pay-gate.payermax.com",
} as const;

/** English glosses of PayerMax's codes, for error messages. */
export const PAYERMAX_GLOSSES: Readonly<Record<string, string>> = {
  [PAYERMAX_CODES.system]: "PayerMax system error",
  [PAYERMAX_CODES.requestTime]: "requestTime outside PayerMax's 2-minute window",
  [PAYERMAX_CODES.tooManyRequests]: "too many requests",
  [PAYERMAX_CODES.signature]: "signature verification failed",
  [PAYERMAX_CODES.merchant]: "unknown or disabled merchant",
  [PAYERMAX_CODES.merchantApp]: "unknown or disabled app",
  [PAYERMAX_CODES.requestTimeout]: "request timed out at PayerMax",
  [PAYERMAX_CODES.unexpected]: "unexpected error at PayerMax",
  [PAYERMAX_CODES.params]: "invalid parameters (or an unknown order)",
  [PAYERMAX_CODES.paymentRejected]: "payment rejected",
  [PAYERMAX_CODES.authenticate]: "authentication failed",
};
