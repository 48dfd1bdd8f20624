// The sandbox's HTTP side: one node:http server for all five provider operations and the admin routes.
// It reads each body under a size cap, hands it to a synchronous handler, and writes the answer. No
// input can produce a crash or an unhandled rejection: every handler runs inside a try whose catch
// gives that provider's own system-error answer, and a dropped connection only drops its answer.

import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { DaxPaySignType } from "../daxpay/sign.js";
import {
  ADMIN_PREFIX,
  checkAdminAccess,
  createSeeder,
  handleAdmin,
  parseOrderKind,
  parseQuoteInput,
  type SandboxSeeder,
  setOrderStatus,
} from "./admin.js";
import { resolveSandboxKeys, type SandboxCredentials, type SandboxCredentialsInput } from "./credentials.js";
import { daxpayRoutes } from "./daxpay.js";
import { GatePayNonceMemory, gatepayRoutes } from "./gatepay.js";
import {
  expectObject,
  optionalEnum,
  optionalInteger,
  optionalString,
  rejectUnknownKeys,
  SandboxInputError,
} from "./input.js";
import {
  checkNotifyUrl,
  NotificationDelivery,
  parseNotificationOptions,
  type SandboxNotificationOptions,
  type SandboxNotificationRecord,
} from "./notify.js";
import { payermaxRoutes } from "./payermax.js";
import {
  type BodyResult,
  jsonAnswer,
  type ProviderRoute,
  type SandboxAnswer,
  type SandboxContext,
  safeNow,
} from "./route.js";
import {
  type QuoteInput,
  type SandboxOrderKind,
  type SandboxOrderRecord,
  type SandboxOrderRecordOf,
  type SandboxOrderStatus,
  type SandboxQuote,
  SandboxState,
} from "./state.js";

/** Options of {@link startSandbox}; every one is optional. */
export interface SandboxOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default "127.0.0.1" (loopback only). */
  host?: string;
  /** Epoch milliseconds for every time window, quote expiry and timestamp; default Date.now. */
  clock?: () => number;
  /** The digest the DaxPay platform is configured for; default "HMAC_SHA256". */
  daxpaySignType?: DaxPaySignType;
  /** Sign GatePay answers with X-GatePay-Timestamp/Nonce/Signature headers; default false (GatePay's usual). */
  gatepayResponseSignatures?: boolean;
  /**
   * Latency added to every provider answer, in ms (admin routes are not delayed); default 0. The
   * state change happens first, so a client that times out meanwhile has still cancelled the order.
   * DaxPay holds an order's cancel lock this long, so a second cancel of it meanwhile answers 10007.
   */
  paymentDelayMs?: number;
  /** Largest request body read, in bytes; default 1 MiB. A larger one gets the provider's parameter error. */
  maxBodyBytes?: number;
  /** Fixed credentials (test material only); providers left out get fresh ones. */
  credentials?: SandboxCredentialsInput;
  /** Where order changes are notified, signed as each provider signs; loopback only unless allowed. Default none. */
  notifyUrl?: string;
  /** Retries, PayerMax cancel settling and the loopback rule of those notifications. */
  notifications?: SandboxNotificationOptions;
}

