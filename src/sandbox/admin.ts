// The sandbox's own API, apart from the providers': seeding orders in any state, minting OTC quotes,
// changing a status out of band, inspecting the records and resetting. Programmatic (startSandbox's
// `seed`, `mintQuote`, …) and over HTTP under ADMIN_PREFIX, both through the same validation, so a
// bad field gets the same message either way.

import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { components as Otc } from "../../generated/gatepay-otc.js";
import { DAXPAY_CHANNELS, DAXPAY_MAX_LENGTH } from "../daxpay/codes.js";
import { PAYERMAX_MAX_LENGTH, PAYERMAX_OUT_TRADE_NO_PATTERN } from "../payermax/codes.js";
import {
  DECIMAL_STRING,
  expectObject,
  optionalEnum,
  optionalInteger,
  optionalString,
  rejectUnknownKeys,
  SandboxInputError,
} from "./input.js";
import {
  isJsonContentType,
  jsonAnswer,
  type SandboxAnswer,
  type SandboxContext,
  type SandboxRequest,
} from "./route.js";
import {
  type DaxPayOrderRecord,
  type DaxPayOrderSeed,
  type GatePayPrepayOrderRecord,
  type GatePayPrepayOrderSeed,
  type GatePayRechargeRecord,
  type GatePayRechargeSeed,
  type PayerMaxOrderRecord,
  type PayerMaxOrderSeed,
  type QuoteInput,
  type SandboxOrderKind,
  type SandboxOrderRecord,
  type SandboxState,
  type SeedItem,
  STATUSES,
} from "./state.js";

type OtcRechargeRequest = Otc["schemas"]["OtcRechargeRequest"];

/** Every admin route lives under this prefix, which no provider path starts with. */
export const ADMIN_PREFIX = "/__sandbox/";

const CURRENCIES: readonly OtcRechargeRequest["currency"][] = ["USDT", "USDC"];
const FIAT_CURRENCIES: readonly OtcRechargeRequest["fiatCurrency"][] = ["USD"];
const ORDER_KINDS = Object.keys(STATUSES) as SandboxOrderKind[];
const MAX_TTL_MS = 24 * 60 * 60 * 1000;

/** Creates orders in any state, one call per provider order kind; ids left out are generated. */
export interface SandboxSeeder {
  /** A GatePay prepay order for closeOrder; status defaults to PENDING (unpaid). */
  gatepayPrepayOrder(input?: GatePayPrepayOrderSeed): GatePayPrepayOrderRecord;
  /** A GatePay OTC recharge for cancelRecharge; status defaults to PENDING (unpaid). */
  gatepayRecharge(input?: GatePayRechargeSeed): GatePayRechargeRecord;
  /** A DaxPay pay order for cancel; status defaults to progress (unpaid). */
  daxpayOrder(input?: DaxPayOrderSeed): DaxPayOrderRecord;
  /** A PayerMax order for cancel; status defaults to AUTHORIZED. */
  payermaxOrder(input?: PayerMaxOrderSeed): PayerMaxOrderRecord;
}

function parsePrepaySeed(value: unknown, prefix: string): GatePayPrepayOrderSeed {
  const input = expectObject(value, prefix || "input", prefix === "");
  rejectUnknownKeys(input, ["prepayId", "merchantTradeNo", "status"], prefix);
  return {
    prepayId: optionalString(input, "prepayId", prefix, { maxLength: 64 }),
    merchantTradeNo: optionalString(input, "merchantTradeNo", prefix, { maxBytes: 32 }),
    status: optionalEnum(input, "status", prefix, STATUSES.gatepayPrepayOrder),
  };
}

function parseRechargeSeed(value: unknown, prefix: string): GatePayRechargeSeed {
  const input = expectObject(value, prefix || "input", prefix === "");
  rejectUnknownKeys(
    input,
    ["orderId", "status", "bankId", "currency", "amount", "fiatCurrency", "fiatAmount"],
    prefix,
  );
  return {
    orderId: optionalString(input, "orderId", prefix, { maxLength: 64 }),
    status: optionalEnum(input, "status", prefix, STATUSES.gatepayRecharge),
    bankId: optionalString(input, "bankId", prefix, { maxLength: 64 }),
    currency: optionalEnum(input, "currency", prefix, CURRENCIES),
    amount: optionalString(input, "amount", prefix, { pattern: DECIMAL_STRING }),
    fiatCurrency: optionalEnum(input, "fiatCurrency", prefix, FIAT_CURRENCIES),
    fiatAmount: optionalString(input, "fiatAmount", prefix, { pattern: DECIMAL_STRING }),
  };
}

