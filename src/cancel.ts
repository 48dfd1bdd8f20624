// Cancelling an unpaid order at whichever provider holds it, with one normalised outcome. Only types
// are imported from the provider folders, so this module loads none of them: it calls the client it
// is given.

import { type Provider, ProviderRejectedError, ValidationError } from "./core/errors.js";
import { ensurePlainObject, requireEnum, withValidationContext } from "./core/validate.js";
import type { DaxPayCancelRequest, DaxPayClient } from "./daxpay/client.js";
import type {
  GatePayCancelRechargeRequest,
  GatePayClient,
  GatePayCloseOrderRequest,
} from "./gatepay/client.js";
import type { PayerMaxCancelRequest, PayerMaxClient } from "./payermax/client.js";

/** The clients a merchant has configured; only the one for the order's provider is used. */
export interface CancelOrderClients {
  gatepay?: GatePayClient | undefined;
  daxpay?: DaxPayClient | undefined;
  payermax?: PayerMaxClient | undefined;
}

/**
 * The order to cancel: its provider, and that provider's own identifiers. A GatePay prepay order is
 * named by merchantTradeNo or prepayId (closed); a GatePay OTC deposit by its orderId (cancelled).
 */
export type CancelOrderTarget =
  | ({ provider: "gatepay" } & GatePayCloseOrderRequest)
  | ({ provider: "gatepay" } & GatePayCancelRechargeRequest)
  | ({ provider: "daxpay" } & DaxPayCancelRequest)
  | ({ provider: "payermax" } & PayerMaxCancelRequest);

/** Where the order stands after the call. */
export type CancelOutcome = "cancelled" | "pending" | "rejected" | "unknown";

/** The normalised outcome, with what the provider actually said. */
export interface CancelOrderResult {
  provider: Provider;
  outcome: CancelOutcome;
  /** The provider's parsed answer: the client's result envelope, or a rejection's body. */
  raw: unknown;
  /** For "rejected" and "unknown": the provider's code (or status) behind the outcome. */
  providerCode?: string;
  /** For "rejected": the provider's reason, when it gave one. */
  providerMessage?: string;
}

// Provider codes that describe the order (paid, closed, unknown…) rather than the request (auth,
// format, clock, system): only these become an outcome; every other rejection is thrown.
const GATEPAY_ORDER_NOT_FOUND = "400202";
const GATEPAY_ORDER_STATUS = "400204";
const DAXPAY_REFUSED = new Set(["1", "20041", "20043", "20044"]);
const DAXPAY_TRADE_CLOSED = "20042";
const PAYERMAX_REFUSED = new Set(["PARAMS_INVALID", "PAYMENT_REJECTED"]);

/**
 * Cancels an unpaid order at the provider named by `order.provider`, using that provider's client
 * from `clients`, and normalises the answer:
 *
 * | provider | answer                                                     | outcome     |
 * | -------- | ---------------------------------------------------------- | ----------- |
 * | GatePay  | closeOrder success, `data.result` "SUCCESS" or absent      | `cancelled` |
 * | GatePay  | 400204 label ORDER_CLOSED (already closed or cancelled)    | `cancelled` |
 * | GatePay  | 400204 ORDER_PAID (or another label), 400202 not found     | `rejected`  |
 * | GatePay  | success with another `data.result`                         | `unknown`   |
 * | GatePay  | OTC cancelRecharge (`orderId`): `data.success` true        | `cancelled` |
 * | GatePay  | OTC 400204 (already paid), 400202 not found, `data.success` false | `rejected` |
 * | GatePay  | OTC success without `data.success`                         | `unknown`   |
 * | DaxPay   | `data.code` 0, or gateway 20042 (trade closed)             | `cancelled` |
 * | DaxPay   | `data.code` 1 (e.g. already paid), 20041 not found, 20043 processing, 20044 status error | `rejected` |
 * | DaxPay   | a signed `data.code` other than 0 or 1                     | `unknown`   |
 * | PayerMax | APPLY_SUCCESS with `data.status` SUCCESS                   | `cancelled` |
 * | PayerMax | APPLY_SUCCESS with `data.status` PENDING                   | `pending`   |
 * | PayerMax | APPLY_SUCCESS with `data.status` FAILED (e.g. captured)    | `rejected`  |
 * | PayerMax | PARAMS_INVALID (e.g. unknown outTradeNo), PAYMENT_REJECTED | `rejected`  |
 * | PayerMax | APPLY_SUCCESS with a `data.status` not in the spec         | `unknown`   |
 *
 * Everything else rejects with the client's PayClientError, because it says nothing about the
 * order: invalid input or a missing client (ValidationError), the provider refusing the request
 * itself (signature, format, clock, merchant, system codes: ProviderRejectedError, ClockSkewError),
 * an untrusted answer (SignatureError), or no usable answer (TimeoutError, NetworkError,
 * ProviderUnavailableError, UnexpectedResponseError). A `pending` PayerMax cancel is finished by
 * asking again with the same requestId.
 */
