// One callback endpoint for any server: a Web-standard `(Request) => Promise<Response>` that verifies
// each provider's notification, hands the typed value to the app, and acknowledges it with the
// provider's exact success body only once the app has finished with it. Provider rules and answers
// live in src/<provider>/notification.ts; the choices made here are in docs/notifications.md
// ("The handler").

import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type Provider,
  SignatureError,
  type SignatureFailureReason,
  UnexpectedResponseError,
  ValidationError,
} from "./core/errors.js";
import type { CheckedNotification, NotificationCheckOptions } from "./core/notification.js";
import { createMemoryReplayStore, ExpiringKeys, type ReplayStore } from "./core/replay.js";
import { rejectUnknownKeys, withValidationContext } from "./core/validate.js";
import {
  checkDaxPayNotification,
  checkDaxPayNotificationOptions,
  DAXPAY_NOTIFICATION_ACKNOWLEDGEMENT,
  type DaxPayNotificationOptions,
  type DaxPayPayNotice,
} from "./daxpay/notification.js";
import { GATEPAY_HEADER } from "./gatepay/codes.js";
import {
  checkGatePayNotification,
  checkGatePayNotificationOptions,
  GATEPAY_NOTIFICATION_ACKNOWLEDGEMENT,
  type GatePayNotification,
  type GatePayNotificationOptions,
} from "./gatepay/notification.js";
import { PAYERMAX_SIGN_HEADER } from "./payermax/codes.js";
import {
  checkPayerMaxNotification,
  checkPayerMaxNotificationOptions,
  PAYERMAX_NOTIFICATION_ACKNOWLEDGEMENT,
  type PayerMaxNotification,
  type PayerMaxNotificationOptions,
} from "./payermax/notification.js";

/** A verified notification with the provider that sent it; switch on `provider`. */
export type NotificationEvent =
  | { readonly provider: "gatepay"; readonly notification: GatePayNotification }
  | { readonly provider: "payermax"; readonly notification: PayerMaxNotification }
  | { readonly provider: "daxpay"; readonly notification: DaxPayPayNotice };

/** Options of {@link createNotificationHandler}: at least one provider, and what to do with each notification. */
export interface NotificationHandlerOptions {
  gatepay?: GatePayNotificationOptions;
  payermax?: PayerMaxNotificationOptions;
  daxpay?: DaxPayNotificationOptions;
  /**
   * Called once per verified, new notification. Resolve when it is safely processed (stored,
   * order updated): only then is the provider acknowledged. Throw or reject to have it retried.
   */
  onNotification(event: NotificationEvent): void | Promise<void>;
  /** Largest body read, in bytes; default 1 MiB (notifications are a few KB). */
  maxBodyBytes?: number;
}

/** A Web-standard request handler (Hono, Next.js route handlers, Bun, Deno, Workers). */
export type NotificationHandler = (request: Request) => Promise<Response>;

const ACKNOWLEDGEMENTS: Record<Provider, { body: string; contentType: string }> = {
  gatepay: { body: GATEPAY_NOTIFICATION_ACKNOWLEDGEMENT, contentType: "application/json" },
  payermax: { body: PAYERMAX_NOTIFICATION_ACKNOWLEDGEMENT, contentType: "application/json" },
  daxpay: { body: DAXPAY_NOTIFICATION_ACKNOWLEDGEMENT, contentType: "text/plain; charset=utf-8" },
};

const STATUS_BY_REASON: Record<SignatureFailureReason, number> = {
  missing: 401,
  invalid: 401,
  stale: 401,
  replayed: 409,
};

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
// fatal: bytes that are not UTF-8 are refused, not replaced (a replaced text is not what was signed).
// ignoreBOM: a leading BOM stays in the text, so the signature is checked over exactly what was sent.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** An answer without the acknowledgement; the body names only the error kind, never a value. */
function refusal(status: number, error: string): Response {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function configured(options: NotificationHandlerOptions): Provider[] {
  return (["gatepay", "payermax", "daxpay"] as const).filter((name) => options[name] !== undefined);
}

/**
 * Which provider sent `request`: the only one configured, else by headers (X-GatePay-* → GatePay,
 * `sign` → PayerMax, neither → DaxPay, which signs inside the body). Undefined when that one is not configured.
 */
function providerOf(request: Request, providers: readonly Provider[]): Provider | undefined {
  if (providers.length === 1) return providers[0];
  const { headers } = request;
  let detected: Provider = "daxpay";
  if (headers.has(GATEPAY_HEADER.signature) || headers.has(GATEPAY_HEADER.timestamp)) detected = "gatepay";
  else if (headers.has(PAYERMAX_SIGN_HEADER)) detected = "payermax";
  return providers.includes(detected) ? detected : undefined;
}

async function readText(request: Request, limit: number): Promise<string | "too-large" | "not-utf8"> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) return "too-large";
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length > limit) return "too-large";
  try {
    return UTF8.decode(bytes);
  } catch {
    return "not-utf8";
  }
}

