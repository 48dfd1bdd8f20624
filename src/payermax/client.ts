// The PayerMax client: cancel (`POST /aggregate-pay/api/gateway/cancel`), in the 1.5 envelope.
// `code: APPLY_SUCCESS` means accepted, not finished: the outcome is `data.status` (SUCCESS, FAILED,
// PENDING, or a value added later, surfaced as "unknown"). Failures are `{code, msg}` with HTTP 200
// (docs/provider-behaviour.md, "PayerMax").

import type { KeyObject } from "node:crypto";
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "../../generated/payermax.js";
import { cancelRequestDataFields } from "../../generated/payermax.requests.js";
import {
  validateCancelRequest,
  validateCancelResponse4xx,
  validateCancelResponse5xx,
  validateCancelResponse200,
} from "../../generated/payermax.validators.js";
import { type CallPlan, type Interpreted, type RawExchange, runCall } from "../core/call.js";
import {
  ClockSkewError,
  ProviderRejectedError,
  UnexpectedResponseError,
  ValidationError,
} from "../core/errors.js";
import { COMMON_OPTION_KEYS, type CommonClientOptions, resolveCommonOptions } from "../core/options.js";
import { Secret } from "../core/redact.js";
import {
  checkForStatus,
  clockOffsetOf,
  parseJsonBody,
  unavailableError,
  undeclaredStatusError,
} from "../core/response.js";
import { assertRequestSchema, assertResponseSchema } from "../core/schema.js";
import {
  ensurePlainObject,
  readRequestFields,
  rejectUnknownKeys,
  requireEnum,
  requireHttpUrl,
  requireString,
  withValidationContext,
} from "../core/validate.js";
import {
  APPLY_SUCCESS,
  checkPayerMaxAnswerSignature,
  type PayerMaxKeys,
  payerMaxRequestHeaders,
  payerMaxSigningMiddleware,
} from "./middleware.js";
import { parsePayerMaxPrivateKey, parsePayerMaxPublicKey } from "./sign.js";

/** PayerMax's hosts; the spec's paths already start with /aggregate-pay/api/gateway. */
export const PAYERMAX_BASE_URLS = {
  uat: "https://pay-gate-uat.payermax.com",
  production: "https://pay-gate.payermax.com",
} as const;

/** Options of {@link createPayerMaxClient}. */
export interface PayerMaxClientOptions extends CommonClientOptions {
  /** The merchant app's id (`appId`). */
  appId: string;
  /** The merchant's id (`merchantNo`), ≤ 32 characters; sent when given. */
  merchantNo?: string;
  /** The merchant's RSA private key: PKCS#8 PEM, PKCS#1 PEM, or bare Base64 PKCS#8 DER. Parsed once, never printed. */
  privateKey: string | KeyObject;
  /** PayerMax's RSA public key, to verify answers: SPKI PEM or bare Base64 SPKI DER. */
  platformPublicKey: string | KeyObject;
  /** Which PayerMax host to call; default "uat", so a forgotten setting never reaches production. */
  environment?: "uat" | "production";
  /** Overrides `environment` (e.g. a local sandbox): the host only, without /aggregate-pay/api/gateway. */
  baseUrl?: string;
}

const OPTION_KEYS = [
  ...COMMON_OPTION_KEYS,
  "appId",
  "merchantNo",
  "privateKey",
  "platformPublicKey",
  "environment",
  "baseUrl",
] as const satisfies readonly (keyof PayerMaxClientOptions)[];

type CancelRequest = components["schemas"]["CancelRequest"];
type CancelResponse = components["schemas"]["CancelResponse"];
type CancelResponseData = components["schemas"]["CancelResponseData"];

/** cancel's input, from the spec (`data` of the envelope): requestId and outTradeNo, each ≤ 64. */
export type PayerMaxCancelRequest = components["schemas"]["CancelRequestData"];
const CANCEL_KEYS = cancelRequestDataFields;

/** `data.status`, with any value the spec does not list surfaced as "unknown". */
export type PayerMaxCancelStatus = CancelResponseData["status"] | "unknown";
/** The accepted answer's `data`, with `status` exactly as received (it may be a value added later). */
export type PayerMaxCancelData = Omit<CancelResponseData, "status"> & { status: string };
/** The accepted answer, with `data.status` exactly as received. */
export type PayerMaxCancelResponse = Omit<CancelResponse, "data"> & { data: PayerMaxCancelData };

