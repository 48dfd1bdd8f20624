// One typed call, end to end, the same for every provider (DESIGN.md, "One call, as data flowing
// through"): for each attempt the provider builds and signs a fresh request, this module sends it
// through openapi-fetch with a per-call middleware that only attaches the precomputed headers and
// reads the answer (capped), then the provider interprets the raw text. Retries, the per-attempt
// timeout and the hooks live here once.

import type { Middleware } from "openapi-fetch";
import type { PayClientError, Provider } from "./errors.js";
import { emitSafely, requestEvent, responseEvent } from "./hooks.js";
import type { ResolvedCommonOptions } from "./options.js";
import { isRetryable, withRetry } from "./retry.js";
import { attemptDeadline, classifyFetchError, readBodyCapped } from "./transport.js";

/** One attempt's request: the body serialized once, and the headers signed over exactly those bytes. */
export interface SignedRequest {
  /** The exact text sent; openapi-fetch's bodySerializer returns it unchanged. */
  readonly body: string;
  /** Signature (and companion) headers computed from `body`; attached by the call middleware. */
  readonly headers: Readonly<Record<string, string>>;
}

/** What one attempt received: status, headers and the body text exactly as received (capped). */
export interface RawExchange {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The 1-based attempt that produced it (a retry may see "already cancelled"). */
  readonly attempt: number;
}

/** A provider's reading of one exchange: the typed value, and the trace id it found. */
export interface Interpreted<T> {
  readonly value: T;
  readonly traceId: string | undefined;
}

/** What openapi-fetch is given for one attempt; spread it into the typed `POST(path, { body, ...init })`. */
export interface SendInit {
  readonly bodySerializer: () => string;
  readonly middleware: Middleware[];
  /**
   * Sends the signed string itself rather than the Request openapi-fetch built around it: re-streaming
   * that Request's body costs more on loopback than the signature does (see `npm run bench`).
   */
  readonly fetch: (request: Request) => Promise<Response>;
  // The body is read once, capped, by the middleware; openapi-fetch must not read it again.
  readonly parseAs: "stream";
  /** What openapi-fetch builds the request as: see {@link PlannedRequest}. */
  readonly Request: typeof Request;
  // A payment API has no business redirecting a signed POST; a 3xx is reported, never followed.
  readonly redirect: "manual";
}

/** Everything provider-specific about one operation. */
export interface CallPlan<T> {
  readonly provider: Provider;
  readonly operation: string;
  /** The spec path, for hook events. */
  readonly path: string;
  /** False for createRecharge: a request that may have reached the server is never re-sent. */
  readonly idempotent: boolean;
  /** Builds and signs attempt `attempt`: new timestamp, nonce and signature every time. */
  sign(attempt: number): SignedRequest;
  /** Sends through the provider's typed openapi-fetch client; the result is ignored (see `interpret`). */
  send(init: SendInit): Promise<unknown>;
  /** Verifies, parses, validates and unwraps; throws a PayClientError carrying provider, operation, status, trace id. */
  interpret(exchange: RawExchange): Interpreted<T>;
}

/**
 * The request openapi-fetch hands to the middleware and to `fetch`, without a WHATWG Request's body
 * stream and abort signal: `fetch` above sends the signed string itself, so building a full Request
 * (which Node's fetch then copies into another) would cost a second one per call for nothing.
 */
class PlannedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;

  constructor(url: string, init: RequestInit = {}) {
    this.url = url;
    this.method = init.method ?? "GET";
    this.headers = new Headers(init.headers);
  }
}

// Statuses whose Response must be built with a null body.
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** Runs `plan` with the client's retry policy, timeout and hooks; resolves to the typed value or rejects with a PayClientError. */
export function runCall<T>(plan: CallPlan<T>, options: ResolvedCommonOptions): Promise<T> {
  return withRetry((attempt) => runAttempt(plan, options, attempt), {
    retries: options.retry.retries,
    baseDelayMs: options.retry.baseDelayMs,
    maxDelayMs: options.retry.maxDelayMs,
    shouldRetry: (error) => isRetryable(error, { idempotent: plan.idempotent }),
  });
}

async function runAttempt<T>(plan: CallPlan<T>, options: ResolvedCommonOptions, attempt: number): Promise<T> {
  const where = { provider: plan.provider, operation: plan.operation };
  const signed = plan.sign(attempt);
  const event = requestEvent({ ...where, method: "POST", path: plan.path, attempt });
  emitSafely(options.hooks.onRequest, event);
  const started = options.now();
  let received: { status: number; headers: Headers } | undefined;
  let exchange: RawExchange | undefined;
  const middleware: Middleware = {
    onRequest({ request }) {
      for (const [name, value] of Object.entries(signed.headers)) request.headers.set(name, value);
      return undefined;
    },
    async onResponse({ response }) {
      received = { status: response.status, headers: response.headers };
      const text = await readBodyCapped(response, options.maxResponseBytes, {
        ...where,
        status: response.status,
      });
      exchange = { status: response.status, headers: response.headers, text, attempt };
      // openapi-fetch leaves a 2xx body alone (parseAs "stream") but reads an error body, so only an
      // error answer needs an identical, already-read copy.
      if (response.ok) return undefined;
      return new Response(NULL_BODY_STATUSES.has(response.status) ? null : text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    },
  };
  const deadline = attemptDeadline(options.timeoutMs);
  try {
    await plan.send({
      bodySerializer: () => signed.body,
      middleware: [middleware],
      // The deadline goes to the real send only: linking it to openapi-fetch's Request as well would
      // cost a second signal per call and change nothing.
      fetch: (request) =>
        options.fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: signed.body,
          signal: deadline.signal,
          redirect: "manual",
        }),
      parseAs: "stream",
      Request: PlannedRequest as unknown as typeof Request,
      redirect: "manual",
    });
    if (exchange === undefined) throw new Error("openapi-fetch returned without a response");
    const { value, traceId } = plan.interpret(exchange);
    emitSafely(
      options.hooks.onResponse,
      responseEvent({ ...event, status: exchange.status, elapsedMs: options.now() - started, traceId }),
    );
    return value;
  } catch (thrown) {
    const error: PayClientError = classifyFetchError(thrown, {
      ...where,
      status: received?.status,
      timeoutMs: options.timeoutMs,
      attempt,
      responseStarted: received !== undefined,
    });
    emitSafely(
      options.hooks.onResponse,
      responseEvent({
        ...event,
        status: error.status ?? received?.status,
        elapsedMs: options.now() - started,
        traceId: error.traceId,
        error: error.type,
      }),
    );
    throw error;
  } finally {
    deadline.clear();
  }
}
