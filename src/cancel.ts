// Cancelling an unpaid order at whichever provider holds it, with one normalised outcome. Besides
// types, it imports only the providers' codes (src/<provider>/codes.ts, leaf modules), so it loads
// none of the clients: it calls the client it is given.

import { type Provider, ProviderRejectedError, ValidationError } from "./core/errors.js";
import { ensurePlainObject, requireEnum, withValidationContext } from "./core/validate.js";
import type { DaxPayCancelRequest, DaxPayClient } from "./daxpay/client.js";
import { DAXPAY_CODE } from "./daxpay/codes.js";
import type {
  GatePayCancelRechargeRequest,
  GatePayClient,
  GatePayCloseOrderRequest,
} from "./gatepay/client.js";
import {
  GATEPAY_CODE,
  GATEPAY_LABEL,
  GATEPAY_ORDER_CODES,
  isGatePaySuccessEnvelope,
} from "./gatepay/codes.js";
import type { PayerMaxCancelRequest, PayerMaxClient } from "./payermax/client.js";
import { PAYERMAX_ORDER_CODES } from "./payermax/codes.js";

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

/**
 * Why an outcome is "pending" or "unknown": "possibly_already_cancelled" (a retry was told the order
 * is no longer open: the lost first attempt may have cancelled it, or it was paid), "unverified" (a
 * refusal that carried no verifiable signature: it could have been forged on the path),
 * "unknown_status" (a status this library does not know), "in_progress" (the provider is still on
 * it: ask again later).
 */
export type CancelOutcomeReason =
  | "possibly_already_cancelled"
  | "unverified"
  | "unknown_status"
  | "in_progress";

/** The normalised outcome, with what the provider actually said. */
export interface CancelOrderResult {
  provider: Provider;
  outcome: CancelOutcome;
  /**
   * True when the answer behind the outcome carried the provider's signature and it verified. DaxPay's
   * business answers and PayerMax's accepted answers always do; GatePay signs its answers only when
   * configured to (`responseSignatures`), so a GatePay outcome is usually unverified.
   */
  verified: boolean;
  /** For "pending" and "unknown": why the outcome is not final. */
  reason?: CancelOutcomeReason;
  /** The provider's parsed answer: the client's result envelope, or a rejection's body. */
  raw: unknown;
  /** For "rejected" and "unknown": the provider's code (or status) behind the outcome. */
  providerCode?: string;
  /** For "rejected": the provider's reason, when it gave one. */
  providerMessage?: string;
}

/**
 * Cancels an unpaid order at the provider named by `order.provider`, using that provider's client
 * from `clients`, and normalises the answer (sources of each code: docs/providers.md):
 *
 * | provider | answer                                                          | outcome     |
 * | -------- | --------------------------------------------------------------- | ----------- |
 * | GatePay  | closeOrder success, `data.result` "SUCCESS" or absent           | `cancelled` |
 * | GatePay  | 400204 label ORDER_CLOSED (already closed or cancelled)         | `cancelled` |
 * | GatePay  | HTTP 200 400204 ORDER_PAID (or another label), 400202 not found | `rejected`  |
 * | GatePay  | success with another `data.result`                              | `unknown`   |
 * | GatePay  | OTC cancelRecharge (`orderId`): `data.success` true             | `cancelled` |
 * | GatePay  | OTC HTTP 200 400204 (already paid), 400202, success with `data.success` false | `rejected` |
 * | GatePay  | OTC success without `data.success`                              | `unknown`   |
 * | DaxPay   | signed `data.code` 0                                            | `cancelled` |
 * | DaxPay   | signed `data.code` 1 (支付订单不存在, 订单不是支付中, 撤销订单失败) | `rejected`  |
 * | DaxPay   | signed `data.code` 1 订单不是支付中 answered to a retry           | `unknown` (possibly_already_cancelled) |
 * | DaxPay   | 10007: a cancel of this order is already in progress            | `pending` (in_progress) |
 * | DaxPay   | a signed `data.code` other than 0 or 1                          | `unknown`   |
 * | PayerMax | APPLY_SUCCESS with `data.status` SUCCESS                        | `cancelled` |
 * | PayerMax | APPLY_SUCCESS with `data.status` PENDING                        | `pending`   |
 * | PayerMax | APPLY_SUCCESS with `data.status` FAILED (e.g. captured)         | `rejected`  |
 * | PayerMax | signed PARAMS_INVALID (e.g. unknown outTradeNo), PAYMENT_REJECTED | `rejected` |
 * | PayerMax | the same without a signature                                    | `unknown` (unverified) |
 * | PayerMax | APPLY_SUCCESS with a `data.status` not in the spec              | `unknown`   |
 *
 * Everything else rejects with the client's PayClientError, because it says nothing about the
 * order: invalid input or a missing client (ValidationError), the provider refusing the request
 * itself (signature, format, clock, merchant, system codes, and any GatePay answer that is not HTTP
 * 200: ProviderRejectedError, ClockSkewError), an untrusted answer (SignatureError), or no usable
 * answer (TimeoutError, NetworkError, ProviderUnavailableError, UnexpectedResponseError). A `pending`
 * cancel is finished by asking again (PayerMax: with the same requestId) or by its notification.
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
        return inOrder(
          "orderId" in rest
            ? gatePayRechargeOutcome(await client.cancelRecharge(rest as GatePayCancelRechargeRequest))
            : gatePayOutcome(await client.closeOrder(rest as GatePayCloseOrderRequest)),
        );
      case "daxpay":
        return inOrder(daxPayOutcome(await client.cancel(rest as DaxPayCancelRequest)));
      case "payermax":
        return inOrder(payerMaxOutcome(await client.cancel(rest as PayerMaxCancelRequest)));
    }
  } catch (error) {
    const outcome = rejectionOutcome(provider, error);
    if (outcome === undefined) throw error;
    return inOrder(outcome);
  }
}

/** The result with its fields in one order (what a log line or a CLI prints reads alike every time). */
function inOrder(result: CancelOrderResult): CancelOrderResult {
  const { provider, outcome, reason, verified, raw, providerCode, providerMessage } = result;
  return {
    provider,
    outcome,
    ...(reason === undefined ? {} : { reason }),
    verified,
    raw,
    ...(providerCode === undefined ? {} : { providerCode }),
    ...(providerMessage === undefined ? {} : { providerMessage }),
  };
}

