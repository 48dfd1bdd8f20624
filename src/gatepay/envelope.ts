// GatePay's envelopes (docs/provider-behaviour.md, "GatePay"). The payment API answers
// `{status, code, label?, errorMessage, data}`; the OTC API the same without `label`, or in a newer
// page revision `{code: "0", message: "success", status: "success", data}`. Both forms are read.

import type { components as OtcComponents } from "../../generated/gatepay-otc.js";
import type { components as PaymentsComponents } from "../../generated/gatepay-payments.js";
import { ClockSkewError, type ErrorContext, ProviderRejectedError } from "../core/errors.js";

type CloseOrderResponse = PaymentsComponents["schemas"]["CloseOrderResponse"];
type OtcRechargeResponse = OtcComponents["schemas"]["OtcRechargeResponse"];

/** The envelope fields every GatePay answer may carry, as the specs name them. */
export type GatePayEnvelope = Partial<
  Pick<CloseOrderResponse, "status" | "code" | "errorMessage" | "label">
> &
  Pick<OtcRechargeResponse, "message">;

/** GatePay's success codes: "000000", or "0" in the OTC API's newer page revision. */
const SUCCESS_CODES: ReadonlySet<string> = new Set(["000000", "0"]);

/** GatePay's "request timestamp timed out" (stale or future). */
const GATEPAY_CLOCK_CODE = "400003";
/** GatePay's "order status incorrect" (already closed/cancelled, or already paid). */
export const GATEPAY_STATUS_INCORRECT = "400204";

/** True when the envelope says success: status SUCCESS (any case) and a success code (OTC may omit it). */
export function isGatePaySuccess(envelope: GatePayEnvelope): boolean {
  return (
    envelope.status?.toUpperCase() === "SUCCESS" &&
    (envelope.code === undefined || SUCCESS_CODES.has(envelope.code))
  );
}

/** The provider's human-readable reason, from whichever field this envelope form uses. */
export function gatePayMessage(envelope: GatePayEnvelope): string {
  return envelope.errorMessage || envelope.message || envelope.label || "";
}

/**
 * True for 400204 when it says the order is already closed or cancelled: label ORDER_CLOSED on the
 * payment API; on the OTC API (no label) an errorMessage such as "order already cancelled".
 * "Already paid" (ORDER_PAID) is not.
 */
export function isAlreadyClosed(envelope: GatePayEnvelope): boolean {
  if (envelope.code !== GATEPAY_STATUS_INCORRECT) return false;
  if (envelope.label !== undefined) return envelope.label === "ORDER_CLOSED";
  return /already\s+(closed|cancel)/i.test(gatePayMessage(envelope));
}

/** The error for a failure envelope: ClockSkewError for 400003, otherwise ProviderRejectedError. */
export function gatePayRejection(
  envelope: GatePayEnvelope,
  raw: unknown,
  ctx: ErrorContext,
  estimatedOffsetMs: number | undefined,
): ProviderRejectedError {
  const options = {
    ...ctx,
    providerCode: envelope.code ?? "",
    providerMessage: gatePayMessage(envelope),
    raw,
  };
  return envelope.code === GATEPAY_CLOCK_CODE
    ? new ClockSkewError({ ...options, estimatedOffsetMs })
    : new ProviderRejectedError(options);
}
