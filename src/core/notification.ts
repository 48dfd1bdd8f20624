// What every provider's notification verifier shares: reading headers from any server's header
// object, the time window, the replay check and turning a body into a typed value. The provider
// rules (header names, windows, acknowledgements) live in src/<provider>/notification.ts.

import type { IncomingHttpHeaders } from "node:http";
import { type Provider, SignatureError, UnexpectedResponseError, ValidationError } from "./errors.js";
import { checkSignedTime } from "./freshness.js";
import { parseExactText } from "./json.js";
import { createMemoryReplayStore, type ReplayStore } from "./replay.js";
import { assertResponseSchema, type SchemaCheck } from "./schema.js";
import { ensurePlainObject, kindOf, rejectUnknownKeys, withValidationContext } from "./validate.js";

/** Request headers as any server hands them over: a Fetch `Headers`, a plain object, or Node's IncomingHttpHeaders. */
export type NotificationHeaders =
  | Headers
  | IncomingHttpHeaders
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Options every verifier takes besides its key. */
export interface NotificationCheckOptions {
  /** The largest allowed distance between the notification's own time and `now`, in ms; each provider has a default. */
  toleranceMs?: number;
  /** Epoch ms; default Date.now. */
  now?: () => number;
  /** Where accepted notification keys are remembered; default one in-memory store per provider. */
  replayStore?: ReplayStore;
}

/** A verified notification plus what the handler needs to undo its replay record. */
export interface CheckedNotification<T> {
  readonly notification: T;
  /** Forgets the replay key, so the provider's retry of this notification is processed again. */
  release(): Promise<void>;
}

/** The value of header `name` (any case) sent once; undefined when absent; a SignatureError when sent several times. */
export function headerValue(
  headers: NotificationHeaders,
  name: string,
  provider: Provider,
): string | undefined {
  let value: unknown;
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    value = headers.get(name) ?? undefined;
  } else {
    const wanted = name.toLowerCase();
    for (const [key, candidate] of Object.entries(headers)) {
      if (key.toLowerCase() === wanted) {
        value = candidate;
        break;
      }
    }
  }
  if (Array.isArray(value)) {
    // Two different signatures for one body is not something a provider sends.
    if (value.length > 1) throw new SignatureError({ reason: "invalid", subject: "notification", provider });
    value = value[0];
  }
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Throws SignatureError("stale") when `sentAtMs` is more than `pastMs` before or `futureMs` after `nowMs`. */
export function assertFresh(
  sentAtMs: number,
  nowMs: number,
  window: { pastMs: number; futureMs: number },
  provider: Provider,
): void {
  // The same window rule as signed answers (./freshness.ts), around the notification's arrival.
  checkSignedTime(sentAtMs, nowMs, nowMs, window, { provider }, "notification");
}

/** Records `key` in the store; throws SignatureError("replayed") when it is already there. */
export async function rememberOnce(
  store: ReplayStore,
  key: string,
  expiresAtMs: number,
  provider: Provider,
): Promise<() => Promise<void>> {
  if (await store.seen(key, expiresAtMs)) {
    throw new SignatureError({ reason: "replayed", subject: "notification", provider });
  }
  return () => store.forget(key);
}

/** A lazily created in-memory store, one per provider module, for callers who pass none. */
export function defaultReplayStore(): () => ReplayStore {
  let store: ReplayStore | undefined;
  return () => {
    store ??= createMemoryReplayStore();
    return store;
  };
}

/**
 * Asserts the body is text: signatures cover the exact bytes received, so a body an app has already
 * parsed (and would re-serialize differently) cannot be verified. ValidationError `rawBody` otherwise.
 */
export function requireRawBody(rawBody: unknown, provider: Provider, operation = "notification"): string {
  if (typeof rawBody !== "string") {
    throw new ValidationError({
      provider,
      operation,
      field: "rawBody",
      rule: "string",
      reason: "must be the body text exactly as received (a string, not parsed JSON)",
    });
  }
  return rawBody;
}

/** Parses a notification body; UnexpectedResponseError("empty" | "not_json" | "wrong_shape") otherwise. */
export function parseNotificationJson(
  rawBody: string,
  provider: Provider,
  operation: string,
): Record<string, unknown> {
  requireRawBody(rawBody, provider, operation);
  if (rawBody.trim() === "") {
    throw new UnexpectedResponseError({ reason: "empty", provider, operation });
  }
  let value: unknown;
  try {
    // Exact integers: DaxPay verifies its notice field by field, so a rounded int64 would not verify.
    value = parseExactText(rawBody);
  } catch {
    throw new UnexpectedResponseError({ reason: "not_json", provider, operation });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UnexpectedResponseError({
      reason: "wrong_shape",
      detail: "(root) must be object",
      provider,
      operation,
    });
  }
  return value as Record<string, unknown>;
}