/** The replay key a verifier recorded (or found) in the store, and until when it counts. */
interface ReplayRecord {
  readonly key: string;
  readonly expiresAtMs: number;
}

/**
 * `store`, noting the key the verifier asks it about: the handler needs it to tell a duplicate of a
 * notification it has finished processing from one still being processed, and the verifiers never
 * hand a signature out.
 */
function noting(store: ReplayStore): { store: ReplayStore; record(): ReplayRecord | undefined } {
  let record: ReplayRecord | undefined;
  return {
    store: {
      seen(key, expiresAtMs) {
        record = { key, expiresAtMs };
        return store.seen(key, expiresAtMs);
      },
      forget: (key) => store.forget(key),
    },
    record: () => record,
  };
}

async function check(
  provider: Provider,
  text: string,
  request: Request,
  options: NotificationHandlerOptions,
  replayStore: ReplayStore,
): Promise<{ event: NotificationEvent; release: () => Promise<void> }> {
  switch (provider) {
    case "gatepay": {
      const { notification, release } = await checkGatePayNotification(text, request.headers, {
        ...(options.gatepay as GatePayNotificationOptions),
        replayStore,
      });
      return { event: { provider, notification }, release };
    }
    case "payermax": {
      const { notification, release }: CheckedNotification<PayerMaxNotification> =
        await checkPayerMaxNotification(text, request.headers, {
          ...(options.payermax as PayerMaxNotificationOptions),
          replayStore,
        });
      return { event: { provider, notification }, release };
    }
    case "daxpay": {
      const { notification, release } = await checkDaxPayNotification(text, {
        ...(options.daxpay as DaxPayNotificationOptions),
        replayStore,
      });
      return { event: { provider, notification }, release };
    }
  }
}

const HANDLER_KEYS = ["gatepay", "payermax", "daxpay", "onNotification", "maxBodyBytes"] as const;

/**
 * Checks every option at creation, so that a misconfigured endpoint (an empty secret from a missing
 * environment variable, a key that does not parse, a misspelt provider) fails at start-up instead of
 * refusing every real notification later. Returns the body limit.
 */
function checkHandlerOptions(options: NotificationHandlerOptions): number {
  const record = options as unknown as Record<string, unknown>;
  withValidationContext({ operation: "createNotificationHandler" }, () =>
    rejectUnknownKeys(record, HANDLER_KEYS, ""),
  );
  if (options.gatepay !== undefined) checkGatePayNotificationOptions(options.gatepay, "gatepay");
  if (options.payermax !== undefined) checkPayerMaxNotificationOptions(options.payermax, "payermax");
  if (options.daxpay !== undefined) checkDaxPayNotificationOptions(options.daxpay, "daxpay");
  const limit = record.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1) {
    throw new ValidationError({
      operation: "createNotificationHandler",
      field: "maxBodyBytes",
      rule: "range:1..",
      reason: "must be a positive integer number of bytes",
    });
  }
  return limit;
}

/**
 * Creates a notification endpoint as a Web-standard handler.
 *
 * Per request: POST only (405), body at most `maxBodyBytes` (413) and UTF-8 (400); the provider is
 * the only one configured or is detected by headers (docs/notifications.md, "The handler"); the
 * notification is verified over the raw body (401 missing/invalid/stale signature, 409 replay, 400
 * wrong shape); then `onNotification` runs. When it resolves the answer is HTTP 200 with the
 * provider's exact acknowledgement; when it throws the answer is 500 without it, the replay key is
 * forgotten, and the provider retries. A duplicate of a notification this handler has processed (the
 * providers deliver at least once) is acknowledged again without calling `onNotification`; one that
 * arrives while the first is still being processed, or that another process handled, is refused
 * with 409 and retried by the provider. Without `replayStore` the handler remembers in its own
 * memory. Answers never contain a secret, a signature or the body.
 * Throws a ValidationError at creation naming the field when no provider is configured,
 * `onNotification` is missing, an option key is unknown (`gatePay`), a secret is empty, a key does
 * not parse, or `signType`, `toleranceMs`, `now`, `replayStore` or `maxBodyBytes` is malformed.
 */
