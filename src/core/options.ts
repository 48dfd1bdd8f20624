// Options every client accepts, with their defaults and checks. Clocks and randomness are options
// (`now`, `nonce`) so that every signature can be reproduced in a test.

import { randomFillSync } from "node:crypto";
import { ValidationError } from "./errors.js";
import type { ClientHooks, RequestEvent, ResponseEvent } from "./hooks.js";
import { nodeTransport } from "./node-transport.js";
import { DEFAULT_RETRY } from "./retry.js";
import { DEFAULT_MAX_RESPONSE_BYTES, fetchTransport, type Transport } from "./transport.js";
import { rejectUnknownKeys } from "./validate.js";

/** Options shared by all three clients. */
export interface CommonClientOptions {
  /**
   * A fetch to send every request with (tests, proxies, other runtimes). Without it, requests go over
   * node:http with a keep-alive agent per client on Node, and over the global fetch elsewhere.
   */
  fetch?: typeof fetch;
  /** Current time in epoch milliseconds; defaults to Date.now. */
  now?: () => number;
  /** A fresh nonce per request; defaults to 32 crypto-random characters from [A-Za-z0-9]. */
  nonce?: () => string;
  /** Per-attempt timeout covering headers and body; default 10000. */
  timeoutMs?: number;
  /** Retry policy for calls that allow retries; see core/retry.ts for what is retried. */
  retry?: {
    /** Extra attempts after the first, 0 to 10; default 2. */
    retries?: number;
    /** Backoff cap of the first retry; default 100. */
    baseDelayMs?: number;
    /** Upper bound on any wait between attempts, Retry-After included; default 2000. */
    maxDelayMs?: number;
  };
  /** Called before each attempt; a throwing hook is ignored. */
  onRequest?: (event: RequestEvent) => void;
  /** Called after each attempt; a throwing hook is ignored. */
  onResponse?: (event: ResponseEvent) => void;
  /** Largest response body read, in bytes; default 1 MiB. */
  maxResponseBytes?: number;
}

/** Every key of {@link CommonClientOptions}, for clients that reject unknown option keys. */
export const COMMON_OPTION_KEYS = [
  "fetch",
  "now",
  "nonce",
  "timeoutMs",
  "retry",
  "onRequest",
  "onResponse",
  "maxResponseBytes",
] as const satisfies readonly (keyof CommonClientOptions)[];

/** {@link CommonClientOptions} with every default applied. */
export interface ResolvedCommonOptions {
  /** What the typed methods send with. */
  transport: Transport;
  /** What the openapi-fetch clients send with: the `fetch` option, else the global fetch at call time. */
  fetch: typeof fetch;
  now: () => number;
  nonce: () => string;
  timeoutMs: number;
  retry: { retries: number; baseDelayMs: number; maxDelayMs: number };
  hooks: ClientHooks;
  maxResponseBytes: number;
}

/** Default per-attempt timeout. */
export const DEFAULT_TIMEOUT_MS = 10_000;

// setTimeout (behind AbortSignal.timeout) fires at once for delays above 2^31-1 ms.
const MAX_TIMER_MS = 2_147_483_647;
const MAX_RETRIES = 10;

const NONCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
// 248 = 4 * 62: bytes at or above it are discarded so every character is equally likely.
const NONCE_BYTE_LIMIT = 256 - (256 % NONCE_ALPHABET.length);

/** Returns `length` (default 32) crypto-random characters from [A-Za-z0-9], unbiased by rejection sampling. */
export function randomNonce(length = 32): string {
  let out = "";
  while (out.length < length) {
    const byte = nextRandomByte();
    // Rejection sampling: bytes past the last whole multiple of the alphabet would bias it.
    if (byte < NONCE_BYTE_LIMIT) out += NONCE_ALPHABET[byte % NONCE_ALPHABET.length];
  }
  return out;
}

// Random bytes are drawn in blocks: one system call per block rather than one per nonce.
const RANDOM_POOL = Buffer.alloc(4096);
let randomPoolOffset = RANDOM_POOL.length;

function nextRandomByte(): number {
  if (randomPoolOffset === RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    randomPoolOffset = 0;
  }
  const byte = RANDOM_POOL[randomPoolOffset] ?? 0;
  randomPoolOffset += 1;
  return byte;
}

function orDefault(value: unknown, fallback: number): unknown {
  return value === undefined ? fallback : value;
}

function requireFunction<F>(value: unknown, field: string): F {
  if (typeof value !== "function") {
    throw new ValidationError({ field, rule: "function", reason: "must be a function" });
  }
  return value as F;
}

function requireInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError({
      field,
      rule: `range:${min}..${max}`,
      reason: `must be an integer from ${min} to ${max}`,
    });
  }
  return value;
}

/** Applies defaults to the common options and checks each one; throws ValidationError naming the option. */
export function resolveCommonOptions(options: CommonClientOptions = {}): ResolvedCommonOptions {
  // Only `undefined` means "use the default": a null or a wrong type is a mistake worth reporting.
  const retry: Record<string, unknown> = options.retry === undefined ? {} : options.retry;
  if (typeof retry !== "object" || retry === null || Array.isArray(retry)) {
    throw new ValidationError({ field: "retry", rule: "object", reason: "must be an object" });
  }
  rejectUnknownKeys(retry, ["retries", "baseDelayMs", "maxDelayMs"], "retry");
  const fetchFn: typeof fetch =
    options.fetch === undefined
      ? (input, init) => globalThis.fetch(input, init)
      : requireFunction<typeof fetch>(options.fetch, "fetch");
  const resolved: ResolvedCommonOptions = {
    transport: (options.fetch === undefined ? nodeTransport() : undefined) ?? fetchTransport(fetchFn),
    fetch: fetchFn,
    now: options.now === undefined ? Date.now : requireFunction<() => number>(options.now, "now"),
    nonce:
      options.nonce === undefined
        ? () => randomNonce()
        : requireFunction<() => string>(options.nonce, "nonce"),
    timeoutMs: requireInteger(orDefault(options.timeoutMs, DEFAULT_TIMEOUT_MS), "timeoutMs", 1, MAX_TIMER_MS),
    retry: {
      retries: requireInteger(
        orDefault(retry.retries, DEFAULT_RETRY.retries),
        "retry.retries",
        0,
        MAX_RETRIES,
      ),
      baseDelayMs: requireInteger(
        orDefault(retry.baseDelayMs, DEFAULT_RETRY.baseDelayMs),
        "retry.baseDelayMs",
        0,
        MAX_TIMER_MS,
      ),
      maxDelayMs: requireInteger(
        orDefault(retry.maxDelayMs, DEFAULT_RETRY.maxDelayMs),
        "retry.maxDelayMs",
        0,
        MAX_TIMER_MS,
      ),
    },
    hooks: {
      onRequest:
        options.onRequest === undefined ? undefined : requireFunction(options.onRequest, "onRequest"),
      onResponse:
        options.onResponse === undefined ? undefined : requireFunction(options.onResponse, "onResponse"),
    },
    maxResponseBytes: requireInteger(
      orDefault(options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES),
      "maxResponseBytes",
      1,
      Number.MAX_SAFE_INTEGER,
    ),
  };
  return resolved;
}