function parseDaxPaySeed(value: unknown, prefix: string): DaxPayOrderSeed {
  const input = expectObject(value, prefix || "input", prefix === "");
  rejectUnknownKeys(input, ["orderNo", "bizOrderNo", "status", "channel"], prefix);
  return {
    orderNo: optionalString(input, "orderNo", prefix, { maxUtf16Units: DAXPAY_MAX_LENGTH.orderNo }),
    bizOrderNo: optionalString(input, "bizOrderNo", prefix, { maxUtf16Units: DAXPAY_MAX_LENGTH.bizOrderNo }),
    status: optionalEnum(input, "status", prefix, STATUSES.daxpayOrder),
    channel: optionalEnum(input, "channel", prefix, DAXPAY_CHANNELS),
  };
}

// PayerMax's order rule (docs/providers.md, "PayerMax" → "Lengths", P-order): an order the real
// PayerMax could never have created is refused at seed time, not held for the client to cancel.
const OUT_TRADE_NO = {
  regex: PAYERMAX_OUT_TRADE_NO_PATTERN,
  description: "letters, digits and _ only (PayerMax's order rule)",
} as const;

function parsePayerMaxSeed(value: unknown, prefix: string): PayerMaxOrderSeed {
  const input = expectObject(value, prefix || "input", prefix === "");
  rejectUnknownKeys(input, ["outTradeNo", "status"], prefix);
  return {
    outTradeNo: optionalString(input, "outTradeNo", prefix, {
      maxLength: PAYERMAX_MAX_LENGTH.outTradeNo,
      pattern: OUT_TRADE_NO,
    }),
    status: optionalEnum(input, "status", prefix, STATUSES.payermaxOrder),
  };
}

/** Validates quote input from JS or JSON; throws SandboxInputError naming the field. */
export function parseQuoteInput(value: unknown, prefix = ""): QuoteInput {
  const input = expectObject(value, prefix || "input", true);
  rejectUnknownKeys(
    input,
    ["quoteToken", "currency", "amount", "fiatCurrency", "fiatAmount", "ttlMs"],
    prefix,
  );
  return {
    quoteToken: optionalString(input, "quoteToken", prefix, { maxLength: 128 }),
    currency: optionalEnum(input, "currency", prefix, CURRENCIES),
    amount: optionalString(input, "amount", prefix, { pattern: DECIMAL_STRING }),
    fiatCurrency: optionalEnum(input, "fiatCurrency", prefix, FIAT_CURRENCIES),
    fiatAmount: optionalString(input, "fiatAmount", prefix, { pattern: DECIMAL_STRING }),
    ttlMs: optionalInteger(input, "ttlMs", prefix, 1, MAX_TTL_MS),
  };
}

/** Validates an order kind from JS or JSON. */
export function parseOrderKind(value: unknown, field: string): SandboxOrderKind {
  if (typeof value !== "string" || !(ORDER_KINDS as string[]).includes(value)) {
    throw new SandboxInputError(field, `must be one of ${ORDER_KINDS.join(", ")}`);
  }
  return value as SandboxOrderKind;
}

/** The programmatic seeder over a state; each call validates like the HTTP route does. */
export function createSeeder(state: SandboxState): SandboxSeeder {
  return {
    gatepayPrepayOrder: (input) =>
      state.seed([
        { kind: "gatepayPrepayOrder", field: "", input: parsePrepaySeed(input, "") },
      ])[0] as GatePayPrepayOrderRecord,
    gatepayRecharge: (input) =>
      state.seed([
        { kind: "gatepayRecharge", field: "", input: parseRechargeSeed(input, "") },
      ])[0] as GatePayRechargeRecord,
    daxpayOrder: (input) =>
      state.seed([
        { kind: "daxpayOrder", field: "", input: parseDaxPaySeed(input, "") },
      ])[0] as DaxPayOrderRecord,
    payermaxOrder: (input) =>
      state.seed([
        { kind: "payermaxOrder", field: "", input: parsePayerMaxSeed(input, "") },
      ])[0] as PayerMaxOrderRecord,
  };
}

