// The DaxPay 2.0.x client: cancel (`POST /unipay/cancel`). DaxPay is self-hosted, so there is no
// default host. The envelope `{code, msg, data, traceId}`: `code` 0 means the gateway handled the
// call and the signed `data.code` says whether the order was cancelled (0) or not (1, `data.msg` the
// server's reason); any other `code` is an unsigned gateway error. Rules and messages as the 2.0.8
// server sends them: docs/providers.md, "DaxPay", and ./codes.ts.

import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "../../generated/daxpay.js";
import { payCancelParamFields } from "../../generated/daxpay.requests.js";
import {
  validateCancelRequest,
  validateCancelResponse4xx,
  validateCancelResponse5xx,
  validateCancelResponse200,
} from "../../generated/daxpay.validators.js";
import { type AnswerRules, readAnswer, type Verdict } from "../core/answer.js";
import { type CallPlan, runPlanned } from "../core/call.js";
import { COMMON_OPTION_KEYS, type CommonClientOptions, resolveCommonOptions } from "../core/options.js";
import { Secret } from "../core/redact.js";
import { assertRequestSchema } from "../core/schema.js";
import {
  ensurePlainObject,
  readRequestFields,
  rejectUnknownKeys,
  requireEnum,
  requireHttpUrl,
  requireString,
  requireWindowMs,
  withValidationContext,
} from "../core/validate.js";
import {
  DAXPAY_CLOCK_SKEW_MESSAGES,
  DAXPAY_CODE,
  DAXPAY_DEFAULT_MAX_AGE_SECONDS,
  DAXPAY_MAX_AHEAD_SECONDS,
  DAXPAY_MESSAGE,
  daxPayGloss,
} from "./codes.js";
import {
  checkDaxPayAnswerSignature,
  type DaxPaySigner,
  daxPaySigningMiddleware,
  withFreshTime,
  withSign,
} from "./middleware.js";
import type { DaxPaySignType } from "./sign.js";

/** Options of {@link createDaxPayClient}. */
export interface DaxPayClientOptions extends CommonClientOptions {
  /** The merchant's own DaxPay gateway, e.g. "https://pay.example.com"; required (DaxPay is self-hosted). */
  baseUrl: string;
  /** The platform's signing secret; used only inside the digest, never printed. */
  secret: string;
  /** The digest the platform is configured for; default "HMAC_SHA256". */
  signType?: DaxPaySignType;
  /**
   * How far the signed `data.resTime` may lie before the request, and after the answer arrived, in
   * ms; default the server's own request window: 10000 before, 60000 after (docs/providers.md).
   */
  responseWindowMs?: { pastMs?: number; futureMs?: number };
}

const OPTION_KEYS = [
  ...COMMON_OPTION_KEYS,
  "baseUrl",
  "secret",
  "signType",
  "responseWindowMs",
] as const satisfies readonly (keyof DaxPayClientOptions)[];

type PayCancelParam = components["schemas"]["PayCancelParam"];
// Omit each branch of the spec's at-least-one-of union separately, so the rule survives.
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * cancel's input, from the spec minus what the client adds (`reqTime`, `nonceStr`, `sign`): at least
 * one of orderNo (≤ 32) and bizOrderNo (≤ 100), and an optional clientIp (IPv4 or IPv6). When both
 * ids are given, DaxPay uses orderNo.
 */
export type DaxPayCancelRequest = OmitEach<PayCancelParam, "reqTime" | "nonceStr" | "sign">;
const CANCEL_KEYS = payCancelParamFields;

/** The gateway's answer, as the spec types it. */
export type DaxPayCancelResponse = components["schemas"]["PayCancelResult"];
/** The signed business result inside it. */
export type DaxPayCancelData = components["schemas"]["PayCancelModel"];

