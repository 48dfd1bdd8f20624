// The one answer reader every client uses: status → parse → signature → schema → decision. The
// provider supplies only its rules (./answer.ts's AnswerRules): which schema answers which status,
// how its answers are signed, where its trace id sits, and what its envelope decides. Everything a
// reader of any provider must get right (unavailable statuses, non-JSON bodies, undeclared statuses,
// turning a refusal into the right error) is written here once.

import type { Interpreted, RawExchange } from "./call.js";
import { ClockSkewError, type ErrorContext, ProviderRejectedError, SignatureError } from "./errors.js";
import { exactInt64, parseJsonExact } from "./json.js";
import {
  checkForStatus,
  clockOffsetOf,
  type ResponseChecks,
  throwIfNotJson,
  unavailableError,
  undeclaredStatusError,
} from "./response.js";
import { assertResponseSchema } from "./schema.js";

/** What a provider's envelope says about one answer. */
export type Verdict<T> =
  | { readonly kind: "value"; readonly value: T }
  | {
      readonly kind: "rejected";
      /** The provider's code, as text (DaxPay's numbers too). */
      readonly code: string;
      /** The provider's reason, as sent (may be empty). */
      readonly message: string;
      /** True when the code says the request time was refused: the error is a ClockSkewError. */
      readonly clockSkew?: boolean;
      /** An English gloss of a non-English or terse provider message, added to the error message. */
      readonly gloss?: string | undefined;
      /** True when the refusal came with a signature that verified (see ProviderRejectedError.verified). */
      readonly verified?: boolean;
    };

/** One provider's rules for reading the answers of one operation. */
export interface AnswerRules<T> {
  /** The spec's response schemas, by status class. */
  readonly checks: ResponseChecks;
  /**
   * Paths of the spec's int64 fields in this answer (e.g. "data.createTime"); their values are
   * delivered as exact decimal strings. See ./json.ts.
   */
  readonly int64Paths?: readonly string[];
  /** The provider's trace id in a parsed body, if it has one. */
  traceIdOf?(body: unknown): string | undefined;
  /**
   * Checks the answer's signature (and its freshness) before anything in it is believed; throws a
   * SignatureError. Runs on the parsed body, before the schema check.
   */
  verify(exchange: RawExchange, body: unknown, ctx: ErrorContext): void;
  /** The envelope's decision, for a body the status's schema has accepted. */
  decide(body: unknown, exchange: RawExchange, ctx: ErrorContext): Verdict<T>;
}

/**
 * Runs `rules.verify`. A genuine signature that is merely stale or replayed is kept aside rather than
 * thrown: it must never carry a result, but a refusal under it is still worth reporting (a client
 * whose clock is 30 s off gets GatePay's signed 400003 as a ClockSkewError), only as unverified.
 * Returns that error, or undefined when the answer passed.
 */
function verifyKeepingRefusals(
  rules: AnswerRules<unknown>,
  exchange: RawExchange,
  body: unknown,
  ctx: ErrorContext,
): SignatureError | undefined {
  try {
    rules.verify(exchange, body, ctx);
    return undefined;
  } catch (error) {
    if (error instanceof SignatureError && (error.reason === "stale" || error.reason === "replayed"))
      return error;
    throw error;
  }
}

/**
 * Reads one exchange with `rules`. Returns the typed value and the trace id, or throws:
 * ProviderUnavailableError (429/502/503/504, or a 5xx that is not the provider's JSON),
 * UnexpectedResponseError (undeclared status, empty/HTML/invalid JSON, wrong shape),
 * SignatureError (from `rules.verify`; a stale or replayed one only when the answer would have been a
 * result), ClockSkewError or ProviderRejectedError (from the verdict; `verified` false under a stale
 * or replayed signature).
 * `nowMs` is the client's clock, for Retry-After and the clock-offset estimate.
 */
export function readAnswer<T>(
  exchange: RawExchange,
  rules: AnswerRules<T>,
  where: { provider: ErrorContext["provider"]; operation: string; traceId?: string | undefined },
  nowMs: number,
): Interpreted<T> {
  const ctx: ErrorContext = { ...where, status: exchange.status };
  const unavailable = unavailableError(exchange, ctx, nowMs);
  if (unavailable !== undefined) throw unavailable;
  const check = checkForStatus(exchange.status, rules.checks);
  if (check === undefined) throw undeclaredStatusError(exchange, ctx);
  throwIfNotJson(exchange, ctx, nowMs);
  const body = parseJsonExact(exchange, ctx, nowMs);
  const traceId = rules.traceIdOf?.(body.value) ?? where.traceId;
  const traced: ErrorContext = { ...ctx, traceId };
  const untrusted = verifyKeepingRefusals(rules, exchange, body.value, traced);
  assertResponseSchema(check, body.forSchema, traced, exchange.text);
  // After the schema check: without a long digit run, the schema's tree and this one are the same.
  exactInt64(body.value, rules.int64Paths ?? []);
  const verdict = rules.decide(body.value, exchange, traced);
  if (verdict.kind === "value") {
    if (untrusted !== undefined) throw untrusted;
    return { value: verdict.value, traceId };
  }
  const rejection = {
    ...traced,
    providerCode: verdict.code,
    providerMessage: verdict.message,
    gloss: verdict.gloss,
    verified: untrusted === undefined && verdict.verified === true,
    raw: body.value,
  };
  if (verdict.clockSkew === true) {
    throw new ClockSkewError({ ...rejection, estimatedOffsetMs: clockOffsetOf(exchange, nowMs) });
  }
  throw new ProviderRejectedError(rejection);
}