// The HTTP seed body: a list per kind, so a load test can seed thousands of orders in one call.
const SEED_LISTS = {
  gatepayPrepayOrders: (value: unknown, field: string): SeedItem => ({
    kind: "gatepayPrepayOrder",
    field,
    input: parsePrepaySeed(value, field),
  }),
  gatepayRecharges: (value: unknown, field: string): SeedItem => ({
    kind: "gatepayRecharge",
    field,
    input: parseRechargeSeed(value, field),
  }),
  daxpayOrders: (value: unknown, field: string): SeedItem => ({
    kind: "daxpayOrder",
    field,
    input: parseDaxPaySeed(value, field),
  }),
  payermaxOrders: (value: unknown, field: string): SeedItem => ({
    kind: "payermaxOrder",
    field,
    input: parsePayerMaxSeed(value, field),
  }),
} as const;

function parseSeedBody(value: unknown): SeedItem[] {
  const body = expectObject(value, "body");
  rejectUnknownKeys(body, Object.keys(SEED_LISTS), "");
  const items: SeedItem[] = [];
  for (const [key, parse] of Object.entries(SEED_LISTS)) {
    const list = body[key];
    if (list === undefined) {
      continue;
    }
    if (!Array.isArray(list)) {
      throw new SandboxInputError(key, "must be an array");
    }
    list.forEach((entry: unknown, index) => {
      items.push(parse(entry, `${key}[${index}]`));
    });
  }
  return items;
}

/** Sets an order's status out of band, validating every argument; throws when the order does not exist. */
export function setOrderStatus(
  state: SandboxState,
  kind: unknown,
  id: unknown,
  status: unknown,
): SandboxOrderRecord {
  const orderKind = parseOrderKind(kind, "kind");
  if (typeof id !== "string" || id === "") {
    throw new SandboxInputError("id", "must be a non-empty string");
  }
  if (typeof status !== "string" || !(STATUSES[orderKind] as readonly string[]).includes(status)) {
    throw new SandboxInputError("status", `must be one of ${STATUSES[orderKind].join(", ")}`);
  }
  const record = state.setStatus(orderKind, id, status);
  if (record === undefined) {
    throw new OrderNotFoundError(orderKind);
  }
  return record;
}

/** No order of that kind has the given id. */
export class OrderNotFoundError extends Error {
  constructor(kind: SandboxOrderKind) {
    super(`id does not name a ${kind}`);
    this.name = "OrderNotFoundError";
  }
}

function adminError(status: number, error: string, message: string, field?: string): SandboxAnswer {
  return jsonAnswer(status, field === undefined ? { error, message } : { error, field, message });
}

/**
 * Refuses an admin request that a web page could have sent, before its body is read: a `Host` that is
 * not the sandbox's own address (DNS rebinding: a page whose name now resolves to 127.0.0.1 still sends
 * its own name) gets 403, a missing or wrong `Authorization: Bearer <adminToken>` gets 401. Undefined
 * when the request may go on.
 */
export function checkAdminAccess(
  headers: IncomingHttpHeaders,
  allowedHosts: ReadonlySet<string>,
  token: string,
): SandboxAnswer | undefined {
  const host = headers.host?.toLowerCase();
  if (host === undefined || !allowedHosts.has(host)) {
    return adminError(403, "forbidden_host", `Host must be one of ${[...allowedHosts].join(", ")}`);
  }
  const authorization = headers.authorization;
  const expected = Buffer.from(`Bearer ${token}`, "utf8");
  const given = Buffer.from(authorization ?? "", "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      ...adminError(
        401,
        "unauthorized",
        authorization === undefined
          ? "Authorization: Bearer <adminToken> is required (the token startSandbox() returns)"
          : "Authorization does not carry this sandbox's admin token",
      ),
      headers: { "www-authenticate": 'Bearer realm="payclients-sandbox"' },
    };
  }
  return undefined;
}

