// DaxPay 2.0.x `POST /unipay/cancel` as the 2.0.8 gateway answers it (docs/providers.md, "DaxPay";
// what the sandbox adds of its own: docs/provider-behaviour.md, "DaxPay").
//
// Every answer is HTTP 200. In the server's order: the body is read into the request class (media type
// → 10001, unreadable → 10005), the class is validated (every violation → one 10006), the `sign` is
// verified (20052), the reqTime window is checked (10006 with one of two messages), then the order is
// cancelled. Business outcomes are a SIGNED `data` {code, msg, resTime, sign}: code 0 cancelled, code 1
// with the server's reason; the gateway errors carry no signature and `data: null`.

import { isIPv4, isIPv6 } from "node:net";
import {
  DAXPAY_CODE,
  DAXPAY_DEFAULT_MAX_AGE_SECONDS,
  DAXPAY_MAX_AHEAD_SECONDS,
  DAXPAY_MAX_LENGTH,
  DAXPAY_MESSAGE,
  DAXPAY_VALIDATION_MESSAGE,
  DAXPAY_VALIDATION_PREFIX,
  daxPayValidationMessage,
} from "../daxpay/codes.js";
import { signDaxPay, verifyDaxPaySignature } from "../daxpay/sign.js";
import { isRecord } from "./input.js";
import {
  isJsonContentType,
  jsonAnswer,
  type ProviderRoute,
  randomAlphanumeric,
  requestNow,
  type SandboxAnswer,
  type SandboxContext,
  type SandboxRequest,
} from "./route.js";

/** The string fields of the 2.0.8 request class (PayCancelParam and PaymentCommonParam). */
const STRING_FIELDS = ["orderNo", "bizOrderNo", "clientIp", "nonceStr", "sign"] as const;
type StringField = (typeof STRING_FIELDS)[number];

/** The request as the server's Jackson binding leaves it: unknown fields dropped, null = absent. */
interface PayCancelParam {
  readonly orderNo: string | null;
  readonly bizOrderNo: string | null;
  readonly clientIp: string | null;
  readonly nonceStr: string | null;
  readonly sign: string | null;
  /** Epoch seconds; null when absent, null or blank. */
  readonly reqTime: bigint | null;
}

type Binding = { readonly param: PayCancelParam } | { readonly unreadable: string };

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const LONG_TEXT = /^[+-]?[0-9]+$/;

/** A gateway error: unsigned, `data: null` (the server's ObjectMapper writes nulls), field order msg, code, data, traceId. */
function gatewayError(code: number, msg: string): SandboxAnswer {
  return jsonAnswer(200, { msg, code, data: null, traceId: randomAlphanumeric(12) });
}

/** The handled answer: `data` signed over code, msg (skipped when null) and resTime, like PaymentAssistService.sign. */
function handled(context: SandboxContext, now: number, failure: string | null): SandboxAnswer {
  const credentials = context.keys.credentials.daxpay;
  const unsigned = {
    code: failure === null ? DAXPAY_CODE.success : DAXPAY_CODE.businessFailure,
    msg: failure,
    resTime: Math.floor(now / 1000),
  };
  const data = { ...unsigned, sign: signDaxPay(unsigned, credentials.secret, credentials.signType) };
  return jsonAnswer(200, {
    msg: DAXPAY_MESSAGE.handled,
    code: DAXPAY_CODE.success,
    data,
    traceId: randomAlphanumeric(12),
  });
}

/**
 * Reads the body as Jackson binds it to PayCancelParam: scalars are coerced to the string fields,
 * `reqTime` goes through the server's timestamp deserializer (`Long.parseLong` of the value's text,
 * blank → null), unknown fields are ignored. Anything it cannot bind is a 10005.
 */
function bind(text: string): Binding {
  if (text.trim() === "") {
    return { unreadable: "Required request body is missing" };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { unreadable: `${DAXPAY_MESSAGE.parseErrorPrefix}request body is not valid JSON` };
  }
  if (body === null) {
    return { unreadable: "Required request body is missing" };
  }
  if (!isRecord(body)) {
    return {
      unreadable: `${DAXPAY_MESSAGE.parseErrorPrefix}Cannot deserialize value of type PayCancelParam from ${Array.isArray(body) ? "Array" : "scalar"} value`,
    };
  }
  const strings = {} as Record<StringField, string | null>;
  for (const field of STRING_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null) {
      strings[field] = null;
    } else if (typeof value === "string") {
      strings[field] = value;
    } else if (typeof value === "number" || typeof value === "boolean") {
      strings[field] = String(value);
    } else {
      return {
        unreadable: `${DAXPAY_MESSAGE.parseErrorPrefix}Cannot deserialize value of type String from ${Array.isArray(value) ? "Array" : "Object"} value (field ${field})`,
      };
    }
  }
  const raw = body.reqTime;
  let reqTime: bigint | null = null;
  if (raw !== undefined && raw !== null && !(typeof raw === "string" && raw.trim() === "")) {
    const textValue = typeof raw === "string" || typeof raw === "number" ? String(raw) : undefined;
    const parsed = textValue !== undefined && LONG_TEXT.test(textValue) ? BigInt(textValue) : undefined;
    if (parsed === undefined || parsed < LONG_MIN || parsed > LONG_MAX) {
      return { unreadable: `${DAXPAY_MESSAGE.parseErrorPrefix}reqTime is not a whole number of seconds` };
    }
    reqTime = parsed;
  }
  return { param: { ...strings, reqTime } };
}

