// The PayerMax client: cancel (`POST /aggregate-pay/api/gateway/cancel`), in the 1.5 envelope.
// `code: APPLY_SUCCESS` means accepted, not finished: the outcome is `data.status` (SUCCESS, FAILED,
// PENDING, or a value added later, surfaced as "unknown"). Failures are `{code, msg}` with HTTP 200
// (docs/providers.md, "PayerMax"; codes in ./codes.ts).

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
import { type AnswerRules, readAnswer, type Verdict } from "../core/answer.js";
import { type CallPlan, runPlanned } from "../core/call.js";
import { type ErrorContext, UnexpectedResponseError, ValidationError } from "../core/errors.js";
import { COMMON_OPTION_KEYS, type CommonClientOptions, resolveCommonOptions } from "../core/options.js";
import { Secret } from "../core/redact.js";
import { assertRequestSchema } from "../core/schema.js";
import {
  ensurePlainObject,
  readRequestFields,
  rejectUnknownKeys,
  requireBoolean,
  requireEnum,
  requireHttpUrl,
  requireString,
  withValidationContext,
} from "../core/validate.js";
import {
  PAYERMAX_BASE_URLS,
  PAYERMAX_CANCEL_STATUSES,
  PAYERMAX_CODE,
  PAYERMAX_GLOSSES,
  PAYERMAX_KEY_VERSION,
  PAYERMAX_VERSION,
} from "./codes.js";
import {
  checkPayerMaxAnswerSignature,
  type PayerMaxKeys,
  payerMaxRequestHeaders,
  payerMaxSigningMiddleware,
} from "./middleware.js";
import { parsePayerMaxPrivateKey, parsePayerMaxPublicKey } from "./sign.js";

export { PAYERMAX_BASE_URLS };

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
  /** Overrides `environment` (e.g. a local sandbox): the host only, without /aggregate-pay/api/gateway; https://, or http:// to loopback. */
  baseUrl?: string;
  /** Allows a plain http:// `baseUrl` to a non-loopback host; default false. */
  allowInsecureHttp?: boolean;
}

const OPTION_KEYS = [
  ...COMMON_OPTION_KEYS,
  "appId",
  "merchantNo",
  "privateKey",
  "platformPublicKey",
  "environment",
  "baseUrl",
  "allowInsecureHttp",
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
  /** Always true: an accepted answer is only believed with a valid `sign` header. */
  verified: true;
}

/** A PayerMax client; see {@link createPayerMaxClient}. */
export interface PayerMaxClient {
  readonly provider: "payermax";
  /**
   * Cancels an authorised order; idempotent by requestId, so retried safely.
   * @throws ValidationError bad input (nothing sent); ProviderRejectedError PayerMax refused the
   * request (`providerCode` e.g. PARAMS_INVALID, PAYMENT_REJECTED, SIGN_VERIFY_FAILED; `verified`
   * says whether that answer was signed); ClockSkewError REQ_TIME_OVER_TIME; SignatureError an
   * APPLY_SUCCESS without a valid `sign`, or any answer with an invalid one; UnexpectedResponseError
   * also for a signed answer about another cancel; TimeoutError, NetworkError, ProviderUnavailableError.
   */
  cancel(request: PayerMaxCancelRequest): Promise<PayerMaxCancelResult>;
  /**
   * The openapi-fetch client, for the `{ data, error }` style, with PayerMax's signing middleware
   * installed: it signs each request by reading a clone of its body (the caller builds the whole 1.5
   * envelope), and rejects answers whose `sign` header is invalid, or missing on APPLY_SUCCESS. It
   * does not retry, validate, or unwrap.
   */
  readonly openapi: Client<paths>;
}

