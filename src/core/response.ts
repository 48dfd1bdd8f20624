// Reading a raw answer the same way for every provider: what counts as "unavailable", what counts
// as "not JSON", and which of the spec's response schemas applies to a status.

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
 * Parses the body as JSON. An empty, HTML or malformed body is an UnexpectedResponseError, except
 * on a 5xx, where a body that is not the provider's JSON means the provider (or its proxy) is
 * down: ProviderUnavailableError.
 */
export function parseJsonBody(exchange: RawExchange, ctx: ErrorContext, nowMs: number): unknown {
  const where = { ...ctx, status: exchange.status };
  const fail = (reason: "empty" | "html" | "not_json", detail?: string) =>
    exchange.status >= 500
      ? new ProviderUnavailableError({
          ...where,
          status: exchange.status,
          retryAfterMs: parseRetryAfterMs(exchange.headers.get("retry-after"), nowMs),
          body: exchange.text,
        })
      : new UnexpectedResponseError({ ...where, reason, detail, body: exchange.text });
  if (exchange.text.trim() === "") throw fail("empty");
  if (looksLikeHtml(exchange)) throw fail("html");
  try {
    return JSON.parse(exchange.text);
  } catch (error) {
    throw fail("not_json", error instanceof SyntaxError ? "invalid JSON" : undefined);
  }
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
