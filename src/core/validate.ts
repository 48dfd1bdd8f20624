// Small input checks the clients run before any network call. Each throws a ValidationError that
// names the field (a dotted path) and the rule. Messages describe a value by its length or kind,
// never by its content: a caller may put a secret in the wrong field.

import { type ErrorContext, ValidationError } from "./errors.js";

/** Limits for {@link requireString}; all optional. */
export interface StringRules {
  /** Maximum length in Unicode code points (as JSON Schema counts `maxLength`). */
  maxLength?: number;
  /** Maximum length in UTF-8 bytes (GatePay's "32 bytes"). */
  maxBytes?: number;
  /** A pattern the whole string must match; anchor it yourself. */
  pattern?: RegExp;
  /** Accept "" (rejected by default: an empty id is never meant, and DaxPay would sign it as `key=`). */
  allowEmpty?: boolean;
}

function fail(field: string, rule: string, reason: string): never {
  throw new ValidationError({ field, rule, reason });
}

/** Describes what was received without revealing it. */
/** Names a value's kind for messages ("a number", "an array"), never showing the value itself. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return type === "object" || type === "undefined" ? `an ${type}` : `a ${type}`;
}

// In a /u regex a surrogate pair is one code point, so this class only matches unpaired halves.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Counts Unicode code points (a surrogate pair is one), the way JSON Schema's maxLength does. */
export function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/**
 * Asserts a string within `rules`. Strings with lone surrogates are rejected (rule
 * "wellFormed"): they have no UTF-8 form, so their byte length and signature are ill-defined.
 */
export function requireString(value: unknown, field: string, rules: StringRules = {}): string {
  if (value === undefined || value === null) fail(field, "required", "is required");
  if (typeof value !== "string") fail(field, "string", `must be a string (got ${kindOf(value)})`);
  if (value === "" && rules.allowEmpty !== true) fail(field, "nonEmpty", "must not be empty");
  if (LONE_SURROGATE.test(value))
    fail(field, "wellFormed", "must be well-formed Unicode (contains a lone surrogate)");
  if (rules.maxLength !== undefined) {
    const length = codePointLength(value);
    if (length > rules.maxLength) {
      fail(
        field,
        `maxLength:${rules.maxLength}`,
        `must be at most ${rules.maxLength} characters (got ${length})`,
      );
    }
  }
  if (rules.maxBytes !== undefined) {
    const bytes = Buffer.byteLength(value, "utf8");
    if (bytes > rules.maxBytes) {
      fail(
        field,
        `maxBytes:${rules.maxBytes}`,
        `must be at most ${rules.maxBytes} UTF-8 bytes (got ${bytes})`,
      );
    }
  }
  if (rules.pattern !== undefined && !rules.pattern.test(value)) {
    fail(field, `pattern:${rules.pattern.source}`, `must match /${rules.pattern.source}/`);
  }
  return value;
}

// No sign, no exponent, no surrounding space, no bare "." at either end; a leading zero only as "0" or "0.x".
const DECIMAL = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/** Asserts a non-negative decimal amount string such as "1088.42", "1000" or "0.5"; numbers are refused. */
export function requireDecimalString(value: unknown, field: string): string {
  if (value === undefined || value === null) fail(field, "required", "is required");
  if (typeof value === "number" || typeof value === "bigint") {
    fail(
      field,
      "decimalString",
      'amounts must be strings such as "1088.42", not numbers (a number loses precision and may print as 1e21)',
    );
  }
  if (typeof value !== "string")
    fail(field, "decimalString", `must be a decimal string (got ${kindOf(value)})`);
  if (!DECIMAL.test(value)) {
    fail(
      field,
      "decimalString",
      `must be a plain decimal string such as "1088.42" (no sign, exponent, spaces or leading zeros; got ${value.length} characters)`,
    );
  }
  return value;
}

/** Asserts one of `allowed` and narrows to it; rule "enum:A|B". */
export function requireEnum<const T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (value === undefined || value === null) fail(field, "required", "is required");
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    fail(field, `enum:${allowed.join("|")}`, `must be one of ${allowed.join(", ")}`);
  }
  return value as T;
}

/** Rejects the first key not in `allowed`; the field is `path.key` (or `key` when `path` is ""). */
export function rejectUnknownKeys(
  obj: Readonly<Record<string, unknown>>,
  allowed: readonly string[],
  path: string,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(path === "" ? key : `${path}.${key}`, "unknown", "is not a known field");
  }
}

/** Asserts an object literal (not null, an array, a Date, a Map, …) and narrows to a record. */
export function ensurePlainObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) fail(field, "required", "is required");
  const proto = typeof value === "object" ? Object.getPrototypeOf(value) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    fail(field, "object", `must be a plain object (got ${kindOf(value)})`);
  }
  return value as Record<string, unknown>;
}