/** What cancel resolves to: PayerMax accepted the request; `status` says how far it got. */
export interface PayerMaxCancelResult {
  /** SUCCESS (cancelled), PENDING (in progress: ask again with the same requestId), FAILED (see data.errorCode), or unknown. */
  status: PayerMaxCancelStatus;
  /** `data.status` as received, also when it is "unknown" here. */
  rawStatus: string;
  data: PayerMaxCancelData;
  raw: PayerMaxCancelResponse;
}

/** A PayerMax client; see {@link createPayerMaxClient}. */
export interface PayerMaxClient {
  readonly provider: "payermax";
  /** Cancels an authorised order; idempotent by requestId, so retried safely. */
  cancel(request: PayerMaxCancelRequest): Promise<PayerMaxCancelResult>;
  /**
   * The openapi-fetch client, for the `{ data, error }` style, with PayerMax's signing middleware
   * installed: it signs each request by reading a clone of its body (the caller builds the whole 1.5
   * envelope), and rejects answers whose `sign` header is invalid, or missing on APPLY_SUCCESS. It
   * does not retry, validate, or unwrap.
   */
  readonly raw: Client<paths>;
}

const PROVIDER = "payermax";
const OPERATION = "cancel";
const PATH = "/aggregate-pay/api/gateway/cancel";
const KNOWN_STATUSES: ReadonlySet<string> = new Set<CancelResponseData["status"]>([
  "SUCCESS",
  "FAILED",
  "PENDING",
]);

/** `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in UTC, e.g. "2024-11-06T03:56:13.000Z". */
export function payerMaxRequestTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function parseKey<T>(field: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    // The parser's messages name the expected format and Node's error code, never the key.
    throw new ValidationError({
      field,
      rule: "key",
      reason: error instanceof Error ? error.message : "could not be parsed",
    });
  }
}

function resolveBaseUrl(opts: Record<string, unknown>): string {
  if (opts.baseUrl !== undefined) {
    const baseUrl = requireHttpUrl(opts.baseUrl, "baseUrl");
    if (/\/aggregate-pay\/api\/gateway$/.test(baseUrl)) {
      throw new ValidationError({
        field: "baseUrl",
        rule: "host",
        reason: "give the host only: the client adds /aggregate-pay/api/gateway/cancel itself",
      });
    }
    return baseUrl;
  }
  const environment =
    opts.environment === undefined
      ? "uat"
      : requireEnum(opts.environment, "environment", ["uat", "production"]);
  return PAYERMAX_BASE_URLS[environment];
}

/**
 * Creates a PayerMax client. Keys are parsed here, once, into KeyObjects (PEM or bare Base64 DER);
 * the private key is kept in a {@link Secret} and appears in no error, event, `JSON.stringify` or
 * `util.inspect`.
 */