/** What cancel resolves to (a refusal, `data.code` 1 on a first attempt, rejects with ProviderRejectedError instead). */
export interface DaxPayCancelResult {
  /**
   * "cancelled": the signed `data.code` is 0. "unknown": the order may or may not be cancelled —
   * see `possiblyAlreadyCancelled`, or a signed `data.code` this library does not know (read `data.code`).
   */
  status: "cancelled" | "unknown";
  /**
   * True when a retry of this call was answered `data.code` 1 "订单不是支付中" (not in progress): the
   * first attempt, whose answer was lost, may have cancelled the order — or it was paid or closed
   * meanwhile. DaxPay 2.0.8 answers all three alike, so look the order up before acting.
   */
  possiblyAlreadyCancelled: boolean;
  /** The verified `data`. */
  data: DaxPayCancelData;
  raw: DaxPayCancelResponse;
  /** The gateway's trace id, for support requests. */
  traceId: string | undefined;
  /** Always true: a result comes only from an answer whose `data.sign` verified. */
  verified: true;
}

/** A DaxPay client; see {@link createDaxPayClient}. */
export interface DaxPayClient {
  readonly provider: "daxpay";
  /**
   * Cancels an unpaid order; retried safely. Length limits count UTF-16 code units, as the server's
   * `@Size` does (bizOrderNo ≤ 100, orderNo ≤ 32).
   * @throws ValidationError bad input (nothing sent); ProviderRejectedError the signed business
   * refusal (`data.code` 1: 支付订单不存在 unknown order, 订单不是支付中 not in progress, 撤销订单失败 cancel
   * failed) or a gateway error (10006 parameter check, 10007 a cancel already in progress, 20052
   * signature); ClockSkewError 10006 with one of the two reqTime-window messages; SignatureError an
   * answer whose `data.sign` is missing or invalid, or whose `data.resTime` is outside the window;
   * TimeoutError, NetworkError, ProviderUnavailableError, UnexpectedResponseError no usable answer.
   */
  cancel(request: DaxPayCancelRequest): Promise<DaxPayCancelResult>;
  /**
   * The openapi-fetch client, for the `{ data, error }` style, with DaxPay's signing middleware
   * installed: it reads a clone of each request's body, keeps the fields the server knows, sets a
   * fresh reqTime and nonceStr and appends sign (see daxPaySigningMiddleware), and rejects answers
   * whose `data.sign` does not verify. It does not retry, validate, or unwrap.
   */
  readonly openapi: Client<paths>;
}

const PROVIDER = "daxpay";
const OPERATION = "cancel";
const PATH = "/unipay/cancel";

/**
 * The verdict on a gateway answer the schema accepted: a signed `data` decides; otherwise the
 * gateway `code` is an error, 10006 a clock problem only with one of its two time messages.
 */
function daxPayVerdict(
  answer: DaxPayCancelResponse,
  attempt: number,
  traceId: string | undefined,
): Verdict<DaxPayCancelResult> {
  const data = answer.data;
  if (answer.code === DAXPAY_CODE.success && data !== undefined && data !== null) {
    const message = data.msg ?? "";
    const notInProgress = message.trim() === DAXPAY_MESSAGE.notInProgress;
    const result = (
      status: DaxPayCancelResult["status"],
      possiblyAlreadyCancelled: boolean,
    ): Verdict<DaxPayCancelResult> => ({
      kind: "value",
      value: { status, possiblyAlreadyCancelled, data, raw: answer, traceId, verified: true },
    });
    if (data.code === DAXPAY_CODE.success) return result("cancelled", false);
    // A retry cannot tell "my lost first attempt cancelled it" from "it was paid": never a firm refusal.
    if (data.code === DAXPAY_CODE.businessFailure && attempt > 1 && notInProgress)
      return result("unknown", true);
    if (data.code === DAXPAY_CODE.businessFailure) {
      return {
        kind: "rejected",
        code: String(data.code),
        message,
        gloss: daxPayGloss(data.code, message),
        verified: true,
      };
    }
    return result("unknown", false);
  }
  const message = answer.msg ?? "";
  return {
    kind: "rejected",
    code: String(answer.code),
    message,
    clockSkew:
      answer.code === DAXPAY_CODE.validateParameters &&
      (DAXPAY_CLOCK_SKEW_MESSAGES as readonly string[]).includes(message.trim()),
    gloss: daxPayGloss(answer.code, message),
  };
}

