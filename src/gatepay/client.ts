// The GatePay client: closeOrder on the payment API, createRecharge and cancelRecharge on the OTC
// API. Each call validates its input against the spec, serializes the body once, signs exactly those
// bytes (./middleware.ts), and reads the answer through ./envelope.ts.

import createClient, { type Client } from "openapi-fetch";
import type { components as OtcComponents, paths as OtcPaths } from "../../generated/gatepay-otc.js";
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
import type {
  components as PaymentsComponents,
  paths as PaymentsPaths,
} from "../../generated/gatepay-payments.js";
import { closeOrderRequestFields } from "../../generated/gatepay-payments.requests.js";
import {
  validateCloseOrderRequest,
  validateCloseOrderResponse4xx,
  validateCloseOrderResponse5xx,
  validateCloseOrderResponse200,
} from "../../generated/gatepay-payments.validators.js";
import { type CallPlan, type Interpreted, type RawExchange, runCall, type SendInit } from "../core/call.js";
import { ProviderRejectedError, UnexpectedResponseError, ValidationError } from "../core/errors.js";
import { COMMON_OPTION_KEYS, type CommonClientOptions, resolveCommonOptions } from "../core/options.js";
import { Secret } from "../core/redact.js";
import {
  checkForStatus,
  clockOffsetOf,
  parseJsonBody,
  type ResponseChecks,
  unavailableError,
  undeclaredStatusError,
} from "../core/response.js";
import { assertRequestSchema, assertResponseSchema, type SchemaCheck } from "../core/schema.js";
import {
  ensurePlainObject,
  readRequestFields,
  rejectUnknownKeys,
  requireDecimalString,
  requireEnum,
  requireHttpUrl,
  requireString,
  withValidationContext,
} from "../core/validate.js";
import {
  type GatePayEnvelope,
  gatePayMessage,
  gatePayRejection,
  isAlreadyClosed,
  isGatePaySuccess,
} from "./envelope.js";
import {
  checkGatePayResponseSignature,
  type GatePayResponseSignatures,
  type GatePaySigner,
  gatePayRequestHeaders,
  gatePaySigningMiddleware,
  isOtcPath,
} from "./middleware.js";

/** GatePay's host, for both the payment and the OTC API. */
export const GATEPAY_BASE_URL = "https://openplatform.gateapi.io";

/** Options of {@link createGatePayClient}. */
export interface GatePayClientOptions extends CommonClientOptions {
  /** `X-GatePay-Certificate-ClientId`. */
  clientId: string;
  /** The Payment API Secret; used only inside the HMAC, never printed. */
  secret: string;
  /** `X-GatePay-MerchantId` (int64), required by the OTC calls; a decimal string or a safe integer. */
  merchantId?: string | number;
  /** Default {@link GATEPAY_BASE_URL}. */
  baseUrl?: string;
  /** How strictly response signatures are checked; default "if-present". See {@link GatePayResponseSignatures}. */
  responseSignatures?: GatePayResponseSignatures;
}

const OPTION_KEYS = [
  ...COMMON_OPTION_KEYS,
  "clientId",
  "secret",
  "merchantId",
  "baseUrl",
  "responseSignatures",
] as const satisfies readonly (keyof GatePayClientOptions)[];

/** closeOrder's input, from the spec: at least one of merchantTradeNo (≤ 32 UTF-8 bytes) and prepayId. */
export type GatePayCloseOrderRequest = PaymentsComponents["schemas"]["CloseOrderRequest"];
const CLOSE_ORDER_KEYS = closeOrderRequestFields;

/** createRecharge's input, from the OTC spec. Amounts are decimal strings ("1088.42"), never numbers. */
export type GatePayCreateRechargeRequest = OtcComponents["schemas"]["OtcRechargeRequest"];
const CREATE_RECHARGE_KEYS = otcRechargeRequestFields;

/** cancelRecharge's input, from the OTC spec. */
export type GatePayCancelRechargeRequest = OtcComponents["schemas"]["CancelRequest"];
const CANCEL_RECHARGE_KEYS = cancelRequestFields;

