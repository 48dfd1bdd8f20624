// One error vocabulary for every provider (modelled on stripe-node's src/Error.ts): a single base
// class with a stable `type` string, carrying the provider, operation, HTTP status and the provider's
// trace id. Nothing here ever receives a secret, and messages describe values by length, not content.

/** The providers this library talks to. */
export type Provider = "gatepay" | "daxpay" | "payermax";

/** Every `type` an error of this library can carry; stable, safe to switch on. */
export type PayClientErrorType =
  | "validation"
  | "provider_rejected"
  | "clock_skew"
  | "signature"
  | "timeout"
  | "network"
  | "unexpected_response"
  | "unavailable";

/** Where an error happened; every field is optional because validation can run before a call is known. */
export interface ErrorContext {
  provider?: Provider | undefined;
  operation?: string | undefined;
  status?: number | undefined;
  traceId?: string | undefined;
}

/** Options shared by every error constructor. */
export interface PayClientErrorOptions extends ErrorContext {
  cause?: unknown;
}

/** The safe, serialisable view of an error returned by `toJSON()`. */
export interface PayClientErrorJSON {
  name: string;
  type: PayClientErrorType;
  message: string;
  provider?: Provider;
  operation?: string;
  status?: number;
  traceId?: string;
  [field: string]: unknown;
}

/** Longest body excerpt an error carries; enough to recognise an HTML error page, too short to dump a body. */
export const BODY_SNIPPET_MAX_CHARS = 200;
/** Longest trace id kept (escaped like a snippet): real ones are 16 to 64 characters. */
export const TRACE_ID_MAX_CHARS = 128;
/** Longest provider message kept (escaped like a snippet); the exact text stays in `raw`. */
export const PROVIDER_MESSAGE_MAX_CHARS = 500;

/**
 * A provider's trace id as it may be logged: control characters escaped, at most 128 characters.
 * Server text reaches logs through errors and hook events; a CR/LF in it could forge a log line.
 */
export function safeTraceId(traceId: string | undefined): string | undefined {
  return traceId === undefined ? undefined : snippet(traceId, TRACE_ID_MAX_CHARS);
}

/** Prefixes a message with "[provider operation] " when known, so one log line says where it failed. */
function withPrefix(ctx: ErrorContext, detail: string): string {
  const where = [ctx.provider, ctx.operation].filter((part) => part !== undefined).join(" ");
  return where === "" ? detail : `[${where}] ${detail}`;
}

