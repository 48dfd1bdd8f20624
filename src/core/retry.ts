// Retries with exponential backoff and full jitter, and the one rule that decides what may be
// re-sent. A retry calls `attempt` again, so the caller builds a new request each time: new
// timestamp, new nonce, new signature (a replayed GatePay nonce would be rejected).

import { NetworkError, ProviderUnavailableError, TimeoutError } from "./errors.js";

/** How {@link withRetry} behaves; every field has a default. */
export interface RetryPolicy {
  /** Extra attempts after the first; default 2 (so at most 3 attempts). */
  retries?: number;
  /** Backoff cap for the first retry; doubles for each later one. Default 100 ms. */
  baseDelayMs?: number;
  /** No delay (backoff or Retry-After) exceeds this. Default 2000 ms. */
  maxDelayMs?: number;
  /** Uniform [0, 1) source for jitter; injectable so tests get exact delays. Default Math.random. */
  random?: () => number;
  /** Waits `ms`; injectable so tests do not wait. Default a setTimeout promise. */
  sleep?: (ms: number) => Promise<void>;
  /** Whether `error` from attempt `attemptNumber` (1-based) may be retried. Default: never re-send a possibly delivered request. */
  shouldRetry?: (error: unknown, attemptNumber: number) => boolean;
}

/** Defaults for {@link RetryPolicy}. */
export const DEFAULT_RETRY = { retries: 2, baseDelayMs: 100, maxDelayMs: 2000 } as const;

/** HTTP statuses worth another try on an idempotent call: rate limited or a gateway/overload answer. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Codes meaning the connection was never established, so the request never left this machine. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Whether an operation may safely be performed twice. */
export interface RetryableOptions {
  /** True for cancel/close (a repeat is harmless); false for createRecharge (a repeat could charge twice). */
  idempotent: boolean;
}

/**
 * The retry rule. Always: a NetworkError whose request never left (refused, DNS). Idempotent
 * operations only: also network errors before any response, timeouts, and HTTP 429/502/503/504.
 * A non-idempotent request that may have reached the server is never re-sent.
 */
export function isRetryable(error: unknown, options: RetryableOptions): boolean {
  if (error instanceof NetworkError && !error.requestSent) return true;
  if (!options.idempotent) return false;
  if (error instanceof NetworkError) return error.beforeResponse;
  if (error instanceof TimeoutError) return true;
  // The clients raise every 429/502/503/504 as ProviderUnavailableError, envelope or not.
  if (error instanceof ProviderUnavailableError) return RETRYABLE_STATUSES.has(error.status);
  return false;
}

/**
 * Delay before retry number `retryNumber` (1 for the first retry): full jitter, i.e. uniform in
 * [0, min(maxDelayMs, baseDelayMs * 2^(retryNumber-1))), floored to whole ms.
 */
export function backoffDelayMs(
  retryNumber: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "random"> = {},
): number {
  const base = policy.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const max = policy.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const random = policy.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** (retryNumber - 1));
  return Math.floor(random() * ceiling);
}

/** A Retry-After the server sent with `error`, if any. */
function retryAfterOf(error: unknown): number | undefined {
  return error instanceof ProviderUnavailableError ? error.retryAfterMs : undefined;
}

/** Resolves after `ms` milliseconds. */
function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `attempt(1)`, and on a retryable failure waits and calls `attempt(2)`, … up to
 * `retries + 1` attempts; rethrows the last error unchanged. A server's Retry-After replaces the
 * jittered delay, capped at `maxDelayMs`.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const retries = policy.retries ?? DEFAULT_RETRY.retries;
  const maxDelayMs = policy.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const sleep = policy.sleep ?? defaultSleep;
  const shouldRetry = policy.shouldRetry ?? ((error: unknown) => isRetryable(error, { idempotent: false }));
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n > retries || !shouldRetry(error, n)) throw error;
      const retryAfter = retryAfterOf(error);
      const delay = retryAfter === undefined ? backoffDelayMs(n, policy) : Math.min(retryAfter, maxDelayMs);
      await sleep(delay);
    }
  }
}
