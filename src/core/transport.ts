// Turning what fetch does on a bad day into PayClientErrors. Node's fetch (undici) rejects with
// TypeError("fetch failed") and hides the real reason in `cause.code`; a timeout from an
// AbortSignal surfaces as a DOMException named "TimeoutError". Whether the failure happened before
// or after the response started decides what may be retried, so callers say which phase they were in.

import {
  type ErrorContext,
  NetworkError,
  PayClientError,
  TimeoutError,
  UnexpectedResponseError,
} from "./errors.js";
import { NOT_SENT_CODES } from "./retry.js";

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
 * Reads a response body as UTF-8 text, refusing more than `maxBytes`: checks Content-Length first,
 * then counts streamed bytes, and cancels the stream as soon as the cap is passed so a hostile or
 * broken server cannot make us buffer megabytes. The BOM is kept: the text is exactly what was
 * received, which matters when a signature covers it. Stream failures are rethrown as-is for
 * {@link classifyFetchError} (with `responseStarted: true`).
 */
export async function readBodyCapped(
  response: Response,
  maxBytes: number = DEFAULT_MAX_RESPONSE_BYTES,
  ctx: ErrorContext = {},
): Promise<string> {
  const where: ErrorContext = { ...ctx, status: ctx.status ?? response.status };
  const tooLarge = (detail: string, body?: string) =>
    new UnexpectedResponseError({ ...where, reason: "too_large", detail, body });
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(`Content-Length ${declared} exceeds the limit of ${maxBytes} bytes`);
  }
  if (response.body === null) return "";
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  if (Number.isFinite(declared)) {
    // Within a declared length, which fetch holds the body to, one read is bounded and the cheapest.
    return decoder.decode(await response.arrayBuffer());
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
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

/** One attempt's deadline: `signal` aborts with a TimeoutError after `timeoutMs`; `clear()` ends it. */
export interface AttemptDeadline {
  readonly signal: AbortSignal;
  clear(): void;
}

/**
 * Starts one attempt's deadline. Pass the signal to fetch so it covers the headers and the body read
 * alike, and clear it once the attempt is over. A plain controller and timer, because
 * `AbortSignal.timeout()` makes a transferable signal that costs more per call than the signing.
 */
export function attemptDeadline(timeoutMs: number): AttemptDeadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    timeoutMs,
  );
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