/** Runs `check`; a ValidationError it throws is re-thrown naming `ctx.provider` and `ctx.operation`. */
export function withValidationContext<T>(ctx: ErrorContext, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ValidationError) throw error.withContext(ctx);
    throw error;
  }
}

/** What {@link requireHttpUrl} allows beyond an https URL to any host. */
export interface HttpUrlRules {
  /**
   * Plain http:// to a host other than loopback (127.0.0.0/8, ::1, localhost). False for the hosted
   * providers (a signed request and its answer would cross the internet unprotected); true where the
   * merchant runs the server (DaxPay is self-hosted) or the caller said `allowInsecureHttp`.
   */
  readonly insecureHttp?: boolean;
}

/** True for a loopback host name as URL parses it: 127.0.0.0/8, [::1], localhost. */
export function isLoopbackHost(hostname: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === "[::1]" || hostname === "localhost";
}

/**
 * Asserts an absolute http(s) URL without query, fragment or credentials (user:password@ would put a
 * secret into every error that names the URL); returns it without trailing slashes. A bare "?" or
 * "#" counts too: URL drops an empty query, and the signed POST would go to "/?/v1/...".
 * Plain http:// is refused for a non-loopback host unless `rules.insecureHttp`.
 */
export function requireHttpUrl(value: unknown, field: string, rules: HttpUrlRules = {}): string {
  const text = requireString(value, field);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail(field, "url", "must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    fail(field, "url", "must be an absolute http(s) URL");
  }
  if (url.username !== "" || url.password !== "" || text.includes("?") || text.includes("#")) {
    fail(field, "url", "must not carry credentials, a query or a fragment");
  }
  if (url.protocol === "http:" && rules.insecureHttp !== true && !isLoopbackHost(url.hostname)) {
    fail(
      field,
      "https",
      "must use https:// (plain http:// is allowed for loopback hosts, or with allowInsecureHttp: true)",
    );
  }
  return text.replace(/\/+$/, "");
}

/**
 * Asserts a value that will be sent as an HTTP header: visible ASCII and inner spaces only, so a
 * CR/LF can never split a header (a header-injection attempt fails here, at client creation, rather
 * than as a NetworkError on every call).
 */
export function requireHeaderValue(value: unknown, field: string): string {
  const text = requireString(value, field);
  if (!/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(text)) {
    fail(field, "headerValue", "must be visible ASCII characters (it is sent as an HTTP header)");
  }
  return text;
}

/**
 * Rejects "" in any field (rule "nonEmpty"): an empty id is never meant, and a provider that signs
 * every present field (DaxPay) would sign it as `key=`.
 */
export function rejectEmptyStrings(obj: Readonly<Record<string, unknown>>, path: string): void {
  for (const [key, value] of Object.entries(obj)) {
    if (value === "") fail(path === "" ? key : `${path}.${key}`, "nonEmpty", "must not be empty");
  }
}

/**
 * Rejects any string field holding a lone surrogate (rule "wellFormed"). It has no UTF-8 form: its
 * byte length is ill-defined, and a provider that signs decoded values (DaxPay's Java server encodes
 * it as "?", Node as U+FFFD) would compute another signature than ours.
 */
export function rejectLoneSurrogates(obj: Readonly<Record<string, unknown>>, path: string): void {
  for (const [key, value] of Object.entries(obj)) {
    if (typeof value === "string" && LONE_SURROGATE.test(value)) {
      fail(
        path === "" ? key : `${path}.${key}`,
        "wellFormed",
        "must be well-formed Unicode (contains a lone surrogate)",
      );
    }
  }
}

/** A new object with only `keys`, in that order, leaving out undefined values: the body to serialize. */
export function pickDefined(
  obj: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of keys) if (obj[key] !== undefined) picked[key] = obj[key];
  return picked;
}

/**
 * The request checks every client makes before its schema check: a plain object, no unknown keys,
 * no empty strings (DaxPay would sign them as `key=`), no lone surrogates; returns its known, defined fields.
 */
export function readRequestFields(request: unknown, keys: readonly string[]): Record<string, unknown> {
  const input = ensurePlainObject(request, "request");
  rejectUnknownKeys(input, keys, "");
  rejectEmptyStrings(input, "");
  rejectLoneSurrogates(input, "");
  return pickDefined(input, keys);
}

/** Asserts a boolean option (true or false, nothing truthy). */
export function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== "boolean") fail(field, "boolean", `must be true or false (got ${kindOf(value)})`);
  return value;
}

/** Asserts a time window in ms: an integer from 0 to 24 hours. */
export function requireWindowMs(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 86_400_000) {
    fail(field, "range:0..86400000", "must be an integer number of milliseconds from 0 to 86400000");
  }
  return value;
}
