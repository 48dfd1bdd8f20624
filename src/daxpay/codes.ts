// DaxPay 2.0.8's codes and messages for `/unipay/cancel`, written once: the client, cancelOrder and
// the sandbox import them from here. Source: docs/providers.md, "DaxPay", read from the 2.0.8
// server (dromara/dax-pay, tag 2.0.8: CommonErrorCode, PaymentVerifyAop, PaymentAssistService,
// PayCancelService).

/** Gateway `code`s (the unsigned outer envelope). */
export const DAXPAY_CODES = {
  /** 0: the gateway handled the call; the signed `data.code` carries the business result. */
  handled: 0,
  /** 10006 VALIDATE_PARAMETERS_ERROR: every parameter check, and also the reqTime window (see messages). */
  parameters: 10006,
  /** 10007 REPETITIVE_OPERATION_ERROR: a cancel of this order is already in progress. */
  repetitive: 10007,
  /** 20052: the request signature did not verify. */
  signature: 20052,
} as const;

/** Signed `data.code`s of a handled call. */
export const DAXPAY_DATA_CODES = {
  /** The order was cancelled. */
  cancelled: 0,
  /** A business failure; `data.msg` is the server's reason (see {@link DAXPAY_MESSAGES}). */
  failed: 1,
} as const;

/** The server's messages that the client decides on (exact text, as 2.0.8 sends it). */
export const DAXPAY_MESSAGES = {
  /** 10006 for a reqTime more than the window in the past. */
  expired: "请求已过期，请重新发送！",
  /** 10006 for a reqTime in the future. */
  fromTheFuture: "请求时间晚于服务器接收到的时间，请检查",
  /** 20052. */
  signFailed: "验签失败",
  /** data.code 1: no such order. */
  orderNotFound: "支付订单不存在",
  /** data.code 1: the order is not in progress (already paid, closed, or already cancelled). */
  notInProgress: "订单不是支付中, 无法进行撤销订单",
  /** data.code 1: the cancel itself failed. */
  cancelFailed: "撤销订单失败",
} as const;

/** The two 10006 messages that mean the request time was refused; every other 10006 is a parameter problem. */
export const DAXPAY_CLOCK_MESSAGES: ReadonlySet<string> = new Set([
  DAXPAY_MESSAGES.expired,
  DAXPAY_MESSAGES.fromTheFuture,
]);

/** reqTime window of the 2.0.8 server: at most 10 s in the past (configurable per platform), 60 s ahead. */
export const DAXPAY_REQUEST_WINDOW = { pastMs: 10_000, futureMs: 60_000 } as const;

/**
 * Longest values the 2.0.8 request class accepts (`@Size(max=…)`, counted in UTF-16 code units,
 * i.e. JavaScript's `string.length`).
 */
export const DAXPAY_MAX_LENGTHS = {
  orderNo: 32,
  bizOrderNo: 100,
  clientIp: 64,
  nonceStr: 32,
  sign: 64,
} as const;

/** English glosses of the server's Chinese messages and of its codes, for error messages. */
export const DAXPAY_GLOSSES: Readonly<Record<string, string>> = {
  [DAXPAY_MESSAGES.expired]: "request expired, send it again",
  [DAXPAY_MESSAGES.fromTheFuture]: "request time is later than the server's clock",
  [DAXPAY_MESSAGES.signFailed]: "signature verification failed",
  [DAXPAY_MESSAGES.orderNotFound]: "payment order does not exist",
  [DAXPAY_MESSAGES.notInProgress]:
    "order is not in progress (already paid, closed or cancelled), so it cannot be cancelled",
  [DAXPAY_MESSAGES.cancelFailed]: "cancelling the order failed",
  验证参数错误: "parameter validation failed",
  [String(DAXPAY_CODES.parameters)]: "parameter validation failed",
  [String(DAXPAY_CODES.repetitive)]: "a cancel of this order is already in progress",
  [String(DAXPAY_CODES.signature)]: "signature verification failed",
};