export function createPayerMaxClient(options: PayerMaxClientOptions): PayerMaxClient {
  const config = withValidationContext({ provider: PROVIDER }, () => {
    const opts = ensurePlainObject(options, "options");
    rejectUnknownKeys(opts, OPTION_KEYS, "");
    if (opts.privateKey === undefined || opts.privateKey === null) {
      throw new ValidationError({ field: "privateKey", rule: "required", reason: "is required" });
    }
    if (opts.platformPublicKey === undefined || opts.platformPublicKey === null) {
      throw new ValidationError({ field: "platformPublicKey", rule: "required", reason: "is required" });
    }
    const privateKey = opts.privateKey as string | KeyObject;
    const platformPublicKey = opts.platformPublicKey as string | KeyObject;
    return {
      common: resolveCommonOptions(opts),
      appId: requireString(opts.appId, "appId"),
      merchantNo: opts.merchantNo === undefined ? undefined : requireString(opts.merchantNo, "merchantNo"),
      baseUrl: resolveBaseUrl(opts),
      keys: {
        privateKey: new Secret(parseKey("privateKey", () => parsePayerMaxPrivateKey(privateKey))),
        platformPublicKey: parseKey("platformPublicKey", () => parsePayerMaxPublicKey(platformPublicKey)),
      } satisfies PayerMaxKeys,
    };
  });
  const { common, keys } = config;
  const clientOptions = { baseUrl: config.baseUrl, fetch: common.fetch };
  const typed = createClient<paths>(clientOptions);
  const raw = createClient<paths>(clientOptions);
  raw.use(payerMaxSigningMiddleware(keys));

  function envelope(data: PayerMaxCancelRequest): CancelRequest {
    const body: CancelRequest = {
      version: "1.5",
      keyVersion: "1",
      requestTime: payerMaxRequestTime(common.now()),
      appId: config.appId,
      data,
    };
    // merchantNo sits before data in the documented order; rebuild to keep that order when present.
    return config.merchantNo === undefined
      ? body
      : {
          version: body.version,
          keyVersion: body.keyVersion,
          requestTime: body.requestTime,
          appId: body.appId,
          merchantNo: config.merchantNo,
          data,
        };
  }

  function interpret(
    exchange: RawExchange,
    request: PayerMaxCancelRequest,
  ): Interpreted<PayerMaxCancelResult> {
    const { requestId } = request;
    // PayerMax answers carry no trace id of their own; the merchant's requestId is what support asks for.
    const ctx = {
      provider: PROVIDER,
      operation: OPERATION,
      status: exchange.status,
      traceId: requestId,
    } as const;
    const unavailable = unavailableError(exchange, ctx, common.now());
    if (unavailable !== undefined) throw unavailable;
    const check = checkForStatus(exchange.status, {
      ok: validateCancelResponse200,
      clientError: validateCancelResponse4xx,
      serverError: validateCancelResponse5xx,
    });
    if (check === undefined) throw undeclaredStatusError(exchange, ctx);
    const body = parseJsonBody(exchange, ctx, common.now());
    checkPayerMaxAnswerSignature(keys, exchange.headers, exchange.text, body, ctx);
    assertResponseSchema(check, body, ctx, exchange.text);
    // The schema for this status has just accepted `body`; response schemas leave enums open.
    const answer = body as Omit<CancelResponse, "data"> & { data?: PayerMaxCancelData };
    if (exchange.status === 200 && answer.code === APPLY_SUCCESS) {
      const data = answer.data;
      if (data === undefined) {
        throw new UnexpectedResponseError({
          ...ctx,
          reason: "wrong_shape",
          detail: "APPLY_SUCCESS without data",
          body: exchange.text,
        });
      }
      // The signature proves PayerMax wrote this answer, not that it answers this request: a genuine
      // answer about another cancel, replayed in its place, must not pass for this one's outcome.
      if (data.requestId !== request.requestId || data.outTradeNo !== request.outTradeNo) {
        throw new UnexpectedResponseError({
          ...ctx,
          reason: "wrong_shape",
          detail: "the signed answer is about another cancel (its requestId or outTradeNo differs)",
          body: exchange.text,
        });
      }
      const status = KNOWN_STATUSES.has(data.status)
        ? (data.status as CancelResponseData["status"])
        : "unknown";
      return {
        value: { status, rawStatus: data.status, data, raw: { ...answer, data } },
        traceId: requestId,
      };
    }
    const rejection = { ...ctx, providerCode: answer.code, providerMessage: answer.msg, raw: body };
    if (answer.code === "REQ_TIME_OVER_TIME") {
      throw new ClockSkewError({ ...rejection, estimatedOffsetMs: clockOffsetOf(exchange, common.now()) });
    }
    throw new ProviderRejectedError(rejection);
  }

  return {
    provider: PROVIDER,
    raw,
    cancel(request) {
      return Promise.resolve()
        .then((): CallPlan<PayerMaxCancelResult> => {
          const data = withValidationContext({ provider: PROVIDER, operation: OPERATION }, () => {
            return readRequestFields(request, CANCEL_KEYS) as PayerMaxCancelRequest;
          });
          let sent: CancelRequest = envelope(data);
          return {
            provider: PROVIDER,
            operation: OPERATION,
            path: PATH,
            idempotent: true,
            sign: () => {
              sent = envelope(data);
              assertRequestSchema(
                validateCancelRequest,
                sent,
                { provider: PROVIDER, operation: OPERATION },
                "data.",
              );
              const text = JSON.stringify(sent);
              return { body: text, headers: payerMaxRequestHeaders(keys, text) };
            },
            send: (init) => typed.POST(PATH, { body: sent, ...init }),
            interpret: (exchange) => interpret(exchange, data),
          };
        })
        .then((plan) => runCall(plan, common));
    },
  };
}