export function createNotificationHandler(options: NotificationHandlerOptions): NotificationHandler {
  const providers = configured(options ?? ({} as NotificationHandlerOptions));
  if (providers.length === 0) {
    throw new ValidationError({
      operation: "createNotificationHandler",
      field: "gatepay|payermax|daxpay",
      rule: "required",
      reason: "configure at least one provider",
    });
  }
  if (typeof options.onNotification !== "function") {
    throw new ValidationError({
      operation: "createNotificationHandler",
      field: "onNotification",
      rule: "function",
      reason: "must be a function",
    });
  }
  const limit = checkHandlerOptions(options);
  // Without a replayStore of the app's, this handler remembers in its own memory (not shared with
  // the verify* functions' default, nor with other handlers), on the provider's clock.
  const ownStores = new Map<Provider, ReplayStore>();
  const storeOf = (provider: Provider): ReplayStore => {
    const { replayStore, now } = options[provider] as NotificationCheckOptions;
    if (replayStore !== undefined) return replayStore;
    let own = ownStores.get(provider);
    if (own === undefined) {
      own = createMemoryReplayStore(now === undefined ? {} : { now });
      ownStores.set(provider, own);
    }
    return own;
  };
  // Keys of notifications whose onNotification resolved here, until their window ends.
  const processed = new ExpiringKeys();
  const nowOf = (provider: Provider) => ((options[provider] as NotificationCheckOptions).now ?? Date.now)();
  const acknowledgement = (provider: Provider) => {
    const { body, contentType } = ACKNOWLEDGEMENTS[provider];
    return new Response(body, { status: 200, headers: { "content-type": contentType } });
  };
  return async (request) => {
    if (request.method !== "POST") {
      const answer = refusal(405, "method_not_allowed");
      answer.headers.set("allow", "POST");
      return answer;
    }
    const provider = providerOf(request, providers);
    if (provider === undefined) return refusal(401, "signature_missing");
    const text = await readText(request, limit);
    if (text === "too-large") return refusal(413, "body_too_large");
    if (text === "not-utf8") return refusal(400, "body_not_utf8");
    let checked: Awaited<ReturnType<typeof check>>;
    const replay = noting(storeOf(provider));
    try {
      checked = await check(provider, text, request, options, replay.store);
    } catch (error) {
      if (error instanceof SignatureError) {
        // A duplicate of a notification processed here (a retry whose acknowledgement was lost, or the
        // provider's at-least-once delivery): acknowledged, so the provider stops retrying, and not
        // processed again. One still being processed, or processed elsewhere, is refused and retried.
        const record = replay.record();
        if (
          error.reason === "replayed" &&
          record !== undefined &&
          processed.has(record.key, nowOf(provider))
        ) {
          return acknowledgement(provider);
        }
        return refusal(STATUS_BY_REASON[error.reason], `signature_${error.reason}`);
      }
      if (error instanceof UnexpectedResponseError) return refusal(400, "wrong_shape");
      // A configuration fault (a runtime whose crypto cannot use the key): not the provider's doing,
      // so the provider's retry may succeed once it is fixed.
      return refusal(500, "configuration_error");
    }
    try {
      await options.onNotification(checked.event);
    } catch {
      await checked.release().catch(() => {});
      return refusal(500, "processing_failed");
    }
    const record = replay.record();
    if (record !== undefined) processed.remember(record.key, record.expiresAtMs, nowOf(provider));
    return acknowledgement(provider);
  };
}

/** A Node request that a framework may have read already: Express's `express.raw()` or Fastify's raw-body plugins leave the bytes in `body` or `rawBody`. */
export type NodeNotificationRequest = IncomingMessage & { body?: unknown; rawBody?: unknown };

function rawBodyOf(request: NodeNotificationRequest): Uint8Array | undefined {
  for (const candidate of [request.rawBody, request.body]) {
    if (candidate instanceof Uint8Array) return candidate;
    if (typeof candidate === "string") return new TextEncoder().encode(candidate);
  }
  return undefined;
}

async function readStream(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Adapts a {@link NotificationHandler} to Node's `(req, res)`: plain `http`, Express and Fastify.
 * The body must be the raw bytes: mount it before any JSON body parser, or use `express.raw()` (or
 * Fastify's raw body). A body a parser has already turned into an object cannot be verified: that
 * request gets 500 `raw_body_required`, without the acknowledgement.
 */
export function toNodeHandler(
  handler: NotificationHandler,
): (request: NodeNotificationRequest, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    let answer: Response;
    const parsed = request.body !== undefined && rawBodyOf(request) === undefined;
    if (parsed) {
      answer = refusal(500, "raw_body_required");
    } else {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        else if (value !== undefined) headers.set(name, value);
      }
      const method = request.method ?? "GET";
      const body =
        method === "GET" || method === "HEAD"
          ? undefined
          : // A copy typed as a plain ArrayBuffer view, which is what BodyInit accepts.
            new Uint8Array(rawBodyOf(request) ?? (await readStream(request)));
      answer = await handler(
        new Request(new URL(request.url ?? "/", "http://localhost"), { method, headers, body }),
      );
    }
    const text = await answer.text();
    response.writeHead(answer.status, Object.fromEntries(answer.headers));
    response.end(text);
  };
}
