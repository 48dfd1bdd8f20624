// DaxPay 2.0.x's codes, messages, limits and time window for `POST /unipay/cancel`, each exactly as the
// 2.0.8 server writes it. A leaf module (no imports) so the client, cancelOrder and the sandbox share
// one copy. Evidence for every value: docs/providers.md, "DaxPay" (dromara/dax-pay tag 2.0.8).

/**
 * Top-level `code` values the 2.0.8 gateway answers `/unipay/cancel` with, and `data.code` values of
 * the signed business result. Every answer is HTTP 200 (docs/providers.md, "DaxPay: answers").
 */
export const DAXPAY_CODE = {
  /** Top level: the gateway handled the call; `data` is the signed result. Also `data.code` for "cancelled". */
  success: 0,
  /** `data.code` only: a business failure, `data.msg` the server's reason (signed). */
  businessFailure: 1,
  /** Unhandled fault, including a request with a media type other than JSON (CommonErrorCode.SYSTEM_ERROR). */
  systemError: 10001,
  /** The body could not be read as the request class (malformed JSON, wrong types): PARSE_PARAMETERS_ERROR. */
  parseParameters: 10005,
  /** Any parameter-validation failure AND the reqTime window: VALIDATE_PARAMETERS_ERROR; tell them apart by `msg`. */
  validateParameters: 10006,
  /** A cancel of the same order is already running (lock held): REPETITIVE_OPERATION_ERROR. */
  repetitiveOperation: 10007,
  /** The request's `sign` did not verify (DaxPayErrorCode.VERIFY_SIGN_FAILED). */
  verifySignFailed: 20052,
} as const;

/** The line separator the 2.0.8 server joins validation messages with (`System.lineSeparator()` on Linux). */
export const DAXPAY_LINE_SEPARATOR = "\n";

/** Prefix of every 10006 message: `ValidationFailedException` writes "验证参数错误" + line separator + detail. */
export const DAXPAY_VALIDATION_PREFIX = `验证参数错误${DAXPAY_LINE_SEPARATOR}`;

/** The exact reasons the 2.0.8 server writes (docs/providers.md, "DaxPay"). */
export const DAXPAY_MESSAGE = {
  /** Top-level `msg` of a handled call (DaxRes.ok). */
  handled: "success",
  /** 20052 (VerifySignFailedException's default). */
  signFailed: "验签失败",
  /** reqTime window, stale side (PaymentAssistService.reqTimeoutVerify); sent after the 10006 prefix. */
  expired: "请求已过期，请重新发送！",
  /** reqTime window, future side (PaymentAssistService.reqTimeoutVerify); sent after the 10006 prefix. */
  fromTheFuture: "请求时间晚于服务器接收到的时间，请检查",
  /** Signed `data.msg`: no order with that orderNo / bizOrderNo, or neither was sent (PayCancelService). */
  orderNotFound: "支付订单不存在",
  /** Signed `data.msg`: the order is not in progress: paid, closed, failed OR already cancelled (PayCancelService). */
  notInProgress: "订单不是支付中, 无法进行撤销订单",
  /** Signed `data.msg`: the channel's cancel failed or the channel cannot cancel (PayCancelService). */
  cancelFailed: "撤销订单失败",
  /** 10007 (PayCancelService, lock not acquired). */
  cancelInProgress: "支付订单已在撤销中，请勿重复发起",
  /** 10001 (RestExceptionHandler, with full messages off). */
  systemError: "系统错误",
  /** Prefix Spring's Jackson converter gives an unreadable body's 10005 message; the rest is Jackson's text. */
  parseErrorPrefix: "JSON parse error: ",
} as const;

/** The `@Size` / `@NotNull` / `@IpAddress` messages of PayCancelParam and PaymentCommonParam at 2.0.8. */
export const DAXPAY_VALIDATION_MESSAGE = {
  orderNo: "支付订单号不可超过32位",
  bizOrderNo: "商户支付订单号不可超过100位",
  clientIp: "客户端ip不可超过64位",
  clientIpFormat: "IP地址不合法！",
  nonceStr: "随机数不可超过32位",
  sign: "签名不可超过64位",
  reqTimeRequired: "请求时间必填",
} as const;

/**
 * `@Size(max)` of each string field, in UTF-16 code units: Java's `String.length()`, which is what
 * Bean Validation's `@Size` counts (JavaScript's `string.length` counts the same units).
 */
