// DaxPay 2.0.x `POST /unipay/cancel` as the gateway answers it (docs/provider-behaviour.md, "DaxPay").
//
// Checks run in this order: media type, readable body and JSON (HTTP 400, 20051), schema (20051),
// `sign` (20052), `reqTime` window (10006), then the order. Handled answers carry a `data` object signed
// with the request rule and the platform secret; gateway errors are unsigned.

import type { components } from "../../generated/daxpay.js";
import { validateCancelRequest } from "../../generated/daxpay.validators.js";
import { signDaxPay, verifyDaxPaySignature } from "../daxpay/sign.js";
import { describeSchemaIssues } from "./input.js";
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

type PayCancelParam = components["schemas"]["PayCancelParam"];
type PayCancelResult = components["schemas"]["PayCancelResult"];
type PayCancelModel = components["schemas"]["PayCancelModel"];
type ErrorResult = components["schemas"]["ErrorResult"];

/** DaxPay accepts a reqTime at most this many seconds in the past (the platform default)… */
export const DAXPAY_MAX_AGE_SECONDS = 10;
/** …and at most this many seconds in the future. */
export const DAXPAY_MAX_AHEAD_SECONDS = 60;

// The 2.x request class's fields: the server ignores any other field, so it never signs one either.
const SIGNED_FIELDS = ["orderNo", "bizOrderNo", "clientIp", "nonceStr", "reqTime"] as const;

/** The sandbox's DaxPay messages, pinned by tests and docs/provider-behaviour.md. */
export const DAXPAY_MESSAGES = {
  handled: "success",
  paramsInvalid: "参数校验失败",
  // The seed page's own wording for "neither order number given".
  eitherOrderNumber: "订单号与商户订单号不可以同时为空",
  signFailed: "验签失败",
  expired: "请求已过期",
  fromTheFuture: "请求时间超前",
  notFound: "支付订单不存在",
  closed: "支付订单已关闭",
  cancelled: "支付订单已撤销",
  paid: "订单已支付，无法撤销",
  unknown: "未知异常",
} as const;

function gatewayError(httpStatus: number, code: number, msg: string): SandboxAnswer {
  const error: ErrorResult = { code, msg, traceId: randomAlphanumeric(12) };
  return jsonAnswer(httpStatus, error);
}

function paramsInvalid(detail: string, httpStatus = 200): SandboxAnswer {
  return gatewayError(httpStatus, 20051, `${DAXPAY_MESSAGES.paramsInvalid}: ${detail}`);
}

function handled(context: SandboxContext, now: number, failure?: string): SandboxAnswer {
  const credentials = context.keys.credentials.daxpay;
  // Field order as the gateway writes it: code, msg, resTime, sign; msg only on a failure.
  // resTime is the wire's JSON number (the generated type is the client's exact-text view of it).
  const unsigned: Omit<PayCancelModel, "sign" | "resTime"> & { resTime: number } =
    failure === undefined
      ? { code: 0, resTime: Math.floor(now / 1000) }
      : { code: 1, msg: failure, resTime: Math.floor(now / 1000) };
  const data = {
    ...unsigned,
    sign: signDaxPay(unsigned, credentials.secret, credentials.signType),
  };
  const result = {
    code: 0,
    msg: DAXPAY_MESSAGES.handled,
    data,
    traceId: randomAlphanumeric(12),
  };
  return jsonAnswer(200, result);
}

function cancel(request: SandboxRequest, context: SandboxContext): SandboxAnswer {
  const now = requestNow(context);
  // Refused before the handler, as Spring refuses an unreadable body: HTTP 400.
  if (!isJsonContentType(request.headers)) {
    return paramsInvalid("Content-Type must be application/json", 400);
  }
  if (request.body.kind === "too-large") {
    return paramsInvalid(`request body is larger than ${request.body.limit} bytes`, 400);
  }
  if (request.body.kind === "not-utf8") {
    return paramsInvalid("request body is not valid UTF-8", 400);
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body.text);
  } catch {
    return paramsInvalid("request body is not valid JSON", 400);
  }
  if (!validateCancelRequest(body)) {
    const issue = describeSchemaIssues(validateCancelRequest.errors);
    return issue.field === "orderNo|bizOrderNo"
      ? paramsInvalid(DAXPAY_MESSAGES.eitherOrderNumber)
      : paramsInvalid(`${issue.field} ${issue.reason}`);
  }
  const param = body as PayCancelParam;
  const credentials = context.keys.credentials.daxpay;
  const signed: Record<string, unknown> = { sign: param.sign };
  for (const field of SIGNED_FIELDS) {
    signed[field] = param[field];
  }
  if (!verifyDaxPaySignature(signed, credentials.secret, credentials.signType)) {
    return gatewayError(200, 20052, DAXPAY_MESSAGES.signFailed);
  }
  // Whole seconds on both sides: reqTime is epoch seconds, so sub-second drift must not decide.
  const nowSeconds = Math.floor(now / 1000);
  const reqTime = param.reqTime;
  if (nowSeconds - reqTime > DAXPAY_MAX_AGE_SECONDS) {
    return gatewayError(200, 10006, DAXPAY_MESSAGES.expired);
  }
  if (reqTime - nowSeconds > DAXPAY_MAX_AHEAD_SECONDS) {
    return gatewayError(200, 10006, DAXPAY_MESSAGES.fromTheFuture);
  }
  switch (context.state.cancelDaxPayOrder({ orderNo: param.orderNo, bizOrderNo: param.bizOrderNo }, now)) {
    case "cancelled":
      return handled(context, now);
    case "paid":
      return handled(context, now, DAXPAY_MESSAGES.paid);
    case "closed":
      return gatewayError(200, 20042, DAXPAY_MESSAGES.closed);
    case "already-cancelled":
      return gatewayError(200, 20042, DAXPAY_MESSAGES.cancelled);
    case "not-found":
      return gatewayError(200, 20041, DAXPAY_MESSAGES.notFound);
  }
}

/** DaxPay's route: cancel a pay order. */
export const daxpayRoutes: readonly ProviderRoute[] = [
  {
    path: "/unipay/cancel",
    operation: "cancel",
    handle: cancel,
    systemError: () => gatewayError(200, 30000, DAXPAY_MESSAGES.unknown),
  },
];