function gatePayOutcome(result: Awaited<ReturnType<GatePayClient["closeOrder"]>>): CancelOrderResult {
  const answer = result.data?.result;
  const base = { provider: "gatepay", verified: result.verified, raw: result.raw } as const;
  if (result.alreadyClosed || answer === undefined || answer === null || answer === "SUCCESS") {
    return { ...base, outcome: "cancelled" };
  }
  return { ...base, outcome: "unknown", reason: "unknown_status", providerCode: answer };
}

function gatePayRechargeOutcome(
  result: Awaited<ReturnType<GatePayClient["cancelRecharge"]>>,
): CancelOrderResult {
  const base = { provider: "gatepay", verified: result.verified, raw: result.raw } as const;
  if (result.alreadyCancelled || result.data?.success === true) return { ...base, outcome: "cancelled" };
  return { ...base, outcome: "unknown", reason: "unknown_status", providerCode: result.raw.code ?? "" };
}

function daxPayOutcome(result: Awaited<ReturnType<DaxPayClient["cancel"]>>): CancelOrderResult {
  const base = { provider: "daxpay", verified: result.verified, raw: result.raw } as const;
  if (result.status === "cancelled") return { ...base, outcome: "cancelled" };
  return {
    ...base,
    outcome: "unknown",
    reason: result.possiblyAlreadyCancelled ? "possibly_already_cancelled" : "unknown_status",
    providerCode: String(result.data.code),
  };
}

function payerMaxOutcome(result: Awaited<ReturnType<PayerMaxClient["cancel"]>>): CancelOrderResult {
  const base = { provider: "payermax", verified: result.verified, raw: result.raw } as const;
  switch (result.status) {
    case "SUCCESS":
      return { ...base, outcome: "cancelled" };
    case "PENDING":
      return { ...base, outcome: "pending", reason: "in_progress" };
    case "FAILED":
      return {
        ...base,
        outcome: "rejected",
        providerCode: result.data.errorCode ?? "FAILED",
        providerMessage: result.data.errorMsg ?? "",
      };
    default:
      return { ...base, outcome: "unknown", reason: "unknown_status", providerCode: result.rawStatus };
  }
}

/** The outcome a rejection stands for, or undefined when it says nothing about the order. */
function rejectionOutcome(provider: Provider, error: unknown): CancelOrderResult | undefined {
  // ClockSkewError extends ProviderRejectedError but is about this machine's clock, not the order.
  if (!(error instanceof ProviderRejectedError) || error.type !== "provider_rejected") return undefined;
  const { providerCode: code, providerMessage, raw, verified } = error;
  const rejected: CancelOrderResult = {
    provider,
    outcome: "rejected",
    verified,
    raw,
    providerCode: code,
    providerMessage,
  };
  switch (provider) {
    case "gatepay": {
      // Only an HTTP 200 business answer is about the order; 4xx/5xx refuse the request itself.
      if (error.status !== 200) return undefined;
      // An OTC success envelope whose data says the deposit was not cancelled.
      const data = (raw as { data?: unknown } | null)?.data;
      if (
        isGatePaySuccessEnvelope((raw ?? {}) as object) &&
        (data as { success?: unknown } | null)?.success === false
      )
        return rejected;
      if (!GATEPAY_ORDER_CODES.has(code)) return undefined;
      if (code !== GATEPAY_CODE.orderStatusIncorrect) return rejected;
      const label = (raw as { label?: unknown } | null)?.label;
      return label === GATEPAY_LABEL.orderClosed
        ? { provider, outcome: "cancelled", verified, raw }
        : rejected;
    }
    case "daxpay":
      if (code === String(DAXPAY_CODE.repetitiveOperation)) {
        return { provider, outcome: "pending", reason: "in_progress", verified, raw, providerCode: code };
      }
      // Only the signed business answer is about the order; gateway codes refuse the request.
      return code === String(DAXPAY_CODE.businessFailure) && verified ? rejected : undefined;
    case "payermax":
      if (!PAYERMAX_ORDER_CODES.has(code)) return undefined;
      return verified
        ? rejected
        : { provider, outcome: "unknown", reason: "unverified", verified, raw, providerCode: code };
  }
}
