// One typed call, end to end, the same for every provider: for each attempt the provider builds and
// signs a fresh request (serialized once; those exact bytes are signed and sent), the client's
// transport sends it (./transport.ts), and the provider reads the answer through the shared reader
// (./answer.ts). Retries, the per-attempt timeout and the hooks live here once. openapi-fetch is not
// on this path: it serves the `{ data, error }` clients with signing middleware, as its design intends.

import { PayClientError, type Provider, UnexpectedResponseError, ValidationError } from "./errors.js";
import { emitSafely, type RequestEvent, requestEvent, responseEvent } from "./hooks.js";
import type { ResolvedCommonOptions } from "./options.js";
import { isRetryable, withRetry } from "./retry.js";
import { classifyFetchError, type ReceivedAnswer } from "./transport.js";

/** One attempt's request: the body serialized once, and the headers signed over exactly those bytes. */
export interface SignedRequest {
  /** The exact text sent. */
  readonly body: string;
  /** Signature (and companion) headers computed from `body`. */
  readonly headers: Readonly<Record<string, string>>;
}

/** What one attempt received, and when it was sent (signed answers must be fresh relative to it). */
export interface RawExchange extends ReceivedAnswer {
  /** The 1-based attempt that produced it (a retry may see "already cancelled"). */
  readonly attempt: number;
  /** The client clock (`now()`, epoch ms) when this attempt was signed. */
  readonly sentAtMs: number;
}

/** A provider's reading of one exchange: the typed value, and the trace id it found. */
export interface Interpreted<T> {
  readonly value: T;
  readonly traceId: string | undefined;
}

/** Everything provider-specific about one operation. */
export interface CallPlan<T> {
  readonly provider: Provider;
  readonly operation: string;
  /** The spec path, for hook events. */
  readonly path: string;
  /** The absolute URL: the client's base URL and `path`. */
  readonly url: string;
  /** False for createRecharge: a request that may have reached the server is never re-sent. */
  readonly idempotent: boolean;
  /** Builds and signs attempt `attempt`: new timestamp, nonce and signature every time. */
  sign(attempt: number): SignedRequest;
  /** Verifies, parses, validates and unwraps; throws a PayClientError carrying provider, operation, status, trace id. */
  interpret(exchange: RawExchange): Interpreted<T>;
}

// Every operation of these APIs takes and returns JSON.
const JSON_HEADERS = { "content-type": "application/json", accept: "application/json" } as const;

/** Runs `plan` with the client's retry policy, timeout and hooks; resolves to the typed value or rejects with a PayClientError. */
export function runCall<T>(plan: CallPlan<T>, options: ResolvedCommonOptions): Promise<T> {
  return withRetry((attempt) => runAttempt(plan, options, attempt), {
    retries: options.retry.retries,
    baseDelayMs: options.retry.baseDelayMs,
    maxDelayMs: options.retry.maxDelayMs,
    shouldRetry: (error) => isRetryable(error, { idempotent: plan.idempotent }),
  });
}

/** Builds the plan (so validation errors reject the returned promise rather than throw), then runs it. */
export async function runPlanned<T>(build: () => CallPlan<T>, options: ResolvedCommonOptions): Promise<T> {
  // An async function turns a throw from `build` into a rejection, with no extra turns of the queue.
  return runCall(build(), options);
}

async function runAttempt<T>(plan: CallPlan<T>, options: ResolvedCommonOptions, attempt: number): Promise<T> {
  const where = { provider: plan.provider, operation: plan.operation };
  const sentAtMs = options.now();
  const signed = signWithContext(plan, attempt);
  const { onRequest, onResponse } = options.hooks;
  // Events are built only for the hooks that exist: most clients have none, and a call is hot.
  const event = (): RequestEvent => requestEvent({ ...where, method: "POST", path: plan.path, attempt });
  if (onRequest !== undefined) emitSafely(onRequest, event());
  let status: number | undefined;
  try {
    const answer = await options.transport(
      { url: plan.url, headers: { ...JSON_HEADERS, ...signed.headers }, body: signed.body },
      {
        ...where,
        timeoutMs: options.timeoutMs,
        maxResponseBytes: options.maxResponseBytes,
        attempt,
        idempotent: plan.idempotent,
      },
    );
    status = answer.status;
    const { value, traceId } = plan.interpret({ ...answer, attempt, sentAtMs });
    if (onResponse !== undefined) {
      emitSafely(
        onResponse,
        responseEvent({ ...event(), status, elapsedMs: options.now() - sentAtMs, traceId }),
      );
    }
    return value;
  } catch (thrown) {
    const error: PayClientError = asPayClientError(thrown, where, status, options.timeoutMs, attempt);
    if (onResponse !== undefined) {
      emitSafely(
        onResponse,
        responseEvent({
          ...event(),
          status: error.status ?? status,
          elapsedMs: options.now() - sentAtMs,
          traceId: error.traceId,
          error: error.type,
        }),
      );
    }
    throw error;
  }
}

/** Signs attempt `attempt`; a ValidationError raised while signing (nonce, merchantId) names the provider and operation. */
function signWithContext(plan: CallPlan<unknown>, attempt: number): SignedRequest {
  try {
    return plan.sign(attempt);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw error.withContext({ provider: plan.provider, operation: plan.operation });
    }
    throw error;
  }
}

/** Transports and readers throw PayClientErrors; anything else thrown once an answer arrived is a reading failure, named, never leaked raw. */
function asPayClientError(
  thrown: unknown,
  where: { provider: Provider; operation: string },
  status: number | undefined,
  timeoutMs: number,
  attempt: number,
): PayClientError {
  if (thrown instanceof PayClientError) return thrown;
  if (status !== undefined) {
    return new UnexpectedResponseError({
      ...where,
      status,
      reason: "wrong_shape",
      detail: "the answer could not be read",
    });
  }
  return classifyFetchError(thrown, { ...where, status, timeoutMs, attempt, responseStarted: false });
}
