// The GatePay client: closeOrder on the payment API, createRecharge and cancelRecharge on the OTC
// API. Each operation is data (./operations.ts); one `call` runs any of them: validate the input
// against the spec, serialize the body once, sign exactly those bytes (./middleware.ts), send it over
// the client's transport, and read the answer with the shared reader and GatePay's envelope rules
// (./envelope.ts).

import createClient, { type Client } from "openapi-fetch";
import type { paths as OtcPaths } from "../../generated/gatepay-otc.js";
import type { paths as PaymentsPaths } from "../../generated/gatepay-payments.js";
import { type AnswerRules, readAnswer } from "../core/answer.js";
import { type CallPlan, runPlanned } from "../core/call.js";
import { ValidationError } from "../core/errors.js";
import { COMMON_OPTION_KEYS, type CommonClientOptions, resolveCommonOptions } from "../core/options.js";
import { Secret } from "../core/redact.js";
import { ExpiringKeys } from "../core/replay.js";
import { assertRequestSchema } from "../core/schema.js";
import {
  ensurePlainObject,
  readRequestFields,
  rejectUnknownKeys,
  requireBoolean,
  requireEnum,
  requireHeaderValue,
  requireHttpUrl,
  requireString,
  requireWindowMs,
  withValidationContext,
} from "../core/validate.js";
import { GATEPAY_BASE_URL, GATEPAY_WINDOW_MS } from "./codes.js";
import { type GatePayEnvelope, gatePayRejection, isAlreadyClosed, isGatePaySuccess } from "./envelope.js";
import {
  checkGatePayResponseSignature,
  type GatePayAnswerVerifier,
  type GatePayResponseSignatures,
  type GatePaySigner,
  gatePayRequestHeaders,
  gatePaySigningMiddleware,
} from "./middleware.js";
import {
  GATEPAY_OPERATIONS,
  type GatePayCancelRechargeRequest,
  type GatePayCancelRechargeResult,
  type GatePayCloseOrderRequest,
  type GatePayCloseOrderResult,
  type GatePayCreateRechargeRequest,
  type GatePayCreateRechargeResult,
  type GatePayOperation,
} from "./operations.js";

export type {
  GatePayCancelRechargeRequest,
  GatePayCancelRechargeResponse,
  GatePayCancelRechargeResult,
  GatePayCloseOrderRequest,
  GatePayCloseOrderResponse,
  GatePayCloseOrderResult,
  GatePayCreateRechargeRequest,
  GatePayCreateRechargeResponse,
  GatePayCreateRechargeResult,
  GatePayRecharge,
} from "./operations.js";
export { GATEPAY_BASE_URL };

/** Options of {@link createGatePayClient}. */
export interface GatePayClientOptions extends CommonClientOptions {
  /** `X-GatePay-Certificate-ClientId`: visible ASCII (it is a header value). */
  clientId: string;
  /** The Payment API Secret; used only inside the HMAC, never printed. */
  secret: string;
  /** `X-GatePay-MerchantId` (int64), required by the OTC calls; a decimal string or a safe integer. */
  merchantId?: string | number;
  /** Default {@link GATEPAY_BASE_URL}. https://, or http:// to a loopback host (a local sandbox). */
  baseUrl?: string;
  /** Allows a plain http:// `baseUrl` to a non-loopback host; default false. */
  allowInsecureHttp?: boolean;
  /** How strictly response signatures are checked; default "if-present". See {@link GatePayResponseSignatures}. */
  responseSignatures?: GatePayResponseSignatures;
  /**
   * How far a signed answer's `X-GatePay-Timestamp` may lie before the request or after its arrival,
   * in ms; default 10000, GatePay's own request window (docs/providers.md, "GatePay").
   */
  responseWindowMs?: number;
}

const OPTION_KEYS = [
  ...COMMON_OPTION_KEYS,
  "clientId",
  "secret",
  "merchantId",
  "baseUrl",
  "allowInsecureHttp",
  "responseSignatures",
  "responseWindowMs",
] as const satisfies readonly (keyof GatePayClientOptions)[];

