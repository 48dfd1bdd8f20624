// GatePay's three operations as data: where each one goes, what its request may hold, which
// schemas check it, whether it may be re-sent, and how a success (or "already done" on a retry)
// becomes its result. The client (./client.ts) runs any of them the same way.

import type { components as OtcComponents } from "../../generated/gatepay-otc.js";
import {
  cancelRequestFields,
  otcRechargeRequestDecimalFields,
  otcRechargeRequestFields,
} from "../../generated/gatepay-otc.requests.js";
import {
  validateCancelRechargeRequest,
  validateCancelRechargeResponse4xx,
  validateCancelRechargeResponse5xx,
  validateCancelRechargeResponse200,
  validateCreateRechargeRequest,
  validateCreateRechargeResponse4xx,
  validateCreateRechargeResponse5xx,
  validateCreateRechargeResponse200,
} from "../../generated/gatepay-otc.validators.js";
import type { components as PaymentsComponents } from "../../generated/gatepay-payments.js";
import { closeOrderRequestFields } from "../../generated/gatepay-payments.requests.js";
import {
  validateCloseOrderRequest,
  validateCloseOrderResponse4xx,
  validateCloseOrderResponse5xx,
  validateCloseOrderResponse200,
} from "../../generated/gatepay-payments.validators.js";
import type { Verdict } from "../core/answer.js";
import { type ErrorContext, UnexpectedResponseError } from "../core/errors.js";
import type { ResponseChecks } from "../core/response.js";
import type { SchemaCheck } from "../core/schema.js";
import { requireDecimalString } from "../core/validate.js";
import { GATEPAY_GLOSSES } from "./codes.js";
import { gatePayMessage } from "./envelope.js";

/** closeOrder's input, from the spec: at least one of merchantTradeNo (≤ 32 UTF-8 bytes) and prepayId. */
export type GatePayCloseOrderRequest = PaymentsComponents["schemas"]["CloseOrderRequest"];
/** createRecharge's input, from the OTC spec. Amounts are decimal strings ("1088.42"), never numbers. */
export type GatePayCreateRechargeRequest = OtcComponents["schemas"]["OtcRechargeRequest"];
/** cancelRecharge's input, from the OTC spec. */
export type GatePayCancelRechargeRequest = OtcComponents["schemas"]["CancelRequest"];

/** The payment API's close answer, as the spec types it. */
export type GatePayCloseOrderResponse = PaymentsComponents["schemas"]["CloseOrderResponse"];
/** The OTC create answer, as the spec types it (int64 fields as exact decimal strings). */
export type GatePayCreateRechargeResponse = OtcComponents["schemas"]["OtcRechargeResponse"];
/** The `data` object of an answer (a failure's `data` may also be "", a JSON string or null). */
type DataObject<Answer extends { data?: unknown }> = Extract<NonNullable<Answer["data"]>, object>;
/** The created recharge order (the unwrapped `data`). */
export type GatePayRecharge = DataObject<GatePayCreateRechargeResponse>;
/** closeOrder's unwrapped `data`, e.g. `{ result: "SUCCESS" }`. */
export type GatePayCloseOrderData = DataObject<GatePayCloseOrderResponse>;
/** cancelRecharge's unwrapped `data`, e.g. `{ success: true }`. */
export type GatePayCancelRechargeData = DataObject<GatePayCancelRechargeResponse>;

/** `data` when it is an object; undefined for "", a JSON string, null or absence. */
function dataObject<Answer extends { data?: unknown }>(answer: Answer): DataObject<Answer> | undefined {
  const { data } = answer;
  return typeof data === "object" && data !== null ? (data as DataObject<Answer>) : undefined;
}
/** The OTC cancel answer, as the spec types it. */
export type GatePayCancelRechargeResponse = OtcComponents["schemas"]["OtcRechargeCancelResponse"];

/** What every GatePay result says about the answer's authenticity. */
interface Authenticity {
  /**
   * True when the answer carried GatePay's signature headers and they verified (see the client's
   * `responseSignatures`). GatePay does not sign its answers as a rule, so this is usually false.
   */
  verified: boolean;
}

/** What closeOrder resolves to. */
export interface GatePayCloseOrderResult extends Authenticity {
  /**
   * True when a retry of this call was answered 400204 ORDER_CLOSED: an earlier attempt, whose
   * answer was lost, closed the order. `data` is then GatePay's failure data (usually absent).
   */
  alreadyClosed: boolean;
  /** The unwrapped `data`, e.g. `{ result: "SUCCESS" }`; undefined when GatePay sent none. */
  data: GatePayCloseOrderData | undefined;
  /** The whole parsed answer. */
  raw: GatePayCloseOrderResponse;
}

/** What createRecharge resolves to. */
export interface GatePayCreateRechargeResult extends Authenticity {
  /** The created order: ids, amounts, bank details and the transfer remark to quote. */
  data: GatePayRecharge;
  raw: GatePayCreateRechargeResponse;
}