/** A running sandbox. */
export interface Sandbox {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`; pass as each client's `baseUrl`. */
  readonly url: string;
  /** Credentials that plug straight into the client factories. */
  readonly credentials: SandboxCredentials;
  /**
   * This run's admin token: every `/__sandbox/` route requires `Authorization: Bearer <adminToken>`
   * (the methods below need none). 43 Base64url characters (32 random bytes), new at every start.
   */
  readonly adminToken: string;
  /** Creates orders in any state. */
  readonly seed: SandboxSeeder;
  /** Mints a single-use OTC quote token (defaults: 1088.42 USDT for 1000 USD, valid 60 s). */
  mintQuote(input?: QuoteInput): SandboxQuote;
  /** Sets an order's status out of band (a customer paying); `id` may be any of the order's ids. */
  setStatus<K extends SandboxOrderKind>(
    kind: K,
    id: string,
    status: SandboxOrderStatus<K>,
  ): SandboxOrderRecordOf<K>;
  /** Every order (optionally of one kind) with its status, history and stateChanges, oldest first. */
  orders(): SandboxOrderRecord[];
  /** Every order of one kind, oldest first. */
  orders<K extends SandboxOrderKind>(kind: K): SandboxOrderRecordOf<K>[];
  /** Forgets orders, quotes, PayerMax cancel requests and GatePay nonces; credentials stay. */
  reset(): void;
  /** Sets (null clears) where notifications are sent; throws SandboxInputError for a bad or non-loopback URL. */
  setNotifyUrl(url: string | null): void;
  /** Every notification sent, with its delivery attempts, oldest first. */
  notifications(): SandboxNotificationRecord[];
  /** Resolves when every notification so far is acknowledged or has used up its retries. */
  notificationsSettled(): Promise<void>;
  /** Closes the server and every connection; pending delayed answers are dropped. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
// Past the cap the body is drained (discarded) so the client can read the answer; past this much more
// the connection is cut instead, so a client streaming endlessly cannot hold the sandbox busy.
const DRAIN_ALLOWANCE_BYTES = 16 * 1024 * 1024;

const OPTION_KEYS = [
  "port",
  "host",
  "clock",
  "daxpaySignType",
  "gatepayResponseSignatures",
  "paymentDelayMs",
  "maxBodyBytes",
  "credentials",
  "notifyUrl",
  "notifications",
] as const satisfies readonly (keyof SandboxOptions)[];

interface ResolvedOptions {
  readonly port: number;
  readonly host: string;
  readonly clock: () => number;
  readonly daxpaySignType: DaxPaySignType;
  readonly gatepayResponseSignatures: boolean;
  readonly paymentDelayMs: number;
  readonly maxBodyBytes: number;
}

function resolveOptions(options: unknown): ResolvedOptions {
  const input = expectObject(options, "options", true);
  rejectUnknownKeys(input, OPTION_KEYS, "");
  const clock = input.clock ?? Date.now;
  if (typeof clock !== "function") {
    throw new SandboxInputError("clock", "must be a function returning epoch milliseconds");
  }
  const responseSignatures = input.gatepayResponseSignatures ?? false;
  if (typeof responseSignatures !== "boolean") {
    throw new SandboxInputError("gatepayResponseSignatures", "must be a boolean");
  }
  return {
    port: optionalInteger(input, "port", "", 0, 65_535) ?? 0,
    host: optionalString(input, "host", "") ?? "127.0.0.1",
    clock: clock as () => number,
    daxpaySignType:
      optionalEnum(input, "daxpaySignType", "", ["HMAC_SHA256", "MD5"] as const) ?? "HMAC_SHA256",
    gatepayResponseSignatures: responseSignatures,
    paymentDelayMs: optionalInteger(input, "paymentDelayMs", "", 0, 600_000) ?? 0,
    maxBodyBytes: optionalInteger(input, "maxBodyBytes", "", 1, 64 * 1024 * 1024) ?? DEFAULT_MAX_BODY_BYTES,
  };
}

// fatal: invalid bytes are an error, not U+FFFD (which would make a "valid" text nobody signed).
// ignoreBOM: keep a leading BOM in the text, so the signature is checked over exactly what was sent.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

type ReadResult =
  | BodyResult
  | { readonly kind: "aborted" }
  | { readonly kind: "flood"; readonly limit: number };

/** Reads a request body under `limit` bytes; never rejects. */
function readBody(request: IncomingMessage, limit: number): Promise<ReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: ReadResult) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (size > limit + DRAIN_ALLOWANCE_BYTES) {
        request.pause();
        settle({ kind: "flood", limit });
      }
    });
    request.on("end", () => {
      if (size > limit) {
        settle({ kind: "too-large", limit });
        return;
      }
      try {
        settle({ kind: "text", text: UTF8.decode(Buffer.concat(chunks)) });
      } catch {
        settle({ kind: "not-utf8" });
      }
    });
    request.on("error", () => settle({ kind: "aborted" }));
    // "close" before "end" means the client went away mid-body: nobody is left to answer.
    request.on("close", () => settle({ kind: "aborted" }));
  });
}

function send(response: ServerResponse, answer: SandboxAnswer, now: number, closeAfter = false): void {
  if (response.headersSent || response.writableEnded || response.destroyed) {
    return;
  }
  const body = Buffer.from(answer.body, "utf8");
  response.writeHead(answer.status, {
    // The sandbox's clock, not the wall clock: a client estimates its clock offset from this header
    // (ClockSkewError.estimatedOffsetMs), so a sandbox told it is 2023 must say so here too.
    date: new Date(now).toUTCString(),
    ...answer.headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(body.length),
    ...(closeAfter ? { connection: "close" } : {}),
  });
  response.end(body);
}

function urlOf(host: string, port: number): string {
  return host.includes(":") ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Starts a sandbox speaking GatePay, DaxPay and PayerMax at their real paths; resolves once it listens. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveOptions(options);
  // Checked before the keys are made, so a wrong URL fails at once.
  const notifyOptions = parseNotificationOptions(options.notifications);
  const notifyUrl = checkNotifyUrl(options.notifyUrl, notifyOptions.allowNonLoopback);
  const keys = resolveSandboxKeys(options.credentials, resolved.daxpaySignType);
  const state = new SandboxState(resolved.clock);
  const nonces = new GatePayNonceMemory();
  const delivery = new NotificationDelivery(keys, resolved.clock, notifyOptions);
  delivery.setNotifyUrl(notifyUrl);
  state.observer = delivery;
  const context: SandboxContext = {
    clock: resolved.clock,
    state,
    keys,
    settings: {
      gatepayResponseSignatures: resolved.gatepayResponseSignatures,
      paymentDelayMs: resolved.paymentDelayMs,
    },
    gatepayNonces: nonces,
    notifications: delivery,
    reset: () => {
      state.reset();
      nonces.clear();
    },
  };
  const routes = new Map<string, ProviderRoute>(
    [...gatepayRoutes, ...daxpayRoutes, ...payermaxRoutes].map((route) => [route.path, route]),
  );
  const adminToken = randomBytes(32).toString("base64url");
  const adminHosts = new Set<string>();
  const stopping = new AbortController();
  // Every delayed answer waits on this one signal, and any number may be in flight: without this, the
  // eleventh concurrent one prints a MaxListenersExceededWarning about a leak that is not there.
  setMaxListeners(0, stopping.signal);

  async function dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let path = "";
    let search = "";
    try {
      const url = new URL(request.url ?? "/", "http://sandbox.invalid");
      path = url.pathname;
      search = url.search.slice(1);
    } catch {
      // Left empty: an unparsable target is answered as an unknown path.
    }
    const method = request.method ?? "";
    const route = routes.get(path);
    const isAdmin = path.startsWith(ADMIN_PREFIX);
    if (route === undefined && !isAdmin) {
      send(
        response,
        jsonAnswer(404, { error: "not_found", message: `no sandbox route for ${method} ${path}` }),
        safeNow(context),
      );
      return;
    }
    if (route !== undefined && method !== "POST") {
      send(
        response,
        {
          ...jsonAnswer(405, { error: "method_not_allowed", message: `${path} accepts POST` }),
          headers: { allow: "POST" },
        },
        safeNow(context),
      );
      return;
    }
    if (isAdmin) {
      // Before the body is read: a request from another origin or without the token gets nothing.
      const refusal = checkAdminAccess(request.headers, adminHosts, adminToken);
      if (refusal !== undefined) {
        send(response, refusal, safeNow(context), true);
        return;
      }
    }
    const body = await readBody(request, resolved.maxBodyBytes);
    if (body.kind === "aborted") {
      return;
    }
    const flood = body.kind === "flood";
    const sandboxRequest = {
      method,
      path,
      search,
      headers: request.headers,
      body: flood ? ({ kind: "too-large", limit: body.limit } as const) : body,
    };
    if (route === undefined) {
      let adminAnswer: SandboxAnswer;
      try {
        adminAnswer = handleAdmin(sandboxRequest, context);
      } catch {
        adminAnswer = jsonAnswer(500, {
          error: "internal_error",
          message: "the sandbox failed on this request",
        });
      }
      send(response, adminAnswer, safeNow(context), flood);
      return;
    }
    let answer: SandboxAnswer;
    try {
      answer = route.handle(sandboxRequest, context);
    } catch {
      answer = route.systemError(context);
    }
    if (resolved.paymentDelayMs > 0) {
      await sleep(resolved.paymentDelayMs, undefined, { signal: stopping.signal });
    }
    send(response, answer, safeNow(context), flood);
  }

  const server = createServer((request, response) => {
    // A write to a connection the client has closed emits "error"; there is nobody to tell.
    response.on("error", () => {});
    dispatch(request, response).catch(() => {
      // Only an unexpected fault (or stop() during a delay) gets here: the provider answer could not be
      // built, so cut the connection rather than invent one.
      response.destroy();
    });
  });
  // Malformed HTTP (a bad request line, oversized headers) never reaches a handler; answer it as plain
  // HTTP would and close, or just close if the socket is already gone.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ error: "bad_request", message: "malformed HTTP request" });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });

  const address = await listen(server, resolved.port, resolved.host);
  const url = urlOf(resolved.host, address.port);
  // The Host values a same-machine client sends: the address it dialled, or localhost. A page on another
  // origin that rebinds its name to 127.0.0.1 still sends its own name, and is refused.
  adminHosts.add(new URL(url).host);
  adminHosts.add(`localhost:${address.port}`);
  let stopped: Promise<void> | undefined;

  return {
    url,
    credentials: keys.credentials,
    adminToken,
    seed: createSeeder(state),
    mintQuote: (input) => state.mintQuote(parseQuoteInput(input)),
    // The records come from the store filtered by kind, so the narrowing casts hold.
    setStatus: <K extends SandboxOrderKind>(kind: K, id: string, status: SandboxOrderStatus<K>) =>
      setOrderStatus(state, kind, id, status) as SandboxOrderRecordOf<K>,
    orders: ((kind?: SandboxOrderKind) =>
      state.orders(kind === undefined ? undefined : parseOrderKind(kind, "kind"))) as Sandbox["orders"],
    reset: context.reset,
    setNotifyUrl: (url) => delivery.setNotifyUrl(url),
    notifications: () => delivery.list(),
    notificationsSettled: () => delivery.idle(),
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        delivery.stop();
        stopping.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