/**
 * Creates a DaxPay client. Options are checked here (ValidationError naming the option); `baseUrl`
 * is the merchant's own gateway (plain http:// is allowed: DaxPay is self-hosted). The secret is kept
 * in a {@link Secret} and appears in no error, event, `JSON.stringify` or `util.inspect`.
 */
export function createDaxPayClient(options: DaxPayClientOptions): DaxPayClient {
  const config = withValidationContext({ provider: PROVIDER }, () => {
    const opts = ensurePlainObject(options, "options");
    rejectUnknownKeys(opts, OPTION_KEYS, "");
    const window =
      opts.responseWindowMs === undefined ? {} : ensurePlainObject(opts.responseWindowMs, "responseWindowMs");
    rejectUnknownKeys(window, ["pastMs", "futureMs"], "responseWindowMs");
    return {
      common: resolveCommonOptions(opts),
      baseUrl: requireHttpUrl(opts.baseUrl, "baseUrl", { insecureHttp: true }),
      secret: new Secret(requireString(opts.secret, "secret")),
      signType:
        opts.signType === undefined
          ? ("HMAC_SHA256" as const)
          : requireEnum(opts.signType, "signType", ["HMAC_SHA256", "MD5"]),
      window: {
        pastMs:
          window.pastMs === undefined
            ? DAXPAY_DEFAULT_MAX_AGE_SECONDS * 1000
            : requireWindowMs(window.pastMs, "responseWindowMs.pastMs"),
        futureMs:
          window.futureMs === undefined
            ? DAXPAY_MAX_AHEAD_SECONDS * 1000
            : requireWindowMs(window.futureMs, "responseWindowMs.futureMs"),
      },
    };
  });
  const { common } = config;
  const signer: DaxPaySigner = {
    secret: config.secret,
    signType: config.signType,
    now: common.now,
    nonce: common.nonce,
    window: config.window,
  };
  const openapi = createClient<paths>({ baseUrl: config.baseUrl, fetch: common.fetch });
  openapi.use(daxPaySigningMiddleware(signer));
  const where = { provider: PROVIDER, operation: OPERATION } as const;
  const rules: AnswerRules<DaxPayCancelResult> = {
    checks: {
      ok: validateCancelResponse200,
      clientError: validateCancelResponse4xx,
      serverError: validateCancelResponse5xx,
    },
    // resTime, the spec's one int64, arrives as exact decimal text like every int64 (src/core/json.ts).
    int64Paths: ["data.resTime"],
    traceIdOf,
    verify: (exchange, body, ctx) => checkDaxPayAnswerSignature(signer, body, exchange.sentAtMs, ctx),
    // The status's schema has just accepted `body` (ErrorResult is PayCancelResult without data).
    decide: (body, exchange) =>
      daxPayVerdict(body as DaxPayCancelResponse, exchange.attempt, traceIdOf(body)),
  };

  return {
    provider: PROVIDER,
    openapi,
    cancel(request) {
      return runPlanned((): CallPlan<DaxPayCancelResult> => {
        const fields = withValidationContext(where, () => readRequestFields(request, CANCEL_KEYS));
        return {
          ...where,
          path: PATH,
          url: config.baseUrl + PATH,
          idempotent: true,
          sign: () => {
            const unsigned = withFreshTime(signer, fields);
            assertRequestSchema(validateCancelRequest, unsigned, where);
            // No headers: DaxPay's signature travels in the body.
            return { body: JSON.stringify(withSign(signer, unsigned)), headers: {} };
          },
          interpret: (exchange) => readAnswer(exchange, rules, where, common.now()),
        };
      }, common);
    },
  };
}

function traceIdOf(body: unknown): string | undefined {
  const traceId = (body as { traceId?: unknown } | null)?.traceId;
  return typeof traceId === "string" && traceId !== "" ? traceId : undefined;
}
