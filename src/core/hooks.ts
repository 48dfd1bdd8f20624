// Observability hooks. Events are built from a fixed list of fields so a body, a header or a
// secret cannot slip in, and a hook that throws (or rejects) can never break a payment call.

import { type PayClientErrorType, type Provider, safeTraceId } from "./errors.js";

/** Sent before each attempt (a retry is a new attempt with a new number). */
export interface RequestEvent {
  provider: Provider;
  operation: string;
  method: string;
  /** The URL path only: no host, no query string. */
  path: string;
  /** 1-based attempt number. */
  attempt: number;
}

/** Sent after each attempt, whether it produced a response or an error. */
export interface ResponseEvent extends RequestEvent {
  /** HTTP status; undefined when no response arrived (network error, timeout). */
  status: number | undefined;
  /** Time from sending to the end of the attempt. */
  elapsedMs: number;
  /** The provider's trace or request id, when the response carried one. */
  traceId?: string | undefined;
  /** When the attempt failed: the error's `type` only, never its message or fields. */
  error?: PayClientErrorType | undefined;
}

/** Callbacks a caller may pass to observe requests; both optional. */
export interface ClientHooks {
  onRequest?: ((event: RequestEvent) => void) | undefined;
  onResponse?: ((event: ResponseEvent) => void) | undefined;
}

/** Calls `hook` with a frozen copy of `event`, swallowing anything it throws or rejects with. */
export function emitSafely<E extends RequestEvent>(hook: ((event: E) => void) | undefined, event: E): void {
  if (hook === undefined) return;
  try {
    const result: unknown = hook(Object.freeze({ ...event }));
    // An async hook is typed as returning void but may still reject; an unhandled rejection
    // would crash the process, so catch it here.
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
      Promise.resolve(result).catch(() => undefined);
    }
  } catch {
    // A broken hook must not turn a successful payment call into a failure.
  }
}

/** Builds a RequestEvent from exactly its fields, dropping anything else a caller object carries. */
export function requestEvent(fields: RequestEvent): RequestEvent {
  const { provider, operation, method, path, attempt } = fields;
  return { provider, operation, method, path: pathOnly(path), attempt };
}

/** Builds a ResponseEvent from exactly its fields, dropping anything else a caller object carries. */
export function responseEvent(fields: ResponseEvent): ResponseEvent {
  const { status, elapsedMs, traceId, error } = fields;
  const event: ResponseEvent = { ...requestEvent(fields), status, elapsedMs };
  // Server text: escaped and bounded like the errors' trace ids, so a hook can log it as it is.
  if (traceId !== undefined) event.traceId = safeTraceId(traceId);
  if (error !== undefined) event.error = error;
  return event;
}

/** Strips a query string or fragment, which the path field must never carry. */
function pathOnly(path: string): string {
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}