export async function cancelOrder(
  clients: CancelOrderClients,
  order: CancelOrderTarget,
): Promise<CancelOrderResult> {
  const { provider, rest } = withValidationContext({ operation: "cancelOrder" }, () => {
    ensurePlainObject(clients, "clients");
    const { provider: named, ...others } = ensurePlainObject(order, "order");
    return {
      provider: requireEnum(named, "order.provider", ["gatepay", "daxpay", "payermax"]),
      rest: others,
    };
  });
  const client = clients[provider];
  if (client === undefined || client === null) {
    throw new ValidationError({
      field: `clients.${provider}`,
      rule: "required",
      reason: `a ${provider} client is needed to cancel this order`,
      provider,
      operation: "cancelOrder",
    });
  }
  if (client.provider !== provider) {
    throw new ValidationError({
      field: `clients.${provider}`,
      rule: "provider",
      reason: `must be a ${provider} client`,
      provider,
      operation: "cancelOrder",
    });
  }
  try {
    switch (client.provider) {
      case "gatepay":
        return "orderId" in rest
          ? gatePayRechargeOutcome(await client.cancelRecharge(rest as GatePayCancelRechargeRequest))
          : gatePayOutcome(await client.closeOrder(rest as GatePayCloseOrderRequest));
      case "daxpay":
        return daxPayOutcome(await client.cancel(rest as DaxPayCancelRequest));
      case "payermax":
        return payerMaxOutcome(await client.cancel(rest as PayerMaxCancelRequest));
    }
  } catch (error) {
    const outcome = rejectionOutcome(provider, error);
    if (outcome === undefined) throw error;
    return outcome;
  }
}

function gatePayOutcome(result: Awaited<ReturnType<GatePayClient["closeOrder"]>>): CancelOrderResult {
  const answer = result.data?.result;
  if (result.alreadyClosed || answer === undefined || answer === "SUCCESS") {
    return { provider: "gatepay", outcome: "cancelled", raw: result.raw };
  }
  return { provider: "gatepay", outcome: "unknown", raw: result.raw, providerCode: answer };
}

function gatePayRechargeOutcome(
  result: Awaited<ReturnType<GatePayClient["cancelRecharge"]>>,
): CancelOrderResult {
  if (result.alreadyCancelled || result.data?.success === true) {
    return { provider: "gatepay", outcome: "cancelled", raw: result.raw };
  }
  return {
    provider: "gatepay",
    outcome: "unknown",
    raw: result.raw,
    providerCode: result.raw.code ?? "",
  };
}

function daxPayOutcome(result: Awaited<ReturnType<DaxPayClient["cancel"]>>): CancelOrderResult {
  if (result.status === "cancelled") return { provider: "daxpay", outcome: "cancelled", raw: result.raw };
  return {
    provider: "daxpay",
    outcome: "unknown",
    raw: result.raw,
    providerCode: result.data === undefined ? undefined : String(result.data.code),
  };
}

function payerMaxOutcome(result: Awaited<ReturnType<PayerMaxClient["cancel"]>>): CancelOrderResult {
  switch (result.status) {
    case "SUCCESS":
      return { provider: "payermax", outcome: "cancelled", raw: result.raw };
    case "PENDING":
      return { provider: "payermax", outcome: "pending", raw: result.raw };
    case "FAILED":
      return {
        provider: "payermax",
        outcome: "rejected",
        raw: result.raw,
        providerCode: result.data.errorCode ?? "FAILED",
        providerMessage: result.data.errorMsg ?? "",
      };
    default:
      return { provider: "payermax", outcome: "unknown", raw: result.raw, providerCode: result.rawStatus };
  }
}

/** The outcome a rejection stands for, or undefined when it says nothing about the order. */
function rejectionOutcome(provider: Provider, error: unknown): CancelOrderResult | undefined {
  // ClockSkewError extends ProviderRejectedError but is about this machine's clock, not the order.
  if (!(error instanceof ProviderRejectedError) || error.type !== "provider_rejected") return undefined;
  const { providerCode: code, providerMessage, raw } = error;
  const rejected: CancelOrderResult = {
    provider,
    outcome: "rejected",
    raw,
    providerCode: code,
    providerMessage,
  };
  switch (provider) {
    case "gatepay": {
      if (code === GATEPAY_ORDER_NOT_FOUND) return rejected;
      // An OTC success envelope whose data says the deposit was not cancelled.
      if ((raw as { data?: { success?: unknown } } | null)?.data?.success === false) return rejected;
      if (code !== GATEPAY_ORDER_STATUS) return undefined;
      const label = (raw as { label?: unknown } | null)?.label;
      return label === "ORDER_CLOSED" ? { provider, outcome: "cancelled", raw } : rejected;
    }
    case "daxpay":
      if (code === DAXPAY_TRADE_CLOSED) return { provider, outcome: "cancelled", raw };
      return DAXPAY_REFUSED.has(code) ? rejected : undefined;
    case "payermax":
      return PAYERMAX_REFUSED.has(code) ? rejected : undefined;
  }
}