/** The payment API's close answer, as the spec types it. */
export type GatePayCloseOrderResponse = PaymentsComponents["schemas"]["CloseOrderResponse"];
/** The OTC create answer, as the spec types it. */
export type GatePayCreateRechargeResponse = OtcComponents["schemas"]["OtcRechargeResponse"];
/** The created recharge order (the unwrapped `data`). */
export type GatePayRecharge = NonNullable<GatePayCreateRechargeResponse["data"]>;
/** The OTC cancel answer, as the spec types it. */
export type GatePayCancelRechargeResponse = OtcComponents["schemas"]["OtcRechargeCancelResponse"];

/** What closeOrder resolves to. */
export interface GatePayCloseOrderResult {
  /**
   * True when a retry of this call was answered 400204 ORDER_CLOSED: an earlier attempt, whose
   * answer was lost, closed the order. `data` is then GatePay's failure data (usually absent).
   */
  alreadyClosed: boolean;
  /** The unwrapped `data`, e.g. `{ result: "SUCCESS" }`. */
  data: GatePayCloseOrderResponse["data"];
  /** The whole parsed answer. */
  raw: GatePayCloseOrderResponse;
}

/** What createRecharge resolves to. */
export interface GatePayCreateRechargeResult {
  /** The created order: ids, amounts, bank details and the transfer remark to quote. */
  data: GatePayRecharge;
  raw: GatePayCreateRechargeResponse;
}

/** What cancelRecharge resolves to. */
export interface GatePayCancelRechargeResult {
  /** True when a retry of this call was answered 400204 "order already cancelled". */
  alreadyCancelled: boolean;
  /** The unwrapped `data`, e.g. `{ success: true }`. */
  data: GatePayCancelRechargeResponse["data"];
  raw: GatePayCancelRechargeResponse;
}

/** A GatePay client; see {@link createGatePayClient}. */
export interface GatePayClient {
  readonly provider: "gatepay";
  /** Closes an unpaid prepay order (`POST /v1/pay/order/close`); retried safely, "already closed" on a retry is success. */
  closeOrder(request: GatePayCloseOrderRequest): Promise<GatePayCloseOrderResult>;
  /** Creates an OTC fiat deposit order (`POST /open/otc/api/recharge`); never re-sent once it may have reached GatePay. */
  createRecharge(request: GatePayCreateRechargeRequest): Promise<GatePayCreateRechargeResult>;
  /** Cancels an unpaid OTC recharge (`POST /open/otc/api/recharge/cancel`); "already cancelled" on a retry is success. */
  cancelRecharge(request: GatePayCancelRechargeRequest): Promise<GatePayCancelRechargeResult>;
  /**
   * The openapi-fetch clients, for the `{ data, error }` style, with GatePay's signing middleware
   * installed. That middleware signs by reading a clone of each request's body (it cannot sign ahead
   * like the methods above), and checks response signatures per `responseSignatures`, rejecting with
   * SignatureError. It does not retry, validate, or unwrap envelopes.
   */
  readonly raw: { readonly payments: Client<PaymentsPaths>; readonly otc: Client<OtcPaths> };
}

const PROVIDER = "gatepay";
const MERCHANT_ID = /^[0-9]{1,19}$/;

function resolveMerchantId(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value >= 0) return String(value);
  } else if (typeof value === "string" && MERCHANT_ID.test(value)) {
    return value;
  }
  throw new ValidationError({
    field: "merchantId",
    rule: "int64",
    reason: "must be a non-negative integer (a decimal string, or a number up to 2^53-1)",
  });
}

/** Per operation: how a success envelope becomes the result, and what "already done" on a retry means. */
interface OperationReading<E extends GatePayEnvelope, T> {
  readonly operation: string;
  readonly checks: ResponseChecks;
  unwrap(envelope: E, exchange: RawExchange): T;
  /** The result for a 400204 "already closed/cancelled" answer to a retry; absent where that is not success. */
  alreadyDone?(envelope: E): T;
}

/**
 * Creates a GatePay client. Options are checked here (ValidationError naming the option); the secret
 * is kept in a {@link Secret} and appears in no error, event, `JSON.stringify` or `util.inspect`.
 */