/** A GatePay client; see {@link createGatePayClient}. */
export interface GatePayClient {
  readonly provider: "gatepay";
  /**
   * Closes an unpaid prepay order (`POST /v1/pay/order/close`); retried safely, and 400204
   * ORDER_CLOSED answered to a retry is success (`alreadyClosed: true`).
   * @throws ValidationError bad input (nothing sent); ProviderRejectedError GatePay said no (400202
   * order not found, 400204 paid, 400001/400002/400020 request refused); ClockSkewError 400003;
   * SignatureError a signed answer that fails verification, freshness or replay checks;
   * TimeoutError, NetworkError, ProviderUnavailableError, UnexpectedResponseError no usable answer.
   */
  closeOrder(request: GatePayCloseOrderRequest): Promise<GatePayCloseOrderResult>;
  /**
   * Creates an OTC fiat deposit order (`POST /open/otc/api/recharge`); never re-sent once it may have
   * reached GatePay (after a TimeoutError, look the order up before creating another).
   * @throws the same errors as {@link GatePayClient.closeOrder}; ValidationError also for amounts that
   * are not decimal strings and a missing `merchantId` option.
   */
  createRecharge(request: GatePayCreateRechargeRequest): Promise<GatePayCreateRechargeResult>;
  /**
   * Cancels an unpaid OTC recharge (`POST /open/otc/api/recharge/cancel`); 400204 "already
   * cancelled" answered to a retry is success (`alreadyCancelled: true`).
   * @throws the same errors as {@link GatePayClient.closeOrder}; ProviderRejectedError also for a
   * success envelope whose `data.success` is false.
   */
  cancelRecharge(request: GatePayCancelRechargeRequest): Promise<GatePayCancelRechargeResult>;
  /**
   * The openapi-fetch clients, for the `{ data, error }` style, with GatePay's signing middleware
   * installed. That middleware signs by reading a clone of each request's body (it cannot sign ahead
   * like the methods above), and checks response signatures per `responseSignatures`, rejecting with
   * SignatureError. It does not retry, validate, or unwrap envelopes.
   */
  readonly openapi: { readonly payments: Client<PaymentsPaths>; readonly otc: Client<OtcPaths> };
}

const PROVIDER = "gatepay";
const MERCHANT_ID = /^(0|[1-9][0-9]{0,18})$/;
const INT64_MAX = 9223372036854775807n;

/** `merchantId` as the exact decimal text sent in `X-GatePay-MerchantId` (int64, never rounded). */
function resolveMerchantId(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value >= 0) return String(value);
  } else if (typeof value === "string" && MERCHANT_ID.test(value) && BigInt(value) <= INT64_MAX) {
    return value;
  }
  throw new ValidationError({
    field: "merchantId",
    rule: "int64",
    reason: "must be a non-negative int64 (a decimal string, or a number up to 2^53-1)",
  });
}

/**
 * Creates a GatePay client. Options are checked here (ValidationError naming the option): `clientId`
 * must be a valid header value, `merchantId` an int64, `baseUrl` https (or http to loopback) without
 * query or fragment. The secret is kept in a {@link Secret} and appears in no error, event,
 * `JSON.stringify` or `util.inspect`.
 */