/** Bean Validation of the bound class: every violation's message, lengths in UTF-16 units as `@Size` counts. */
function violations(param: PayCancelParam): string[] {
  const found: string[] = [];
  // The server collects violations in a HashSet, so its order is unspecified; the sandbox lists them
  // in field order: orderNo, bizOrderNo, clientIp, nonceStr, sign, reqTime.
  for (const field of ["orderNo", "bizOrderNo", "clientIp"] as const) {
    const value = param[field];
    if (value !== null && value.length > DAXPAY_MAX_LENGTH[field]) {
      found.push(DAXPAY_VALIDATION_MESSAGE[field]);
    }
  }
  // @IpAddress checks only a non-blank value.
  if (param.clientIp !== null && param.clientIp.trim() !== "") {
    if (!isIPv4(param.clientIp) && !isIPv6(param.clientIp)) {
      found.push(DAXPAY_VALIDATION_MESSAGE.clientIpFormat);
    }
  }
  for (const field of ["nonceStr", "sign"] as const) {
    const value = param[field];
    if (value !== null && value.length > DAXPAY_MAX_LENGTH[field]) {
      found.push(DAXPAY_VALIDATION_MESSAGE[field]);
    }
  }
  if (param.reqTime === null) {
    found.push(DAXPAY_VALIDATION_MESSAGE.reqTimeRequired);
  }
  return found;
}

/**
 * The reqTime window as PaymentAssistService.reqTimeoutVerify computes it: `Duration.getSeconds()`
 * between the server clock and reqTime, absolute. Ahead: rejected once the whole seconds ahead exceed
 * 60 (so up to 60.999 s passes). Behind: getSeconds of a negative duration rounds away from zero, so
 * rejected as soon as it is more than 10 s (the platform's reqTimeout) behind, to the millisecond.
 */
function windowFailure(reqTime: bigint, now: number): string | undefined {
  const aheadMs = reqTime * 1000n - BigInt(Math.floor(now));
  if (aheadMs > 0n) {
    return aheadMs / 1000n > BigInt(DAXPAY_MAX_AHEAD_SECONDS) ? DAXPAY_MESSAGE.fromTheFuture : undefined;
  }
  return -aheadMs > BigInt(DAXPAY_DEFAULT_MAX_AGE_SECONDS * 1000) ? DAXPAY_MESSAGE.expired : undefined;
}

function cancel(request: SandboxRequest, context: SandboxContext): SandboxAnswer {
  const now = requestNow(context);
  // Spring finds no converter for another media type; the advice's catch-all answers it as a system error.
  if (!isJsonContentType(request.headers)) {
    return gatewayError(DAXPAY_CODE.systemError, DAXPAY_MESSAGE.systemError);
  }
  if (request.body.kind === "too-large") {
    return gatewayError(
      DAXPAY_CODE.parseParameters,
      `${DAXPAY_MESSAGE.parseErrorPrefix}request body is larger than ${request.body.limit} bytes`,
    );
  }
  if (request.body.kind === "not-utf8") {
    return gatewayError(
      DAXPAY_CODE.parseParameters,
      `${DAXPAY_MESSAGE.parseErrorPrefix}Invalid UTF-8 in the request body`,
    );
  }
  const binding = bind(request.body.text);
  if ("unreadable" in binding) {
    return gatewayError(DAXPAY_CODE.parseParameters, binding.unreadable);
  }
  const param = binding.param;
  const problems = violations(param);
  if (problems.length > 0) {
    return gatewayError(DAXPAY_CODE.validateParameters, daxPayValidationMessage(problems));
  }
  // reqTime is not null here: a null one is a violation above.
  const reqTime = param.reqTime as bigint;
  const credentials = context.keys.credentials.daxpay;
  // The server signs the bound object: null fields are skipped, reqTime as its parsed number's text.
  const signed = {
    orderNo: param.orderNo,
    bizOrderNo: param.bizOrderNo,
    clientIp: param.clientIp,
    nonceStr: param.nonceStr,
    reqTime: reqTime.toString(),
    sign: param.sign,
  };
  // A missing sign never equals a computed one (the server's `equals(null)`).
  if (!verifyDaxPaySignature(signed, credentials.secret, credentials.signType)) {
    return gatewayError(DAXPAY_CODE.verifySignFailed, DAXPAY_MESSAGE.signFailed);
  }
  const late = windowFailure(reqTime, now);
  if (late !== undefined) {
    return gatewayError(DAXPAY_CODE.validateParameters, DAXPAY_VALIDATION_PREFIX + late);
  }
  const outcome = context.state.cancelDaxPayOrder(
    { orderNo: param.orderNo, bizOrderNo: param.bizOrderNo },
    now,
    context.settings.paymentDelayMs,
  );
  switch (outcome) {
    case "cancelled":
      return handled(context, now, null);
    case "not-found":
      return handled(context, now, DAXPAY_MESSAGE.orderNotFound);
    case "not-in-progress":
      return handled(context, now, DAXPAY_MESSAGE.notInProgress);
    case "cancel-failed":
      return handled(context, now, DAXPAY_MESSAGE.cancelFailed);
    case "in-progress":
      return gatewayError(DAXPAY_CODE.repetitiveOperation, DAXPAY_MESSAGE.cancelInProgress);
  }
}

/** DaxPay's route: cancel a pay order. */
export const daxpayRoutes: readonly ProviderRoute[] = [
  {
    path: "/unipay/cancel",
    operation: "cancel",
    handle: cancel,
    systemError: () => gatewayError(DAXPAY_CODE.systemError, DAXPAY_MESSAGE.systemError),
  },
];
