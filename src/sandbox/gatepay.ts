// GatePay's three operations as GatePay answers them (docs/providers.md, "GatePay"; what the sandbox
// settles itself: docs/provider-behaviour.md, "GatePay"): the payment API's close, and the OTC API's
// recharge create and cancel. Both APIs share the signed headers, the 10 s window and the nonce rule;
// they differ in envelope and in the OTC merchant-id header.
//
// Checks run in this order, each with its own answer: media type (400007), body readable (400001),
// headers present and well-formed (400001), timestamp window (400003), client id and signature
// (400002), nonce unused (400020), merchant id (400001, OTC), JSON and schema (400001), then the order.
// Request and business errors are HTTP 200 (GatePay's error-code page); system errors HTTP 500.

import type { components as Otc } from "../../generated/gatepay-otc.js";
import {
  validateCancelRechargeRequest,
  validateCreateRechargeRequest,
} from "../../generated/gatepay-otc.validators.js";
import type { components as Payments } from "../../generated/gatepay-payments.js";
import {
  type SchemaValidator,
  validateCloseOrderRequest,
} from "../../generated/gatepay-payments.validators.js";
import { constantTimeEqual } from "../core/constant-time.js";
import {
  GATEPAY_CODE,
  GATEPAY_HEADER,
  GATEPAY_LABEL,
  GATEPAY_STATUS,
  GATEPAY_WINDOW_MS,
} from "../gatepay/codes.js";
import { signGatePay, verifyGatePaySignature } from "../gatepay/sign.js";
import { describeSchemaIssues, isRecord } from "./input.js";
import {
  isJsonContentType,
  jsonAnswer,
  type NonceStore,
  type ProviderRoute,
  randomAlphanumeric,
  requestNow,
  type SandboxAnswer,
  type SandboxContext,
  type SandboxRequest,
  safeNow,
  singleHeader,
} from "./route.js";
import type { GatePayRechargeRecord } from "./state.js";

type CloseOrderRequest = Payments["schemas"]["CloseOrderRequest"];
type CloseOrderResponse = Payments["schemas"]["CloseOrderResponse"];
type CancelRequest = Otc["schemas"]["CancelRequest"];
type OtcRechargeRequest = Otc["schemas"]["OtcRechargeRequest"];
type OtcRechargeData = NonNullable<Otc["schemas"]["OtcRechargeResponse"]["data"]>;
type OtcCancelData = NonNullable<Otc["schemas"]["OtcRechargeCancelResponse"]["data"]>;
type OtcEnvelope =
  | Otc["schemas"]["OtcRechargeResponse"]
  | Otc["schemas"]["OtcRechargeCancelResponse"]
  | Otc["schemas"]["GatePayErrorResponse"];

// A nonce must stay remembered as long as any request carrying it could still pass the window: a
// request accepted at t may carry a timestamp up to t + 10 s, which stays acceptable until t + 20 s.
const NONCE_MEMORY_MS = 2 * GATEPAY_WINDOW_MS;

const TIMESTAMP = /^[0-9]{1,16}$/;
const NONCE = /^[A-Za-z0-9]{1,32}$/;
const MERCHANT_ID = /^[0-9]{1,19}$/;

const HEADER = GATEPAY_HEADER;

/** The nonces GatePay has seen, per client id, each kept for twice the timestamp window. */
export class GatePayNonceMemory implements NonceStore {
  // Insertion order is expiry order (expiry = claim time + a constant), so pruning stops at the first
  // live entry. Keyed by client id too: two merchants may pick the same nonce.
  readonly #expiresAt = new Map<string, number>();

  /** Records a nonce; false when it is still remembered from an earlier request. */
  claim(clientId: string, nonce: string, now: number): boolean {
    this.#prune(now);
    const key = `${clientId}\u0000${nonce}`;
    const expiresAt = this.#expiresAt.get(key);
    if (expiresAt !== undefined && expiresAt > now) {
      return false;
    }
    this.#expiresAt.delete(key);
    this.#expiresAt.set(key, now + NONCE_MEMORY_MS);
    return true;
  }

  /** Forgets every nonce. */
  clear(): void {
    this.#expiresAt.clear();
  }