function readJson(request: SandboxRequest, required: boolean): { value: unknown } | SandboxAnswer {
  // Checked before anything else, even for an empty body: a browser sends a text/plain POST from any
  // page without asking first, but must ask (CORS preflight, which the sandbox never grants) for JSON.
  if (!isJsonContentType(request.headers)) {
    return adminError(415, "unsupported_media_type", "Content-Type must be application/json");
  }
  if (request.body.kind === "too-large") {
    return adminError(413, "payload_too_large", `body must be at most ${request.body.limit} bytes`);
  }
  if (request.body.kind === "not-utf8") {
    return adminError(400, "invalid_json", "body is not valid UTF-8");
  }
  const text = request.body.text;
  if (text.trim() === "") {
    return required
      ? adminError(400, "invalid_request", "body must be a JSON object", "body")
      : { value: undefined };
  }
  try {
    return { value: JSON.parse(text) };
  } catch {
    return adminError(400, "invalid_json", "body is not valid JSON");
  }
}

type AdminRoute = (request: SandboxRequest, context: SandboxContext) => SandboxAnswer;

function withJson(
  required: boolean,
  use: (value: unknown, context: SandboxContext) => SandboxAnswer,
): AdminRoute {
  return (request, context) => {
    const read = readJson(request, required);
    return "value" in read ? use(read.value, context) : read;
  };
}

const ADMIN_ROUTES: Record<string, { readonly method: "GET" | "POST"; readonly handle: AdminRoute }> = {
  seed: {
    method: "POST",
    handle: withJson(true, (value, context) =>
      jsonAnswer(201, { orders: context.state.seed(parseSeedBody(value)) }),
    ),
  },
  quotes: {
    method: "POST",
    handle: withJson(false, (value, context) =>
      jsonAnswer(201, context.state.mintQuote(parseQuoteInput(value))),
    ),
  },
  orders: {
    method: "GET",
    handle: (request, context) => {
      const kind = new URLSearchParams(request.search).get("kind");
      const orders = context.state.orders(kind === null ? undefined : parseOrderKind(kind, "kind"));
      return jsonAnswer(200, { orders });
    },
  },
  "orders/status": {
    method: "POST",
    handle: withJson(true, (value, context) => {
      const body = expectObject(value, "body");
      rejectUnknownKeys(body, ["kind", "id", "status"], "");
      return jsonAnswer(200, { order: setOrderStatus(context.state, body.kind, body.id, body.status) });
    }),
  },
  "notify-url": {
    method: "POST",
    handle: withJson(true, (value, context) => {
      const body = expectObject(value, "body");
      rejectUnknownKeys(body, ["notifyUrl"], "");
      if (body.notifyUrl === undefined) {
        throw new SandboxInputError(
          "notifyUrl",
          "is required: a loopback http(s) URL, or null to stop notifying",
        );
      }
      context.notifications.setNotifyUrl(body.notifyUrl);
      return jsonAnswer(200, { notifyUrl: context.notifications.notifyUrl });
    }),
  },
  notifications: {
    method: "GET",
    handle: (_request, context) => jsonAnswer(200, { notifications: context.notifications.list() }),
  },
  reset: {
    method: "POST",
    handle: withJson(false, (value, context) => {
      if (value !== undefined) {
        rejectUnknownKeys(expectObject(value, "body"), [], "");
      }
      context.reset();
      return jsonAnswer(200, { reset: true });
    }),
  },
};

/** Answers one admin request (path under ADMIN_PREFIX): JSON in, JSON out, 400 naming the field on bad input. */
export function handleAdmin(request: SandboxRequest, context: SandboxContext): SandboxAnswer {
  const name = request.path.slice(ADMIN_PREFIX.length);
  const route = Object.hasOwn(ADMIN_ROUTES, name) ? ADMIN_ROUTES[name] : undefined;
  if (route === undefined) {
    return adminError(404, "not_found", `no admin route ${request.path}`);
  }
  if (request.method !== route.method) {
    return {
      ...adminError(405, "method_not_allowed", `${request.path} accepts ${route.method}`),
      headers: { allow: route.method },
    };
  }
  try {
    return route.handle(request, context);
  } catch (error) {
    if (error instanceof SandboxInputError) {
      return adminError(400, "invalid_request", error.message, error.field);
    }
    if (error instanceof OrderNotFoundError) {
      return adminError(404, "order_not_found", error.message, "id");
    }
    throw error;
  }
}
