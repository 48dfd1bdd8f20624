// The transport seam: one signed request out, one answer (status, headers, body text) back, with
// the guarantees every transport keeps: a per-attempt timeout, a cap on the DECODED body size,
// redirects never followed, and failures as PayClientErrors. On Node the default is
// ./node-transport.ts (node:http keep-alive: a fetch costs more than the rest of a call); elsewhere,
// or when a `fetch` option is given, `fetchTransport`. Whether a failure happened before or after the
// answer started decides what may be retried, so each failure says which phase it was in.

import {
  type ErrorContext,
  NetworkError,
  PayClientError,
  TimeoutError,
  UnexpectedResponseError,
} from "./errors.js";
import { NOT_SENT_CODES } from "./retry.js";

/** One request to send: the body is the exact signed text, sent as it is. */
export interface OutgoingRequest {
  /** Absolute URL: the client's base URL and the operation's path. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Read access to an answer's headers, case-insensitive (a WHATWG `Headers` fits). */
export interface AnswerHeaders {
  get(name: string): string | null;
}

/** What one attempt received: status, headers, and the body decoded to text exactly as sent (BOM kept). */
export interface ReceivedAnswer {
  readonly status: number;
  readonly headers: AnswerHeaders;
  readonly text: string;
}

/** What a transport is told about the attempt: where it is (for errors) and its limits. */
export interface SendContext extends ErrorContext {
  /** Per-attempt deadline covering the headers and the whole body. */
  readonly timeoutMs: number;
  /** Largest decoded body accepted, in bytes. */
  readonly maxResponseBytes: number;
  /** 1-based attempt number, reported on a TimeoutError. */
  readonly attempt: number;
  /**
   * False for a request that must never be sent twice (createRecharge). A transport then never sends
   * it on a kept-alive connection the server may be closing at that very moment (a reset there would
   * leave "was it received?" open); idempotent requests may, and are retried on such a reset.
   */
  readonly idempotent?: boolean;
}

/**
 * Sends one request. Resolves with whatever status arrived (a 3xx is returned, never followed);
 * rejects only with a PayClientError: TimeoutError, NetworkError (with `requestSent` and
 * `beforeResponse` telling what may be retried), or UnexpectedResponseError `too_large`.
 */
export type Transport = (request: OutgoingRequest, ctx: SendContext) => Promise<ReceivedAnswer>;

/** Default cap on a response body: far above any real answer of these APIs, far below harmful. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** What {@link classifyFetchError} needs to know about the failed attempt. */
export interface FetchErrorContext extends ErrorContext {
  /** The per-attempt timeout, reported on a TimeoutError. */
  timeoutMs: number;
  /** 1-based attempt number, reported as TimeoutError.attempts. */
  attempt: number;
  /** True once fetch() resolved with a Response, i.e. the failure happened while reading the body. */
  responseStarted?: boolean;
}

// undici's own timeouts (defaults of minutes) are still timeouts from the caller's point of view.
const TIMEOUT_CODES: ReadonlySet<string> = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** Maps anything fetch or a body read threw to a PayClientError; PayClientErrors pass through unchanged. */
export function classifyFetchError(error: unknown, ctx: FetchErrorContext): PayClientError {
  if (error instanceof PayClientError) return error;
  const where: ErrorContext = {
    provider: ctx.provider,
    operation: ctx.operation,
    status: ctx.status,
    traceId: ctx.traceId,
  };
  const code = findCode(error);
  if (isAbortLike(error) || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new TimeoutError({ ...where, timeoutMs: ctx.timeoutMs, attempts: ctx.attempt, cause: error });
  }
  const requestSent = code === undefined || !NOT_SENT_CODES.has(code);
  return new NetworkError({
    ...where,
    code,
    requestSent,
    beforeResponse: !requestSent || ctx.responseStarted !== true,
    cause: error,
  });
}

/** True for the DOMExceptions an aborted signal produces (our own attempt signal is the only other abort source). */
function isAbortLike(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "TimeoutError" || name === "AbortError";
}

/** The first string `code` along the `cause` chain (and inside AggregateError.errors), at most 5 levels deep. */
function findCode(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== "object" || error === null) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string") return code;
  const fromCause = findCode(cause, depth + 1);
  if (fromCause !== undefined) return fromCause;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = findCode(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Reads a fetch Response body as UTF-8 text, refusing more than `maxBytes` DECODED bytes: fetch
 * inflates gzip/deflate/br itself, so a 371-byte body can decode to 200 MiB. Content-Length is
 * trusted as a bound only when no Content-Encoding is declared; otherwise the decoded bytes are
 * counted as they stream and the stream is cancelled as soon as the cap is passed. The BOM is kept:
 * the text is exactly what was received, which matters when a signature covers it. Stream failures
 * are rethrown as-is for {@link classifyFetchError} (with `responseStarted: true`). With a `deadline`,
 * every read is raced against it and rejects with its TimeoutError reason when it passes, even if the
 * stream never hears of the abort.
 */
export async function readBodyCapped(
  response: Response,
  maxBytes: number = DEFAULT_MAX_RESPONSE_BYTES,
  ctx: ErrorContext = {},
  deadline?: Pick<AttemptDeadline, "expired">,
): Promise<string> {
  const within = <T>(work: Promise<T>): Promise<T> =>
    deadline === undefined ? work : Promise.race([work, deadline.expired]);
  const where: ErrorContext = { ...ctx, status: ctx.status ?? response.status };
  const tooLarge = (detail: string, body?: string) =>
    new UnexpectedResponseError({ ...where, reason: "too_large", detail, body });
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const identity = isIdentityEncoding(response.headers.get("content-encoding"));
  if (identity && Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(`Content-Length ${declared} exceeds the limit of ${maxBytes} bytes`);
  }
  if (response.body === null) return "";
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  if (identity && Number.isFinite(declared)) {
    // Within a declared length, which fetch holds the body to, one read is bounded and the cheapest.
    return decoder.decode(await within(response.arrayBuffer()));
  }
  const reader = response.body.getReader();
  // Past the deadline the stream is cancelled, so that a peer that stalls mid-body is let go.
  deadline?.expired.catch((reason: unknown) => reader.cancel(reason).catch(() => undefined));
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await within(reader.read());
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Do not await: a stalled peer must not keep us waiting once we have decided to stop.
      reader.cancel().catch(() => undefined);
      const head = chunks[0] ?? value;
      throw tooLarge(
        `more than ${maxBytes} bytes received`,
        new TextDecoder().decode(head.subarray(0, 1024)),
      );
    }
    chunks.push(value);
  }
  let text = "";
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** True when `Content-Encoding` is absent or "identity": the bytes on the wire are the body. */
export function isIdentityEncoding(header: string | null | undefined): boolean {
  return header === null || header === undefined || header.trim() === "" || /^\s*identity\s*$/i.test(header);
}

/**
 * The transport over a WHATWG `fetch` (the `fetch` option, and runtimes without node:http): POST the
 * exact body, `redirect: "manual"`, one deadline for the headers and the body, the body read capped.
 *
 * The deadline is enforced here, not only by handing fetch the signal: a fetch that drops the signal
 * would otherwise hang the call. Node 20's fetch does exactly that when a wrapper rebuilds the request
 * (`fetch(new Request(input, init))`, a common proxy/logging pattern): the rebuilt Request follows the
 * signal through a weak reference, and once garbage-collected the abort never arrives
 * (test/reliability/server-faults.test.ts hung on it under GC pressure).
 */
export function fetchTransport(fetchFn: typeof fetch): Transport {
  return async (request, ctx) => {
    const where = { provider: ctx.provider, operation: ctx.operation };
    const deadline = attemptDeadline(ctx.timeoutMs);
    let status: number | undefined;
    try {
      const sent = fetchFn(request.url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        signal: deadline.signal,
        // A payment API has no business redirecting a signed POST; a 3xx is reported, never followed.
        redirect: "manual",
      });
      // A response that arrives after the deadline won is never read: release its connection.
      deadline.signal.addEventListener("abort", () => void discardLate(sent), { once: true });
      const response = await Promise.race([sent, deadline.expired]);
      status = response.status;
      const text = await readBodyCapped(response, ctx.maxResponseBytes, { ...where, status }, deadline);
      return { status, headers: response.headers, text };
    } catch (thrown) {
      throw classifyFetchError(thrown, {
        ...where,
        status,
        timeoutMs: ctx.timeoutMs,
        attempt: ctx.attempt,
        responseStarted: status !== undefined,
      });
    } finally {
      deadline.clear();
    }
  };
}