export function createGatePayClient(options: GatePayClientOptions): GatePayClient {
  const config = withValidationContext({ provider: PROVIDER }, () => {
    const opts = ensurePlainObject(options, "options");
    rejectUnknownKeys(opts, OPTION_KEYS, "");
    const allowInsecureHttp =
      opts.allowInsecureHttp === undefined
        ? false
        : requireBoolean(opts.allowInsecureHttp, "allowInsecureHttp");
    return {
      common: resolveCommonOptions(opts),
      clientId: requireHeaderValue(opts.clientId, "clientId"),
      secret: new Secret(requireString(opts.secret, "secret")),
      merchantId: resolveMerchantId(opts.merchantId),
      baseUrl:
        opts.baseUrl === undefined
          ? GATEPAY_BASE_URL
          : requireHttpUrl(opts.baseUrl, "baseUrl", { insecureHttp: allowInsecureHttp }),
      responseSignatures:
        opts.responseSignatures === undefined
          ? ("if-present" as const)
          : requireEnum(opts.responseSignatures, "responseSignatures", ["if-present", "required", "off"]),
      responseWindowMs:
        opts.responseWindowMs === undefined
          ? GATEPAY_WINDOW_MS
          : requireWindowMs(opts.responseWindowMs, "responseWindowMs"),
    };
  });
  const { common, baseUrl } = config;
  const signer: GatePaySigner = {
    clientId: config.clientId,
    secret: config.secret,
    merchantId: config.merchantId,
    now: common.now,
    nonce: common.nonce,
  };
  const verifier: GatePayAnswerVerifier = {
    mode: config.responseSignatures,
    secret: config.secret,
    window: { pastMs: config.responseWindowMs, futureMs: config.responseWindowMs },
    nonces: new ExpiringKeys(),
    now: common.now,
  };
  const fetchOptions = { baseUrl, fetch: common.fetch };
  const openapi = {
    payments: createClient<PaymentsPaths>(fetchOptions),
    otc: createClient<OtcPaths>(fetchOptions),
  };
  openapi.payments.use(gatePaySigningMiddleware(signer, verifier));
  openapi.otc.use(gatePaySigningMiddleware(signer, verifier));

  /** The shared reader's rules for one operation: GatePay's signature headers and envelope. */
  function rulesFor<Request, Answer, Result>(
    operation: GatePayOperation<Request, Answer, Result>,
  ): AnswerRules<Result> {
    let verified = false;
    return {
      checks: operation.checks,
      int64Paths: operation.int64Paths,
      verify(exchange, _body, ctx) {
        verified = checkGatePayResponseSignature(
          verifier,
          exchange.headers,
          exchange.text,
          exchange.sentAtMs,
          ctx,
        );
      },
      decide(body, exchange, ctx) {
        // The status's schema has just accepted `body`: a 200 is the operation's answer.
        const envelope = body as GatePayEnvelope;
        if (exchange.status === 200 && isGatePaySuccess(envelope)) {
          return operation.succeed(body as Answer, verified, ctx);
        }
        if (exchange.attempt > 1 && operation.alreadyDone !== undefined && isAlreadyClosed(envelope)) {
          return { kind: "value", value: operation.alreadyDone(body as Answer, verified) };
        }
        return { ...gatePayRejection(envelope), verified };
      },
    };
  }

  /** Runs `operation` with `request`: validate, serialize once, sign per attempt, send, read. */
  function call<Request, Answer, Result>(
    operation: GatePayOperation<Request, Answer, Result>,
    request: Request,
  ): Promise<Result> {
    const where = { provider: PROVIDER, operation: operation.name } as const;
    return runPlanned((): CallPlan<Result> => {
      const body = withValidationContext(where, () => {
        const fields = readRequestFields(request, operation.fields);
        operation.extraChecks?.(fields);
        assertRequestSchema(operation.validateRequest, fields, where);
        return fields;
      });
      const text = JSON.stringify(body);
      const rules = rulesFor(operation);
      return {
        ...where,
        path: operation.path,
        url: baseUrl + operation.path,
        idempotent: operation.idempotent,
        sign: () => ({ body: text, headers: gatePayRequestHeaders(signer, text, operation.otc) }),
        interpret: (exchange) => readAnswer(exchange, rules, where, common.now()),
      };
    }, common);
  }

  return {
    provider: PROVIDER,
    openapi,
    closeOrder: (request) => call(GATEPAY_OPERATIONS.closeOrder, request),
    createRecharge: (request) => call(GATEPAY_OPERATIONS.createRecharge, request),
    cancelRecharge: (request) => call(GATEPAY_OPERATIONS.cancelRecharge, request),
  };
}