/** What cancelRecharge resolves to. */
export interface GatePayCancelRechargeResult extends Authenticity {
  /** True when a retry of this call was answered 400204 "order already cancelled". */
  alreadyCancelled: boolean;
  /** The unwrapped `data`, e.g. `{ success: true }`; undefined when GatePay sent none. */
  data: GatePayCancelRechargeData | undefined;
  raw: GatePayCancelRechargeResponse;
}

/** One GatePay operation, as data. `Answer` is the spec's 200 body; `Result` what the method resolves to. */
export interface GatePayOperation<Request, Answer, Result> {
  readonly name: "closeOrder" | "createRecharge" | "cancelRecharge";
  /** The spec path; OTC paths also carry `X-GatePay-MerchantId`. */
  readonly path: string;
  readonly otc: boolean;
  /** False for createRecharge: never re-sent once it may have reached GatePay. */
  readonly idempotent: boolean;
  /** The request's fields, in the order they are sent. */
  readonly fields: readonly (keyof Request & string)[];
  /** Checks beyond the spec's schema (the amounts' decimal strings). */
  readonly extraChecks?: (input: Readonly<Record<string, unknown>>) => void;
  readonly validateRequest: SchemaCheck;
  readonly checks: ResponseChecks;
  /** The spec's int64 fields of the 200 answer, delivered as exact decimal strings. */
  readonly int64Paths: readonly string[];
  /** The verdict on a success envelope: its result, or a refusal (e.g. `data.success: false`). */
  succeed(answer: Answer, verified: boolean, ctx: ErrorContext): Verdict<Result>;
  /** The result for 400204 "already closed/cancelled" answered to a retry; absent where that is not success. */
  alreadyDone?(answer: Answer, verified: boolean): Result;
}

const closeOrder: GatePayOperation<
  GatePayCloseOrderRequest,
  GatePayCloseOrderResponse,
  GatePayCloseOrderResult
> = {
  name: "closeOrder",
  path: "/v1/pay/order/close",
  otc: false,
  idempotent: true,
  fields: closeOrderRequestFields,
  validateRequest: validateCloseOrderRequest,
  checks: {
    ok: validateCloseOrderResponse200,
    clientError: validateCloseOrderResponse4xx,
    serverError: validateCloseOrderResponse5xx,
  },
  int64Paths: [],
  succeed: (answer, verified) => ({
    kind: "value",
    value: { alreadyClosed: false, verified, data: dataObject(answer), raw: answer },
  }),
  alreadyDone: (answer, verified) => ({
    alreadyClosed: true,
    verified,
    data: dataObject(answer),
    raw: answer,
  }),
};

const createRecharge: GatePayOperation<
  GatePayCreateRechargeRequest,
  GatePayCreateRechargeResponse,
  GatePayCreateRechargeResult
> = {
  name: "createRecharge",
  path: "/open/otc/api/recharge",
  otc: true,
  idempotent: false,
  fields: otcRechargeRequestFields,
  // The spec's decimal-string fields (generated): numbers and exponents are refused before the schema.
  extraChecks: (input) => {
    for (const field of otcRechargeRequestDecimalFields) requireDecimalString(input[field], field);
  },
  validateRequest: validateCreateRechargeRequest,
  checks: {
    ok: validateCreateRechargeResponse200,
    clientError: validateCreateRechargeResponse4xx,
    serverError: validateCreateRechargeResponse5xx,
  },
  int64Paths: ["data.createTime", "data.card_info.id", "data.card_info.uid"],
  succeed: (answer, verified, ctx) => {
    // A success that names no order cannot be acted on: the merchant would not know what to pay.
    const data = dataObject(answer);
    if (data === undefined) {
      throw new UnexpectedResponseError({
        ...ctx,
        reason: "wrong_shape",
        detail: "a success answer without data",
      });
    }
    return { kind: "value", value: { data, verified, raw: answer } };
  },
};

const cancelRecharge: GatePayOperation<
  GatePayCancelRechargeRequest,
  GatePayCancelRechargeResponse,
  GatePayCancelRechargeResult
> = {
  name: "cancelRecharge",
  path: "/open/otc/api/recharge/cancel",
  otc: true,
  idempotent: true,
  fields: cancelRequestFields,
  validateRequest: validateCancelRechargeRequest,
  checks: {
    ok: validateCancelRechargeResponse200,
    clientError: validateCancelRechargeResponse4xx,
    serverError: validateCancelRechargeResponse5xx,
  },
  int64Paths: [],
  succeed: (answer, verified) => {
    // A success envelope whose data says it did not cancel is a refusal, not data.
    const data = dataObject(answer);
    if (data?.success === false) {
      const code = answer.code ?? "";
      return {
        kind: "rejected",
        code,
        message: gatePayMessage(answer) || "data.success is false",
        gloss: GATEPAY_GLOSSES[code],
      };
    }
    return { kind: "value", value: { alreadyCancelled: false, verified, data, raw: answer } };
  },
  alreadyDone: (answer, verified) => ({
    alreadyCancelled: true,
    verified,
    data: dataObject(answer),
    raw: answer,
  }),
};

/** GatePay's operations, by method name. */
export const GATEPAY_OPERATIONS = { closeOrder, createRecharge, cancelRecharge } as const;