/** Drops undefined entries so `toJSON()` output only lists what is known. */
function definedOnly(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** Base of every error this library throws; switch on `type` or use `instanceof`. */
export abstract class PayClientError extends Error {
  abstract readonly type: PayClientErrorType;
  readonly provider: Provider | undefined;
  readonly operation: string | undefined;
  readonly status: number | undefined;
  readonly traceId: string | undefined;

  protected constructor(detail: string, options: PayClientErrorOptions) {
    // Only pass `cause` when given, so errors without one have no own `cause` property at all.
    super(withPrefix(options, detail), options.cause === undefined ? undefined : { cause: options.cause });
    this.provider = options.provider;
    this.operation = options.operation;
    this.status = options.status;
    this.traceId = safeTraceId(options.traceId);
  }

  /** Returns only fields that are safe to log: never `cause`, never a raw body. */
  toJSON(): PayClientErrorJSON {
    return definedOnly({
      name: this.name,
      type: this.type,
      message: this.message,
      provider: this.provider,
      operation: this.operation,
      status: this.status,
      traceId: this.traceId,
    }) as PayClientErrorJSON;
  }
}

// `name` lives on each prototype (not an instance field) so V8 already uses it when it formats
// `stack` inside the Error constructor, and so it is not an enumerable own property.
function nameClass(ctor: { prototype: Error }, name: string): void {
  Object.defineProperty(ctor.prototype, "name", { value: name, writable: true, configurable: true });
}
nameClass(PayClientError, "PayClientError");

/** Options for {@link ValidationError}. */
export interface ValidationErrorOptions extends PayClientErrorOptions {
  /** Dotted path of the offending input, e.g. "data.requestId". */
  field: string;
  /** Machine-readable rule, e.g. "maxBytes:32", "required", "enum:USDT|USDC". */
  rule: string;
  /** Human-readable reason; describe the value by length or kind, never by content. */
  reason: string;
}

/** Input rejected before any network call; names the field and the rule it broke. */
export class ValidationError extends PayClientError {
  override readonly type = "validation" as const;
  readonly field: string;
  readonly rule: string;
  /** The reason without the field prefix, kept so the error can be re-issued with more context. */
  readonly reason: string;

  constructor(options: ValidationErrorOptions) {
    // The field may be a caller's object key (rejectUnknownKeys), so escape it like any untrusted text.
    super(`${snippet(options.field)}: ${options.reason}`, options);
    this.field = options.field;
    this.rule = options.rule;
    this.reason = options.reason;
  }

  /** Returns a copy that also names the provider and operation (validators run before those are attached). */
  withContext(ctx: ErrorContext): ValidationError {
    return new ValidationError({
      field: this.field,
      rule: this.rule,
      reason: this.reason,
      provider: ctx.provider ?? this.provider,
      operation: ctx.operation ?? this.operation,
      status: this.status,
      traceId: this.traceId,
      cause: this.cause,
    });
  }

  override toJSON(): PayClientErrorJSON {
    return { ...super.toJSON(), field: this.field, rule: this.rule };
  }
}
nameClass(ValidationError, "ValidationError");

/** Options for {@link ProviderRejectedError}. */
export interface ProviderRejectedErrorOptions extends PayClientErrorOptions {
  providerCode: string;
  /** The provider's reason as sent; kept escaped and bounded (the exact text stays in `raw`). */
  providerMessage: string;
  /** An English gloss of the code or message (DaxPay's are Chinese), appended to the error message. */
  gloss?: string | undefined;
  /** True when the refusal carried the provider's signature and it verified; default false. */
  verified?: boolean | undefined;
  /** The parsed provider body, for callers who need fields we do not model. */
  raw: unknown;
}

/** The provider answered and said no (for all three, usually HTTP 200 with a failure code inside). */
export class ProviderRejectedError extends PayClientError {
  override readonly type: "provider_rejected" | "clock_skew" = "provider_rejected";
  readonly providerCode: string;
  readonly providerMessage: string;
  readonly raw: unknown;
  /**
   * True when this refusal carried the provider's signature and it verified (DaxPay's signed
   * `data.code` 1, a signed PayerMax error, a signed GatePay answer). An unverified refusal could
   * have been forged on the path: cancelOrder never turns one into a final outcome.
   */
  readonly verified: boolean;

  constructor(options: ProviderRejectedErrorOptions, detail?: string) {
    super(detail ?? `rejected by provider: ${options.providerCode}${messageSuffix(options)}`, options);
    this.providerCode = snippet(options.providerCode, PROVIDER_MESSAGE_MAX_CHARS);
    this.providerMessage = snippet(options.providerMessage, PROVIDER_MESSAGE_MAX_CHARS);
    this.raw = options.raw;
    this.verified = options.verified ?? false;
  }

  /** `raw` is left out on purpose: it is provider data, useful in code, noisy and unbounded in logs. */
  override toJSON(): PayClientErrorJSON {
    return {
      ...super.toJSON(),
      providerCode: this.providerCode,
      providerMessage: this.providerMessage,
      verified: this.verified,
    };
  }
}
nameClass(ProviderRejectedError, "ProviderRejectedError");

function messageSuffix(options: { providerMessage: string; gloss?: string | undefined }): string {
  const text = options.providerMessage === "" ? "" : ` ${snippet(options.providerMessage)}`;
  return options.gloss === undefined || options.gloss === "" ? text : `${text} (${options.gloss})`;
}

/** Options for {@link ClockSkewError}. */
export interface ClockSkewErrorOptions extends ProviderRejectedErrorOptions {
  /** Server clock minus local clock, in ms; see {@link estimateClockOffsetMs}. */
  estimatedOffsetMs?: number | undefined;
}

/** The provider rejected the request's timestamp (GatePay 400003, DaxPay 10006, PayerMax REQ_TIME_OVER_TIME). */
export class ClockSkewError extends ProviderRejectedError {
  override readonly type = "clock_skew" as const;
  /** Server clock minus local clock in ms (positive: the server is ahead); undefined without a Date header. */
  readonly estimatedOffsetMs: number | undefined;

  constructor(options: ClockSkewErrorOptions) {
    super(options, clockSkewDetail(options));
    this.estimatedOffsetMs = options.estimatedOffsetMs;
  }

  override toJSON(): PayClientErrorJSON {
    return definedOnly({
      ...super.toJSON(),
      estimatedOffsetMs: this.estimatedOffsetMs,
    }) as PayClientErrorJSON;
  }
}
nameClass(ClockSkewError, "ClockSkewError");

function clockSkewDetail(options: ClockSkewErrorOptions): string {
  const base = `request time rejected by provider: ${options.providerCode}${messageSuffix(options)}`;
  const offset = options.estimatedOffsetMs;
  if (offset === undefined) return `${base}; check this machine's clock`;
  const seconds = Math.round(Math.abs(offset) / 1000);
  const direction = offset >= 0 ? "ahead of" : "behind";
  return `${base}; the server clock is about ${seconds} s ${direction} this machine's clock (estimated offset ${offset} ms)`;
}

/**
 * Server clock minus `localNowMs`, from an HTTP `Date` header; undefined when absent or unparseable.
 * `Date` has one-second resolution, so the estimate is good to about ±1 s.
 */
export function estimateClockOffsetMs(
  dateHeader: string | null | undefined,
  localNowMs: number,
): number | undefined {
  if (dateHeader === null || dateHeader === undefined || dateHeader.trim() === "") return undefined;
  const serverMs = Date.parse(dateHeader);
  return Number.isFinite(serverMs) ? serverMs - localNowMs : undefined;
}

/**
 * Why a signature was refused. "missing": none where one is required; "invalid": present but does
 * not verify; "stale": it verifies, but its signed time is malformed or outside the window around
 * the request (or the notification's arrival); "replayed": a nonce or signature already seen inside
 * that window.
 */
export type SignatureFailureReason = "missing" | "invalid" | "stale" | "replayed";

/** Options for {@link SignatureError}. */
export interface SignatureErrorOptions extends PayClientErrorOptions {
  reason: SignatureFailureReason;
  /** What exactly was wrong (never a signature or a secret), e.g. "signed 31 s before the request". */
  detail?: string | undefined;
  /** What was signed: an answer (default) or a notification. */
  subject?: "response" | "notification";
}

const SIGNATURE_TEXT: Record<SignatureFailureReason, string> = {
  missing: "signature is missing",
  invalid: "signature is invalid",
  stale: "signed time is outside the accepted window",
  replayed: "signature was already used (replayed)",
};

/** A signature was missing, did not verify, was stale or replayed; the message is not trusted (fail closed). */
export class SignatureError extends PayClientError {
  override readonly type = "signature" as const;
  readonly reason: SignatureFailureReason;

  constructor(options: SignatureErrorOptions) {
    const detail = options.detail === undefined ? "" : `: ${options.detail}`;
    super(`${options.subject ?? "response"} ${SIGNATURE_TEXT[options.reason]}${detail}`, options);
    this.reason = options.reason;
  }

  override toJSON(): PayClientErrorJSON {
    return { ...super.toJSON(), reason: this.reason };
  }
}
nameClass(SignatureError, "SignatureError");

/** Options for {@link TimeoutError}. */
export interface TimeoutErrorOptions extends PayClientErrorOptions {
  /** The per-attempt timeout that elapsed. */
  timeoutMs: number;
  /** How many attempts were made in total, this one included. */
  attempts: number;
}

/** No complete response within the per-attempt timeout. */
export class TimeoutError extends PayClientError {
  override readonly type = "timeout" as const;
  readonly timeoutMs: number;
  readonly attempts: number;

  constructor(options: TimeoutErrorOptions) {
    super(
      `no complete response within ${options.timeoutMs} ms (${plural(options.attempts, "attempt")})`,
      options,
    );
    this.timeoutMs = options.timeoutMs;
    this.attempts = options.attempts;
  }

  override toJSON(): PayClientErrorJSON {
    return { ...super.toJSON(), timeoutMs: this.timeoutMs, attempts: this.attempts };
  }
}
nameClass(TimeoutError, "TimeoutError");

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Options for {@link NetworkError}. */
export interface NetworkErrorOptions extends PayClientErrorOptions {
  /** The system or undici code, e.g. "ECONNREFUSED", "UND_ERR_SOCKET"; undefined when none was found. */
  code?: string | undefined;
  /** True when no response (status line and headers) had been received when the failure happened. */
  beforeResponse: boolean;
  /** False only when the request certainly never left this machine (refused, DNS failure). */
  requestSent: boolean;
}

/** The connection failed (refused, reset, DNS); the message names the code, never the cause's text. */
export class NetworkError extends PayClientError {
  override readonly type = "network" as const;
  readonly code: string | undefined;
  readonly beforeResponse: boolean;
  readonly requestSent: boolean;

  constructor(options: NetworkErrorOptions) {
    super(networkDetail(options), options);
    this.code = options.code;
    this.beforeResponse = options.beforeResponse;
    this.requestSent = options.requestSent;
  }

  override toJSON(): PayClientErrorJSON {
    return definedOnly({
      ...super.toJSON(),
      code: this.code,
      beforeResponse: this.beforeResponse,
      requestSent: this.requestSent,
    }) as PayClientErrorJSON;
  }
}
nameClass(NetworkError, "NetworkError");

function networkDetail(options: NetworkErrorOptions): string {
  const code = options.code === undefined ? "" : ` (${options.code})`;
  if (!options.requestSent) return `network error before the request was sent${code}`;
  if (options.beforeResponse) return `network error before any response${code}`;
  return `network error while reading the response${code}`;
}

/** Why a response could not be used. */
export type UnexpectedResponseReason = "empty" | "not_json" | "html" | "wrong_shape" | "too_large";

/** Options for {@link UnexpectedResponseError}. */
export interface UnexpectedResponseErrorOptions extends PayClientErrorOptions {
  reason: UnexpectedResponseReason;
  /** What exactly was wrong, e.g. the schema path that failed; must not contain secrets. */
  detail?: string | undefined;
  /** The received body (or its start); only a short escaped excerpt is kept. */
  body?: string | undefined;
}

const UNEXPECTED_TEXT: Record<UnexpectedResponseReason, string> = {
  empty: "response body is empty",
  not_json: "response body is not JSON",
  html: "response body is HTML, not JSON",
  wrong_shape: "response does not match the expected schema",
  too_large: "response body is larger than the configured limit",
};

/** A response we cannot use: empty, not JSON, HTML, the wrong shape, or too large. */
export class UnexpectedResponseError extends PayClientError {
  override readonly type = "unexpected_response" as const;
  readonly reason: UnexpectedResponseReason;
  /** At most 200 characters of the body, control characters escaped; empty when no body was seen. */
  readonly bodySnippet: string;

  constructor(options: UnexpectedResponseErrorOptions) {
    const detail = options.detail === undefined ? "" : `: ${options.detail}`;
    super(`${UNEXPECTED_TEXT[options.reason]}${detail}`, options);
    this.reason = options.reason;
    this.bodySnippet = snippet(options.body ?? "");
  }

  override toJSON(): PayClientErrorJSON {
    return { ...super.toJSON(), reason: this.reason, bodySnippet: this.bodySnippet };
  }
}
nameClass(UnexpectedResponseError, "UnexpectedResponseError");

/** Options for {@link ProviderUnavailableError}. */
export interface ProviderUnavailableErrorOptions extends PayClientErrorOptions {
  status: number;
  /** From a `Retry-After` header, in ms from now; see {@link parseRetryAfterMs}. */
  retryAfterMs?: number | undefined;
  body?: string | undefined;
}

/** HTTP 429/500/502/503/504 without a provider envelope (typically an HTML page from a proxy). */
export class ProviderUnavailableError extends PayClientError {
  override readonly type = "unavailable" as const;
  override readonly status: number;
  readonly retryAfterMs: number | undefined;
  readonly bodySnippet: string;

  constructor(options: ProviderUnavailableErrorOptions) {
    super(
      options.status === 429
        ? "provider is rate limiting (HTTP 429)"
        : `provider unavailable (HTTP ${options.status})`,
      options,
    );
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.bodySnippet = snippet(options.body ?? "");
  }

  override toJSON(): PayClientErrorJSON {
    return definedOnly({
      ...super.toJSON(),
      retryAfterMs: this.retryAfterMs,
      bodySnippet: this.bodySnippet,
    }) as PayClientErrorJSON;
  }
}
nameClass(ProviderUnavailableError, "ProviderUnavailableError");

/** Parses `Retry-After` (delta seconds or an HTTP date) into ms from `nowMs`; undefined when absent or invalid. */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  // Only accept real HTTP dates: Date.parse also reads bare numbers like "-5" as years.
  if (!/[a-z]/i.test(value) || !Number.isFinite(at)) return undefined;
  return Math.max(0, at - nowMs);
}

// Characters that could forge log lines or reorder displayed text: C0, DEL, C1, line/paragraph
// separators, the bidirectional overrides/isolates, and lone surrogates (so a snippet is always
// well-formed UTF-16).
function isUnsafe(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}
const NAMED_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Escapes control characters and truncates to at most 200 characters (ending in "…" when cut). */
export function snippet(text: string, maxChars: number = BODY_SNIPPET_MAX_CHARS): string {
  let out = "";
  // Length of `out` before each piece, so a too-long result can be cut back on a piece boundary.
  const boundaries: number[] = [];
  for (const char of text) {
    boundaries.push(out.length);
    out += escapeChar(char);
    if (out.length > maxChars) break;
  }
  if (out.length <= maxChars) return out;
  let cut = 0;
  for (const boundary of boundaries) if (boundary <= maxChars - 1) cut = boundary;
  return `${out.slice(0, cut)}…`;
}

function escapeChar(char: string): string {
  // Iterating a string by code point yields a lone surrogate as its own one-unit "character".
  const code = char.codePointAt(0) ?? 0;
  if (!isUnsafe(code)) return char;
  return NAMED_ESCAPES[char] ?? `\\u${code.toString(16).padStart(4, "0")}`;
}