  #prune(now: number): void {
    for (const [key, expiresAt] of this.#expiresAt) {
      if (expiresAt > now) {
        return;
      }
      this.#expiresAt.delete(key);
    }
  }
}

type GatePayApi = "payments" | "otc";

/** A GatePay answer before it is put into its API's envelope. */
interface Reply {
  readonly httpStatus: number;
  readonly code: string;
  readonly errorMessage: string;
  /** Payment API only: the error label (ORDER_NOT_EXIST, ORDER_CLOSED, ORDER_PAID). */
  readonly label?: string;
  readonly data?: OtcRechargeData | OtcCancelData | CloseOrderResponse["data"];
}

const SUCCESS_CODE = GATEPAY_CODE.success;

function success(data: Reply["data"]): Reply {
  return { httpStatus: 200, code: SUCCESS_CODE, errorMessage: "", data };
}

// GatePay's error-code page lists 400001–400020 with HTTP status 200: the envelope, not the status, says FAIL.
function formatError(detail: string): Reply {
  return {
    httpStatus: 200,
    code: GATEPAY_CODE.parameterFormat,
    errorMessage: `parameter format error: ${detail}`,
  };
}

function reject(code: string, errorMessage: string): Reply {
  return { httpStatus: 200, code, errorMessage };
}

function businessFailure(code: string, errorMessage: string, label: string, data?: Reply["data"]): Reply {
  return data === undefined
    ? { httpStatus: 200, code, errorMessage, label }
    : { httpStatus: 200, code, errorMessage, label, data };
}

const SYSTEM_ERROR: Reply = { httpStatus: 500, code: GATEPAY_CODE.systemError, errorMessage: "system error" };

function envelope(api: GatePayApi, reply: Reply): CloseOrderResponse | OtcEnvelope {
  const status = reply.code === SUCCESS_CODE ? GATEPAY_STATUS.success : GATEPAY_STATUS.fail;
  if (api === "payments") {
    // The payment API's field order: status, code, label, errorMessage, data.
    const answer: CloseOrderResponse = { status, code: reply.code };
    if (reply.label !== undefined) answer.label = reply.label;
    answer.errorMessage = reply.errorMessage;
    if (reply.data !== undefined) answer.data = reply.data as CloseOrderResponse["data"];
    return answer;
  }
  // The OTC API (seed schema form): code, status, errorMessage, data; it has no label.
  const answer: Otc["schemas"]["OtcRechargeResponse"] = {
    code: reply.code,
    status,
    errorMessage: reply.errorMessage,
  };
  if (reply.data !== undefined) answer.data = reply.data as OtcRechargeData;
  return answer;
}

function render(api: GatePayApi, reply: Reply, context: SandboxContext, now: number): SandboxAnswer {
  const answer = jsonAnswer(reply.httpStatus, envelope(api, reply));
  if (!context.settings.gatepayResponseSignatures) {
    return answer;
  }
  // Responses are signed with the request rule and the merchant's secret ([U] in docs/providers.md: off by default).
  const timestamp = String(now);
  const nonce = randomAlphanumeric(32);
  const signature = signGatePay({
    secret: context.keys.credentials.gatepay.secret,
    timestamp,
    nonce,
    body: answer.body,
  });
  return {
    ...answer,
    headers: { [HEADER.timestamp]: timestamp, [HEADER.nonce]: nonce, [HEADER.signature]: signature },
  };
}

