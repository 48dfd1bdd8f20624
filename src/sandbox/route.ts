// The contract between the HTTP layer (server.ts) and the provider handlers: the server reads the body,
// then calls a handler synchronously, so each handler's checks and its state change happen in one step.

import { randomInt } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { SandboxKeys } from "./credentials.js";
import type { NotificationDelivery } from "./notify.js";
import type { SandboxState } from "./state.js";

/** The request body as read: its text, or why there is none. */
export type BodyResult =
  | { readonly kind: "text"; readonly text: string }
  /** Larger than the sandbox's body cap; the rest was drained and discarded. */
  | { readonly kind: "too-large"; readonly limit: number }
  /** Not decodable as UTF-8, so no signature over its text can match. */
  | { readonly kind: "not-utf8" };

/** What a handler sees of a request. */
export interface SandboxRequest {
  readonly method: string;
  readonly path: string;
  /** The query string without `?`; providers ignore it, admin routes read it. */
  readonly search: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: BodyResult;
}

/** A complete answer: status, extra headers, and the exact body text (signatures cover these bytes). */
export interface SandboxAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Settings a handler reads; fixed at start. */
export interface SandboxSettings {
  readonly gatepayResponseSignatures: boolean;
  /**
   * The answer delay (option `paymentDelayMs`). DaxPay holds its cancel lock while the channel call
   * runs; the sandbox models that call as taking this long, so a second cancel meanwhile gets 10007.
   */
  readonly paymentDelayMs: number;
}

/** Remembers GatePay nonces (gatepay.ts); lives here so reset() can clear it. */
export interface NonceStore {
  /** Records a nonce; false when it is still remembered from an earlier request. */
  claim(clientId: string, nonce: string, now: number): boolean;
  clear(): void;
}

/** Everything a handler may use. */
export interface SandboxContext {
  readonly clock: () => number;
  readonly state: SandboxState;
  readonly keys: SandboxKeys;
  readonly settings: SandboxSettings;
  readonly gatepayNonces: NonceStore;
  /** Sends notifications to the notify URL (notify.ts); admin routes set the URL and list deliveries. */
  readonly notifications: NotificationDelivery;
  /** Forgets orders, quotes, cancel requests and nonces; credentials stay. */
  reset(): void;
}

/** One provider operation at its real path. */
export interface ProviderRoute {
  readonly path: string;
  /** The client method name, e.g. `closeOrder`. */
  readonly operation: string;
  /** Answers one request; synchronous on purpose (see state.ts). May throw: the server then calls systemError. */
  handle(request: SandboxRequest, context: SandboxContext): SandboxAnswer;
  /** The provider's own system-error answer; must not throw. */
  systemError(context: SandboxContext): SandboxAnswer;
}

/** Serializes once into an answer; the caller signs `body` if the provider signs. */
export function jsonAnswer(
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
): SandboxAnswer {
  return { status, headers, body: JSON.stringify(value) };
}

/** A header's value when sent exactly once; undefined when missing (Node joins repeats, which then fail format checks). */
export function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return typeof value === "string" ? value : undefined;
}

/** True when Content-Type is application/json (parameters such as charset allowed). */
export function isJsonContentType(headers: IncomingHttpHeaders): boolean {
  const value = headers["content-type"];
  if (typeof value !== "string") {
    return false;
  }
  return value.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/** The clock, or the wall clock when the injected one fails: error answers must never throw. */
export function safeNow(context: SandboxContext): number {
  try {
    const now = context.clock();
    return Number.isFinite(now) ? now : Date.now();
  } catch {
    return Date.now();
  }
}

/** The clock's reading for one request; throws (→ system error) when the injected clock misbehaves. */
export function requestNow(context: SandboxContext): number {
  const now = context.clock();
  if (typeof now !== "number" || !Number.isFinite(now)) {
    throw new TypeError("sandbox clock must return epoch milliseconds");
  }
  return now;
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `length` random characters from [A-Za-z0-9] (nonces, trace ids). */
export function randomAlphanumeric(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  }
  return out;
}