/**
 * Throws UnexpectedResponseError("wrong_shape") naming the first violation. The body is left out of
 * the error: a notification carries customer data, and DaxPay's carries its signature.
 */
export function assertNotificationShape(
  check: SchemaCheck,
  value: unknown,
  provider: Provider,
  operation: string,
): void {
  assertResponseSchema(check, value, { provider, operation }, "");
}

/** Parses JSON carried inside a string field (GatePay's `data`) and checks it; errors name the field. */
export function parseEmbeddedJson(
  text: unknown,
  field: string,
  check: SchemaCheck | undefined,
  provider: Provider,
  operation: string,
): unknown {
  if (typeof text !== "string") {
    throw new UnexpectedResponseError({
      reason: "wrong_shape",
      detail: `/${field} must be string`,
      provider,
      operation,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UnexpectedResponseError({
      reason: "wrong_shape",
      detail: `/${field} must be a JSON text`,
      provider,
      operation,
    });
  }
  if (check !== undefined && !check(value)) {
    const issue = check.errors?.[0];
    const path = `/${field}${issue?.instancePath ?? ""}`;
    throw new UnexpectedResponseError({
      reason: "wrong_shape",
      detail: `${path} ${issue?.message ?? issue?.keyword ?? "does not match its schema"}`,
      provider,
      operation,
    });
  }
  return value;
}

/** An option's field name under `path`: `gatepay.secret` in createNotificationHandler, `secret` alone. */
export function optionField(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

/** The option keys every verifier takes besides its key material. */
const COMMON_NOTIFICATION_KEYS = ["toleranceMs", "now", "replayStore"] as const;

/**
 * Checks what every verifier's options share, before any notification is read: a plain object with
 * no key but `ownKeys` and the common ones, `toleranceMs` a finite number ≥ 0, `now` a function,
 * `replayStore` an object with `seen` and `forget` functions. Fields are named under `path`
 * (`gatepay.toleranceMs` in createNotificationHandler, `toleranceMs` for a verify function), so a
 * misconfigured endpoint fails at start-up, not at its first notification. Throws ValidationError.
 */
export function checkNotificationOptions(
  options: unknown,
  provider: Provider,
  path: string,
  ownKeys: readonly string[],
): Record<string, unknown> {
  return withValidationContext({ provider, operation: "notification" }, () => {
    const field = (name: string) => optionField(path, name);
    const record = ensurePlainObject(options, path === "" ? "options" : path);
    rejectUnknownKeys(record, [...ownKeys, ...COMMON_NOTIFICATION_KEYS], path);
    const { toleranceMs, now, replayStore } = record;
    if (
      toleranceMs !== undefined &&
      (typeof toleranceMs !== "number" || !Number.isFinite(toleranceMs) || toleranceMs < 0)
    ) {
      throw new ValidationError({
        field: field("toleranceMs"),
        rule: "range:0..",
        reason: `must be a finite, non-negative number of milliseconds (got ${kindOf(toleranceMs)})`,
      });
    }
    if (now !== undefined && typeof now !== "function") {
      throw new ValidationError({ field: field("now"), rule: "function", reason: "must be a function" });
    }
    if (replayStore !== undefined) {
      const store = replayStore as Partial<ReplayStore> | null;
      if (typeof store?.seen !== "function" || typeof store.forget !== "function") {
        throw new ValidationError({
          field: field("replayStore"),
          rule: "ReplayStore",
          reason: "must have seen(key, expiresAtMs) and forget(key) methods",
        });
      }
    }
    return record;
  });
}

/** Asserts a non-empty string secret, named under `path`; ValidationError otherwise. */
export function requireNotificationSecret(value: unknown, provider: Provider, path: string): string {
  if (typeof value !== "string" || value === "") {
    throw new ValidationError({
      provider,
      operation: "notification",
      field: optionField(path, "secret"),
      rule: "required",
      reason: `must be a non-empty string (got ${value === "" ? "an empty string" : kindOf(value)})`,
    });
  }
  return value;
}
