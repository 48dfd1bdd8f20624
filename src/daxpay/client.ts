// The DaxPay 2.0.x client: cancel (`POST /unipay/cancel`). DaxPay is self-hosted, so there is no
// default host. The envelope `{code, msg, data, traceId}`: `code` 0 means the gateway handled the
// call and the signed `data.code` says whether the order was cancelled (0) or not (1, `data.msg` the
// reason); any other `code` is an unsigned gateway error (docs/provider-behaviour.md, "DaxPay").

import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "../../generated/daxpay.js";
import { payCancelParamFields } from "../../generated/daxpay.requests.js";
import {
  validateCancelRequest,
  validateCancelResponse4xx,
  validateCancelResponse5xx,
  validateCancelResponse200,
} from "../../generated/daxpay.validators.js";
import { type CallPlan, type Interpreted, type RawExchange, runCall } from "../core/call.js";
import { ClockSkewError, ProviderRejectedError } from "../core/errors.js";
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
}

const OPTION_KEYS = [
  ...COMMON_OPTION_KEYS,
  "baseUrl",
  "secret",
  "signType",
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

/** What cancel resolves to (a refusal, `data.code` 1, rejects with ProviderRejectedError instead). */
export interface DaxPayCancelResult {
  /**
   * "cancelled": `data.code` 0, or gateway 20042 (trade closed) answered to a retry of this call.
   * "unknown": a signed `data.code` this library does not know; read `data.code`.
   */
  status: "cancelled" | "unknown";
  /** True when a retry was answered 20042: an earlier attempt, whose answer was lost, cancelled the order. */
  alreadyCancelled: boolean;
  /** The verified `data`; undefined when `alreadyCancelled` (20042 answers carry no signed data). */
  data: DaxPayCancelData | undefined;
  raw: DaxPayCancelResponse;
  /** The gateway's trace id, for support requests. */
  traceId: string | undefined;
}

/** A DaxPay client; see {@link createDaxPayClient}. */
export interface DaxPayClient {
  readonly provider: "daxpay";
  /** Cancels an unpaid order; retried safely, and 20042 (trade closed) on a retry counts as cancelled. */
  cancel(request: DaxPayCancelRequest): Promise<DaxPayCancelResult>;
  /**
   * The openapi-fetch client, for the `{ data, error }` style, with DaxPay's signing middleware
   * installed: it reads a clone of each request's body, keeps the fields the server knows, sets a
   * fresh reqTime and nonceStr and appends sign (see daxPaySigningMiddleware), and rejects answers
   * whose `data.sign` does not verify. It does not retry, validate, or unwrap.
   */
  readonly raw: Client<paths>;
}

const PROVIDER = "daxpay";
const OPERATION = "cancel";
const PATH = "/unipay/cancel";
/** Request expired or from the future. */
const CLOCK_CODE = 10006;
/** Trade closed: what a repeated cancel answers. */
const TRADE_CLOSED = 20042;

/**
 * Creates a DaxPay client. Options are checked here (ValidationError naming the option); the secret
 * is kept in a {@link Secret} and appears in no error, event, `JSON.stringify` or `util.inspect`.
 */
export function createDaxPayClient(options: DaxPayClientOptions): DaxPayClient {
  const config = withValidationContext({ provider: PROVIDER }, () => {
    const opts = ensurePlainObject(options, "options");
    rejectUnknownKeys(opts, OPTION_KEYS, "");
    return {
      common: resolveCommonOptions(opts),
      baseUrl: requireHttpUrl(opts.baseUrl, "baseUrl"),
      secret: new Secret(requireString(opts.secret, "secret")),
      signType:
        opts.signType === undefined
          ? ("HMAC_SHA256" as const)
          : requireEnum(opts.signType, "signType", ["HMAC_SHA256", "MD5"]),
    };
  });
  const { common } = config;
  const signer: DaxPaySigner = {
    secret: config.secret,
    signType: config.signType,
    now: common.now,
    nonce: common.nonce,
  };
  const clientOptions = { baseUrl: config.baseUrl, fetch: common.fetch };
  const typed = createClient<paths>(clientOptions);
  const raw = createClient<paths>(clientOptions);
  raw.use(daxPaySigningMiddleware(signer));

  function interpret(exchange: RawExchange): Interpreted<DaxPayCancelResult> {
    const ctx = { provider: PROVIDER, operation: OPERATION, status: exchange.status } as const;
    const unavailable = unavailableError(exchange, ctx, common.now());
    if (unavailable !== undefined) throw unavailable;
    const check = checkForStatus(exchange.status, {
      ok: validateCancelResponse200,
      clientError: validateCancelResponse4xx,
      serverError: validateCancelResponse5xx,
    });
    if (check === undefined) throw undeclaredStatusError(exchange, ctx);
    const body = parseJsonBody(exchange, ctx, common.now());
    const traceId = traceIdOf(body);
    const where = { ...ctx, traceId };
    checkDaxPayAnswerSignature(signer, body, where);
    assertResponseSchema(check, body, where, exchange.text);
    // The schema for this status has just accepted `body` (ErrorResult is PayCancelResult without data).
    const answer = body as DaxPayCancelResponse;
    if (exchange.status === 200 && answer.code === 0 && answer.data) {
      const data = answer.data;
      if (data.code === 1) {
        throw new ProviderRejectedError({
          ...where,
          providerCode: String(data.code),
          providerMessage: data.msg ?? "",
          raw: body,
        });
      }
      const status = data.code === 0 ? "cancelled" : "unknown";
      return { value: { status, alreadyCancelled: false, data, raw: answer, traceId }, traceId };
    }
    if (exchange.attempt > 1 && answer.code === TRADE_CLOSED) {
      return {
        value: { status: "cancelled", alreadyCancelled: true, data: undefined, raw: answer, traceId },
        traceId,
      };
    }
    const rejection = {
      ...where,
      providerCode: String(answer.code),
      providerMessage: answer.msg ?? "",
      raw: body,
    };
    if (answer.code === CLOCK_CODE) {
      throw new ClockSkewError({ ...rejection, estimatedOffsetMs: clockOffsetOf(exchange, common.now()) });
    }
    throw new ProviderRejectedError(rejection);
  }

  return {
    provider: PROVIDER,
    raw,
    cancel(request) {
      return Promise.resolve()
        .then((): CallPlan<DaxPayCancelResult> => {
          const fields = withValidationContext({ provider: PROVIDER, operation: OPERATION }, () => {
            return readRequestFields(request, CANCEL_KEYS);
          });
          let sent: Record<string, unknown> = fields;
          return {
            provider: PROVIDER,
            operation: OPERATION,
            path: PATH,
            idempotent: true,
            sign: () => {
              const unsigned = withFreshTime(signer, fields);
              assertRequestSchema(validateCancelRequest, unsigned, {
                provider: PROVIDER,
                operation: OPERATION,
              });
              sent = withSign(signer, unsigned);
              // No headers: DaxPay's signature travels in the body.
              return { body: JSON.stringify(sent), headers: {} };
            },
            // `sent` passed the spec's request schema in sign(); the bytes on the wire are the signed text.
            send: (init) => typed.POST(PATH, { body: sent as PayCancelParam, ...init }),
            interpret,
          };
        })
        .then((plan) => runCall(plan, common));
    },
  };
}

function traceIdOf(body: unknown): string | undefined {
  const traceId = (body as { traceId?: unknown } | null)?.traceId;
  return typeof traceId === "string" && traceId !== "" ? traceId : undefined;
}