export function createGatePayClient(options: GatePayClientOptions): GatePayClient {
  const config = withValidationContext({ provider: PROVIDER }, () => {
    const opts = ensurePlainObject(options, "options");
    rejectUnknownKeys(opts, OPTION_KEYS, "");
    return {
      common: resolveCommonOptions(opts),
      clientId: requireString(opts.clientId, "clientId"),
      secret: new Secret(requireString(opts.secret, "secret")),
      merchantId: resolveMerchantId(opts.merchantId),
      baseUrl: opts.baseUrl === undefined ? GATEPAY_BASE_URL : requireHttpUrl(opts.baseUrl, "baseUrl"),
      responseSignatures:
        opts.responseSignatures === undefined
          ? ("if-present" as const)
          : requireEnum(opts.responseSignatures, "responseSignatures", ["if-present", "required", "off"]),
    };
  });
  const { common, secret, responseSignatures } = config;
  const signer: GatePaySigner = {
    clientId: config.clientId,
    secret,
    merchantId: config.merchantId,
    now: common.now,
    nonce: common.nonce,
  };
  const clientOptions = { baseUrl: config.baseUrl, fetch: common.fetch };
  const payments = createClient<PaymentsPaths>(clientOptions);
  const otc = createClient<OtcPaths>(clientOptions);
  const raw = {
    payments: createClient<PaymentsPaths>(clientOptions),
    otc: createClient<OtcPaths>(clientOptions),
  };
  raw.payments.use(gatePaySigningMiddleware(signer, responseSignatures));
  raw.otc.use(gatePaySigningMiddleware(signer, responseSignatures));

  function interpret<E extends GatePayEnvelope, T>(
    exchange: RawExchange,
    reading: OperationReading<E, T>,
  ): Interpreted<T> {
    const ctx = { provider: PROVIDER, operation: reading.operation, status: exchange.status } as const;
    const unavailable = unavailableError(exchange, ctx, common.now());
    if (unavailable !== undefined) throw unavailable;
    const check = checkForStatus(exchange.status, reading.checks);
    if (check === undefined) throw undeclaredStatusError(exchange, ctx);
    const body = parseJsonBody(exchange, ctx, common.now());
    checkGatePayResponseSignature(responseSignatures, secret, exchange.headers, exchange.text, ctx);
    assertResponseSchema(check, body, ctx, exchange.text);
    // The schema for this status has just accepted `body`.
    const envelope = body as E;
    if (exchange.status === 200 && isGatePaySuccess(envelope)) {
      return { value: reading.unwrap(envelope, exchange), traceId: undefined };
    }
    if (exchange.attempt > 1 && reading.alreadyDone !== undefined && isAlreadyClosed(envelope)) {
      return { value: reading.alreadyDone(envelope), traceId: undefined };
    }
    throw gatePayRejection(envelope, body, ctx, clockOffsetOf(exchange, common.now()));
  }

  function plan<T>(
    operation: string,
    path: string,
    idempotent: boolean,
    body: string,
    send: (init: SendInit) => Promise<unknown>,
    reading: OperationReading<GatePayEnvelope, T>,
  ): CallPlan<T> {
    return {
      provider: PROVIDER,
      operation,
      path,
      idempotent,
      sign: () => ({ body, headers: gatePayRequestHeaders(signer, body, isOtcPath(path)) }),
      send,
      interpret: (exchange) => interpret(exchange, reading),
    };
  }

  /** Input checks shared by the three methods; returns the body object to serialize. */
  function checkInput(
    operation: string,
    request: unknown,
    keys: readonly string[],
    check: SchemaCheck,
    extra?: (input: Record<string, unknown>) => void,
  ): Record<string, unknown> {
    return withValidationContext({ provider: PROVIDER, operation }, () => {
      const body = readRequestFields(request, keys);
      extra?.(body);
      assertRequestSchema(check, body, { provider: PROVIDER, operation });
      return body;
    });
  }

  return {
    provider: PROVIDER,
    raw,

    closeOrder(request) {
      const operation = "closeOrder";
      return runLater(() => {
        const body = checkInput(
          operation,
          request,
          CLOSE_ORDER_KEYS,
          validateCloseOrderRequest,
        ) as GatePayCloseOrderRequest;
        const text = JSON.stringify(body);
        return plan<GatePayCloseOrderResult>(
          operation,
          "/v1/pay/order/close",
          true,
          text,
          (init) => payments.POST("/v1/pay/order/close", { body, ...init }),
          {
            operation,
            checks: {
              ok: validateCloseOrderResponse200,
              clientError: validateCloseOrderResponse4xx,
              serverError: validateCloseOrderResponse5xx,
            },
            unwrap: (envelope) => {
              const answer = envelope as GatePayCloseOrderResponse;
              return { alreadyClosed: false, data: answer.data, raw: answer };
            },
            alreadyDone: (envelope) => {
              const answer = envelope as GatePayCloseOrderResponse;
              return { alreadyClosed: true, data: answer.data, raw: answer };
            },
          },
        );
      });
    },

    createRecharge(request) {
      const operation = "createRecharge";
      return runLater(() => {
        const body = checkInput(
          operation,
          request,
          CREATE_RECHARGE_KEYS,
          validateCreateRechargeRequest,
          (input) => {
            // An optional amount left out is the schema's to judge; one given must be a decimal string.
            for (const field of otcRechargeRequestDecimalFields) {
              if (input[field] !== undefined) requireDecimalString(input[field], field);
            }
          },
        ) as GatePayCreateRechargeRequest;
        const text = JSON.stringify(body);
        return plan<GatePayCreateRechargeResult>(
          operation,
          "/open/otc/api/recharge",
          false,
          text,
          (init) => otc.POST("/open/otc/api/recharge", { body, ...init }),
          {
            operation,
            checks: {
              ok: validateCreateRechargeResponse200,
              clientError: validateCreateRechargeResponse4xx,
              serverError: validateCreateRechargeResponse5xx,
            },
            unwrap: (envelope, exchange) => {
              const answer = envelope as GatePayCreateRechargeResponse;
              if (answer.data === undefined) {
                throw new UnexpectedResponseError({
                  provider: PROVIDER,
                  operation,
                  status: exchange.status,
                  reason: "wrong_shape",
                  detail: "a success answer without data",
                  body: exchange.text,
                });
              }
              return { data: answer.data, raw: answer };
            },
          },
        );
      });
    },

    cancelRecharge(request) {
      const operation = "cancelRecharge";
      return runLater(() => {
        const body = checkInput(
          operation,
          request,
          CANCEL_RECHARGE_KEYS,
          validateCancelRechargeRequest,
        ) as GatePayCancelRechargeRequest;
        const text = JSON.stringify(body);
        return plan<GatePayCancelRechargeResult>(
          operation,
          "/open/otc/api/recharge/cancel",
          true,
          text,
          (init) => otc.POST("/open/otc/api/recharge/cancel", { body, ...init }),
          {
            operation,
            checks: {
              ok: validateCancelRechargeResponse200,
              clientError: validateCancelRechargeResponse4xx,
              serverError: validateCancelRechargeResponse5xx,
            },
            unwrap: (envelope, exchange) => {
              const answer = envelope as GatePayCancelRechargeResponse;
              // A success envelope whose data says it did not cancel is a refusal, not data.
              if (answer.data?.success === false) {
                throw new ProviderRejectedError({
                  provider: PROVIDER,
                  operation,
                  status: exchange.status,
                  providerCode: answer.code ?? "",
                  providerMessage: gatePayMessage(answer) || "data.success is false",
                  raw: answer,
                });
              }
              return { alreadyCancelled: false, data: answer.data, raw: answer };
            },
            alreadyDone: (envelope) => {
              const answer = envelope as GatePayCancelRechargeResponse;
              return { alreadyCancelled: true, data: answer.data, raw: answer };
            },
          },
        );
      });
    },
  };

  /** Builds the plan (validation errors reject the promise, never throw synchronously) and runs it. */
  function runLater<T>(build: () => CallPlan<T>): Promise<T> {
    return Promise.resolve()
      .then(build)
      .then((built) => runCall(built, common));
  }
}