export const DAXPAY_MAX_LENGTH = {
  orderNo: 32,
  bizOrderNo: 100,
  clientIp: 64,
  nonceStr: 32,
  sign: 64,
} as const;

/**
 * How far in the past a `reqTime` may be, in seconds: the platform's `reqTimeout`, 10 in the 2.0.8
 * install script; each platform may configure its own.
 */
export const DAXPAY_DEFAULT_MAX_AGE_SECONDS = 10;

/** How far in the future a `reqTime` may be: the server rejects it once whole seconds ahead exceed 60. */
export const DAXPAY_MAX_AHEAD_SECONDS = 60;

/** The full 10006 message for validation details, as the server joins them: prefix, then each + separator. */
export function daxPayValidationMessage(details: readonly string[]): string {
  return DAXPAY_VALIDATION_PREFIX + details.map((detail) => detail + DAXPAY_LINE_SEPARATOR).join("");
}

/** The two full 10006 messages that mean clock skew; every other 10006 is a parameter problem. */
export const DAXPAY_CLOCK_SKEW_MESSAGES = [
  DAXPAY_VALIDATION_PREFIX + DAXPAY_MESSAGE.expired,
  DAXPAY_VALIDATION_PREFIX + DAXPAY_MESSAGE.fromTheFuture,
] as const;

/** Payment channels of 2.0.8 (PayChannelEnum) and the ones with a cancel strategy (AliPay, WeChat Pay). */
export const DAXPAY_CHANNELS = ["ali_pay", "wechat_pay", "union_pay", "wallet_pay"] as const;
/** Channels whose orders `/unipay/cancel` can cancel; any other answers {@link DAXPAY_MESSAGE.cancelFailed}. */
export const DAXPAY_CANCELLABLE_CHANNELS = ["ali_pay", "wechat_pay"] as const;

/** English glosses of the server's Chinese messages (each line of a 10006) and of its codes, for error messages. */
export const DAXPAY_GLOSSES: Readonly<Record<string, string>> = {
  [DAXPAY_MESSAGE.signFailed]: "signature verification failed",
  [DAXPAY_MESSAGE.expired]: "request expired, send it again",
  [DAXPAY_MESSAGE.fromTheFuture]: "request time is later than the server's clock",
  [DAXPAY_MESSAGE.orderNotFound]: "payment order does not exist",
  [DAXPAY_MESSAGE.notInProgress]:
    "order is not in progress (already paid, closed or cancelled), so it cannot be cancelled",
  [DAXPAY_MESSAGE.cancelFailed]: "cancelling the order failed",
  [DAXPAY_MESSAGE.cancelInProgress]: "a cancel of this order is already in progress, do not repeat it",
  [DAXPAY_MESSAGE.systemError]: "system error",
  验证参数错误: "parameter validation failed",
  [DAXPAY_VALIDATION_MESSAGE.orderNo]: "orderNo must be at most 32 characters",
  [DAXPAY_VALIDATION_MESSAGE.bizOrderNo]: "bizOrderNo must be at most 100 characters",
  [DAXPAY_VALIDATION_MESSAGE.clientIp]: "clientIp must be at most 64 characters",
  [DAXPAY_VALIDATION_MESSAGE.clientIpFormat]: "clientIp is not a valid IP address",
  [DAXPAY_VALIDATION_MESSAGE.nonceStr]: "nonceStr must be at most 32 characters",
  [DAXPAY_VALIDATION_MESSAGE.sign]: "sign must be at most 64 characters",
  [DAXPAY_VALIDATION_MESSAGE.reqTimeRequired]: "reqTime is required",
  [String(DAXPAY_CODE.parseParameters)]: "the request body could not be read",
  [String(DAXPAY_CODE.validateParameters)]: "parameter validation failed",
  [String(DAXPAY_CODE.repetitiveOperation)]: "a cancel of this order is already in progress",
  [String(DAXPAY_CODE.verifySignFailed)]: "signature verification failed",
  [String(DAXPAY_CODE.systemError)]: "system error",
};

/**
 * The English gloss of a DaxPay message: each of its lines glossed and joined with "; " (a 10006
 * lists one line per failed check), or the code's gloss when no line is known.
 */
export function daxPayGloss(code: number, message: string): string | undefined {
  const lines = message
    .split(DAXPAY_LINE_SEPARATOR)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const glossed = lines.map((line) => DAXPAY_GLOSSES[line]).filter((gloss) => gloss !== undefined);
  return glossed.length > 0 ? glossed.join("; ") : DAXPAY_GLOSSES[String(code)];
}