/** Cancels the body of a response nobody will read (fetch may settle after the deadline, or never). */
async function discardLate(sent: Promise<Response>): Promise<void> {
  try {
    const response = await sent;
    if (!response.bodyUsed) await response.body?.cancel();
  } catch {
    // The attempt already failed with its TimeoutError; what fetch says afterwards changes nothing.
  }
}

/**
 * One attempt's deadline: `signal` aborts with a TimeoutError after `timeoutMs`, and `expired` rejects
 * with the same reason at the same moment (to race against work that may ignore the signal); `clear()`
 * ends it.
 */
export interface AttemptDeadline {
  readonly signal: AbortSignal;
  /** Never resolves; rejects with the signal's reason when the deadline passes. */
  readonly expired: Promise<never>;
  clear(): void;
}

/**
 * Starts one attempt's deadline. Pass the signal to fetch and race `expired` against every await, so
 * it covers the headers and the body read alike, and clear it once the attempt is over. A plain
 * controller and timer, because `AbortSignal.timeout()` makes a transferable signal that costs more
 * per call than the signing, and `AbortSignal.any()` on Node 20 stops propagating once the composed
 * signal is garbage-collected. `stop`, when given, ends the attempt early with its own reason (a
 * server shutting down); the link is removed by `clear()`.
 */
export function attemptDeadline(timeoutMs: number, stop?: AbortSignal): AttemptDeadline {
  const controller = new AbortController();
  let expire: (reason: unknown) => void = () => undefined;
  const expired = new Promise<never>((_, reject) => {
    expire = reject;
  });
  // Nobody may be racing it when it fires (the attempt already settled): not an unhandled rejection.
  expired.catch(() => undefined);
  const end = (reason: unknown) => {
    controller.abort(reason);
    expire(reason);
  };
  const timer = setTimeout(
    () => end(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    timeoutMs,
  );
  if (stop === undefined) return { signal: controller.signal, expired, clear: () => clearTimeout(timer) };
  const onStop = () => end(stop.reason);
  if (stop.aborted) onStop();
  else stop.addEventListener("abort", onStop, { once: true });
  return {
    signal: controller.signal,
    expired,
    clear: () => {
      clearTimeout(timer);
      stop.removeEventListener("abort", onStop);
    },
  };
}