/** Authenticates a GatePay request and parses its body; a Reply when it must be refused. */
function admit(
  api: GatePayApi,
  request: SandboxRequest,
  context: SandboxContext,
  now: number,
  validate: SchemaValidator,
  prepare: (body: unknown) => unknown,
): Reply | { readonly body: unknown } {
  if (!isJsonContentType(request.headers)) {
    return reject(GATEPAY_CODE.unsupportedMediaType, "unsupported media type");
  }
  if (request.body.kind === "too-large") {
    return formatError(`request body is larger than ${request.body.limit} bytes`);
  }
  if (request.body.kind === "not-utf8") {
    return formatError("request body is not valid UTF-8");
  }
  const text = request.body.text;
  const names = api === "otc" ? Object.values(HEADER) : Object.values(HEADER).slice(0, 4);
  for (const name of names) {
    if (singleHeader(request.headers, name) === undefined) {
      return formatError(`missing header ${name}`);
    }
  }
  const clientId = singleHeader(request.headers, HEADER.clientId) ?? "";
  const timestamp = singleHeader(request.headers, HEADER.timestamp) ?? "";
  const nonce = singleHeader(request.headers, HEADER.nonce) ?? "";
  const signature = singleHeader(request.headers, HEADER.signature) ?? "";
  if (!TIMESTAMP.test(timestamp)) {
    return formatError(`${HEADER.timestamp} must be epoch milliseconds`);
  }
  if (!NONCE.test(nonce)) {
    return formatError(`${HEADER.nonce} must be 1 to 32 letters or digits`);
  }
  const merchantId = singleHeader(request.headers, HEADER.merchantId);
  if (api === "otc" && !MERCHANT_ID.test(merchantId ?? "")) {
    return formatError(`${HEADER.merchantId} must be an integer`);
  }
  if (Math.abs(now - Number(timestamp)) > GATEPAY_WINDOW_MS) {
    return reject(GATEPAY_CODE.timestampTimedOut, "request timestamp timed out");
  }
  const credentials = context.keys.credentials.gatepay;
  // An unknown client id has no secret to verify with: GatePay answers it as a failed signature.
  const knownClient = constantTimeEqual(clientId, credentials.clientId);
  const signed = verifyGatePaySignature({
    secret: credentials.secret,
    timestamp,
    nonce,
    body: text,
    signature,
  });
  if (!knownClient || !signed) {
    return reject(GATEPAY_CODE.signatureFailed, "signature verification failed");
  }
  // Only an authenticated request spends its nonce, so nobody can burn a merchant's nonces.
  if (!context.gatepayNonces.claim(clientId, nonce, now)) {
    return reject(GATEPAY_CODE.nonceError, "signature nonce error");
  }
  if (api === "otc" && merchantId !== String(credentials.merchantId)) {
    return formatError(`${HEADER.merchantId} does not belong to this client`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return formatError("request body is not valid JSON");
  }
  body = prepare(body);
  if (!validate(body)) {
    const issue = describeSchemaIssues(validate.errors);
    return formatError(`${issue.field} ${issue.reason}`);
  }
  return { body };
}

function gatepayRoute(
  api: GatePayApi,
  path: string,
  operation: string,
  validate: SchemaValidator,
  decide: (body: unknown, context: SandboxContext, now: number) => Reply,
  prepare: (body: unknown) => unknown = (body) => body,
): ProviderRoute {
  return {
    path,
    operation,
    handle(request, context) {
      const now = requestNow(context);
      const admitted = admit(api, request, context, now, validate, prepare);
      const reply = "body" in admitted ? decide(admitted.body, context, now) : admitted;
      return render(api, reply, context, now);
    },
    systemError(context) {
      return render(api, SYSTEM_ERROR, context, safeNow(context));
    },
  };
}

// Each `decide` runs after its validator accepted the body, so the body has the spec's type.

/**
 * GatePay's own SDKs send the id they do not use as `""` (Go) or `null` (Java); GatePay serves them,
 * so both mean "not sent" here, before the schema check and the lookup (docs/providers.md, "GatePay").
 */
function dropUnsetCloseIds(body: unknown): unknown {
  if (!isRecord(body)) {
    return body;
  }
  const kept: Record<string, unknown> = { ...body };
  for (const key of ["prepayId", "merchantTradeNo"]) {
    if (kept[key] === "" || kept[key] === null) {
      delete kept[key];
    }
  }
  return kept;
}

function closeOrder(body: unknown, context: SandboxContext, now: number): Reply {
  const { prepayId, merchantTradeNo } = body as CloseOrderRequest;
  switch (context.state.closePrepayOrder({ prepayId, merchantTradeNo }, now)) {
    case "closed":
      return success({ result: "SUCCESS" });
    case "already-closed":
      return businessFailure(
        GATEPAY_CODE.orderStatusIncorrect,
        "order already closed",
        GATEPAY_LABEL.orderClosed,
      );
    case "paid":
      return businessFailure(
        GATEPAY_CODE.orderStatusIncorrect,
        "order already paid",
        GATEPAY_LABEL.orderPaid,
      );
    case "not-found":
      return businessFailure(GATEPAY_CODE.orderNotExist, "order does not exist", GATEPAY_LABEL.orderNotExist);
  }
}

/**
 * An answer type as it goes on the wire: the generated types give int64 fields as the clients'
 * exact decimal strings; the sandbox writes JSON numbers, as GatePay does.
 */
type WireInt64<T> = {
  [K in keyof T]: K extends "createTime" | "id" | "uid"
    ? number | Exclude<T[K], string>
    : T[K] extends object | undefined
      ? WireInt64<T[K]>
      : T[K];
};

// Receiving bank details for the transfer. Test material: no such bank or account exists.
function sandboxCardInfo(
  recharge: GatePayRechargeRecord,
  merchantId: number,
): WireInt64<Otc["schemas"]["OtcCardInfo"]> {
  return {
    id: 1,
    uid: merchantId,
    entity: "Sandbox Test Entity (not a real bank)",
    bank_account_name: "SANDBOX TEST ACCOUNT",
    bank_name: "Sandbox Test Bank",
    bank_country: "ZZ",
    bank_address: "1 Sandbox Street, Testland",
    bank_code: "SANDBOX",
    branch_code: "000",
    iban: "ZZ00SANDBOX00000000000000",
    swift: "SANDZZ00",
    remittance_line_number: "000000000",
    agent_bank_name: "Sandbox Test Agent Bank",
    agent_bank_swift: "SANDZZ01",
    transferRemark: recharge.transferRemark,
    memo: "sandbox test material",
    is_default: true,
    bank_id: recharge.bankId,
  };
}

function rechargeData(recharge: GatePayRechargeRecord, merchantId: number): WireInt64<OtcRechargeData> {
  const data: WireInt64<OtcRechargeData> = {
    orderId: recharge.orderId,
    otcOrderId: recharge.otcOrderId,
    currency: recharge.currency,
    amount: recharge.amount,
    fiatCurrency: recharge.fiatCurrency,
    fiatAmount: recharge.fiatAmount,
    cfRate: recharge.cfRate,
    bankId: recharge.bankId,
    bankNumber: "SANDBOX-0001",
    paid: recharge.status === "PAID",
    status: recharge.status,
    card_info: sandboxCardInfo(recharge, merchantId),
    createTime: recharge.createTime,
  };
  if (recharge.promoCode !== null) data.promoCode = recharge.promoCode;
  data.transferRemark = recharge.transferRemark;
  return data;
}

function createRecharge(body: unknown, context: SandboxContext, now: number): Reply {
  const result = context.state.createRecharge(body as OtcRechargeRequest, now);
  if (result.outcome === "quote-rejected") {
    return formatError(`${result.field} ${result.reason}`);
  }
  // The wire form (int64 as JSON numbers) of what the generated type gives as exact text.
  return success(
    rechargeData(result.recharge, context.keys.credentials.gatepay.merchantId) as unknown as OtcRechargeData,
  );
}

function cancelRecharge(body: unknown, context: SandboxContext, now: number): Reply {
  switch (context.state.cancelRecharge((body as CancelRequest).orderId, now)) {
    case "cancelled":
    case "already-cancelled":
      return success({ success: true });
    case "paid":
      return {
        httpStatus: 200,
        code: GATEPAY_CODE.orderStatusIncorrect,
        errorMessage: "order already paid",
        data: { success: false },
      };
    case "not-found":
      return { httpStatus: 200, code: GATEPAY_CODE.orderNotExist, errorMessage: "order does not exist" };
  }
}

/** GatePay's routes: close prepay order, create recharge, cancel recharge. */
export const gatepayRoutes: readonly ProviderRoute[] = [
  gatepayRoute(
    "payments",
    "/v1/pay/order/close",
    "closeOrder",
    validateCloseOrderRequest,
    closeOrder,
    dropUnsetCloseIds,
  ),
  gatepayRoute(
    "otc",
    "/open/otc/api/recharge",
    "createRecharge",
    validateCreateRechargeRequest,
    createRecharge,
  ),
  gatepayRoute(
    "otc",
    "/open/otc/api/recharge/cancel",
    "cancelRecharge",
    validateCancelRechargeRequest,
    cancelRecharge,
  ),
];
