// The steps of ./answer.ts that look at the raw exchange: what counts as "unavailable", what cannot
// be JSON, and which of the spec's response schemas applies to a status.

import type { RawExchange } from "./call.js";
import {
  type ErrorContext,
  estimateClockOffsetMs,
  ProviderUnavailableError,
  parseRetryAfterMs,
  UnexpectedResponseError,
} from "./errors.js";
import { RETRYABLE_STATUSES } from "./retry.js";
import type { SchemaCheck } from "./schema.js";

/** The spec's response schemas of one operation, by status class. */
export interface ResponseChecks {
  readonly ok: SchemaCheck;
  readonly clientError: SchemaCheck;
  readonly serverError: SchemaCheck;
}

/** HTTP 429/502/503/504: a gateway or rate limiter answering, whatever the body says. Retried on idempotent calls. */
export function unavailableError(
  exchange: RawExchange,
  ctx: ErrorContext,
  nowMs: number,
): ProviderUnavailableError | undefined {
  if (!RETRYABLE_STATUSES.has(exchange.status)) return undefined;
  return new ProviderUnavailableError({
    ...ctx,
    status: exchange.status,
    retryAfterMs: parseRetryAfterMs(exchange.headers.get("retry-after"), nowMs),
    body: exchange.text,
  });
}

function looksLikeHtml(exchange: RawExchange): boolean {
  const type = exchange.headers.get("content-type") ?? "";
  return /text\/html/i.test(type) || /^\s*</.test(exchange.text);
}

/**
 * Refuses a body that cannot be the provider's JSON: empty or HTML is an UnexpectedResponseError,
 * except on a 5xx, where it means the provider (or its proxy) is down: ProviderUnavailableError.
 * Parsing itself is ./json.ts's.
 */
export function throwIfNotJson(exchange: RawExchange, ctx: ErrorContext, nowMs: number): void {
  const empty = exchange.text.trim() === "";
  if (!empty && !looksLikeHtml(exchange)) return;
  throw notProviderJson(exchange, ctx, nowMs, empty ? "empty" : "html");
}

/**
 * The error for a body that is not the provider's JSON: on a 5xx the provider (or its proxy) is down,
 * ProviderUnavailableError; otherwise UnexpectedResponseError with `reason`.
 */
export function notProviderJson(
  exchange: RawExchange,
  ctx: ErrorContext,
  nowMs: number,
  reason: "empty" | "html" | "not_json",
  detail?: string,
): ProviderUnavailableError | UnexpectedResponseError {
  if (exchange.status >= 500) {
    return new ProviderUnavailableError({
      ...ctx,
      status: exchange.status,
      retryAfterMs: parseRetryAfterMs(exchange.headers.get("retry-after"), nowMs),
      body: exchange.text,
    });
  }
  return new UnexpectedResponseError({
    ...ctx,
    status: exchange.status,
    reason,
    detail,
    body: exchange.text,
  });
}

/** The schema for `status`, or undefined for a status the spec does not declare (1xx, 3xx, 2xx other than 200). */
export function checkForStatus(status: number, checks: ResponseChecks): SchemaCheck | undefined {
  if (status === 200) return checks.ok;
  if (status >= 400 && status < 500) return checks.clientError;
  if (status >= 500 && status < 600) return checks.serverError;
  return undefined;
}

/** The error for a status the spec does not declare, e.g. a redirect. */
export function undeclaredStatusError(exchange: RawExchange, ctx: ErrorContext): UnexpectedResponseError {
  return new UnexpectedResponseError({
    ...ctx,
    status: exchange.status,
    reason: "wrong_shape",
    detail: `HTTP ${exchange.status} is not a status this operation answers with`,
    body: exchange.text,
  });
}

/** Server clock minus ours, from the answer's Date header, for a ClockSkewError. */
export function clockOffsetOf(exchange: RawExchange, nowMs: number): number | undefined {
  return estimateClockOffsetMs(exchange.headers.get("date"), nowMs);
}