const PROVIDER = "payermax";
const OPERATION = "cancel";
const PATH = "/aggregate-pay/api/gateway/cancel";
const KNOWN_STATUSES: ReadonlySet<string> = new Set<string>(PAYERMAX_CANCEL_STATUSES);

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
    const insecureHttp =
      opts.allowInsecureHttp === undefined
        ? false
        : requireBoolean(opts.allowInsecureHttp, "allowInsecureHttp");
    const baseUrl = requireHttpUrl(opts.baseUrl, "baseUrl", { insecureHttp });
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
  const { common, keys, baseUrl } = config;
  const openapi = createClient<paths>({ baseUrl, fetch: common.fetch });
  openapi.use(payerMaxSigningMiddleware(keys));

  function envelope(data: PayerMaxCancelRequest): CancelRequest {
    // merchantNo sits before data in the documented order.
    return {
      version: PAYERMAX_VERSION,
      keyVersion: PAYERMAX_KEY_VERSION,
      requestTime: payerMaxRequestTime(common.now()),
      appId: config.appId,
      ...(config.merchantNo === undefined ? {} : { merchantNo: config.merchantNo }),
      data,
    };
  }

  function rulesFor(request: PayerMaxCancelRequest): AnswerRules<PayerMaxCancelResult> {
    let verified = false;
    return {
      checks: {
        ok: validateCancelResponse200,
        clientError: validateCancelResponse4xx,
        serverError: validateCancelResponse5xx,
      },
      verify(exchange, body, ctx) {
        verified = checkPayerMaxAnswerSignature(keys, exchange.headers, exchange.text, body, ctx);
      },
      // The status's schema has just accepted `body`; response schemas leave enums open.
      decide: (body, exchange, ctx) => payerMaxVerdict(body as Answer, request, exchange.text, verified, ctx),
    };
  }

  return {
    provider: PROVIDER,
    openapi,
    cancel(request) {
      // PayerMax answers carry no trace id of their own; the merchant's requestId is what support asks for.
      return runPlanned((): CallPlan<PayerMaxCancelResult> => {
        const where = { provider: PROVIDER, operation: OPERATION } as const;
        const data = withValidationContext(where, () => {
          return readRequestFields(request, CANCEL_KEYS) as PayerMaxCancelRequest;
        });
        const rules = rulesFor(data);
        return {
          ...where,
          path: PATH,
          url: baseUrl + PATH,
          idempotent: true,
          sign: () => {
            const sent = envelope(data);
            assertRequestSchema(validateCancelRequest, sent, where, "data.");
            const text = JSON.stringify(sent);
            return { body: text, headers: payerMaxRequestHeaders(keys, text) };
          },
          interpret: (exchange) =>
            readAnswer(exchange, rules, { ...where, traceId: data.requestId }, common.now()),
        };
      }, common);
    },
  };
}

type Answer = Omit<CancelResponse, "data"> & { data?: PayerMaxCancelData | null };

/**
 * The verdict on an answer the schema accepted. APPLY_SUCCESS must be about this very cancel: the
 * signature proves PayerMax wrote it, not that it answers this request, so a genuine answer about
 * another cancel, replayed in its place, is refused.
 */
function payerMaxVerdict(
  answer: Answer,
  request: PayerMaxCancelRequest,
  text: string,
  verified: boolean,
  ctx: ErrorContext,
): Verdict<PayerMaxCancelResult> {
  if (ctx.status === 200 && answer.code === PAYERMAX_CODE.applySuccess) {
    const data = answer.data;
    if (data === undefined || data === null) {
      throw new UnexpectedResponseError({
        ...ctx,
        reason: "wrong_shape",
        detail: "APPLY_SUCCESS without data",
        body: text,
      });
    }
    if (data.requestId !== request.requestId || data.outTradeNo !== request.outTradeNo) {
      throw new UnexpectedResponseError({
        ...ctx,
        reason: "wrong_shape",
        detail: "the signed answer is about another cancel (its requestId or outTradeNo differs)",
        body: text,
      });
    }
    const status = KNOWN_STATUSES.has(data.status)
      ? (data.status as CancelResponseData["status"])
      : "unknown";
    return {
      kind: "value",
      value: { status, rawStatus: data.status, data, raw: { ...answer, data }, verified: true },
    };
  }
  return {
    kind: "rejected",
    code: answer.code,
    message: answer.msg ?? "",
    clockSkew: answer.code === PAYERMAX_CODE.reqTimeOverTime,
    gloss: PAYERMAX_GLOSSES[answer.code],
    verified,
  };
}
