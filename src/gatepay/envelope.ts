// GatePay's envelopes (docs/providers.md, "GatePay"). The payment API answers
// `{status, code, label?, errorMessage, data}`; the OTC API the same without `label`, or in a newer
// page revision `{code: "0", message: "success", status: "success", data}`, or without `status`.
// GatePay's own pages also show `code`, `label` and `errorMessage` as null on a success, and `data`
// as "" on a failure. What decides (status, code, label) is compared exactly; the rest is informational.

import type { Verdict } from "../core/answer.js";
import { GATEPAY_CODE, GATEPAY_GLOSSES, GATEPAY_LABEL, isGatePaySuccessEnvelope } from "./codes.js";

/** The envelope fields every GatePay answer may carry; any of them may be null or absent. */
export interface GatePayEnvelope {
  readonly status?: string | null;
  readonly code?: string | null;
  readonly label?: string | null;
  readonly errorMessage?: string | null;
  readonly message?: string | null;
  readonly data?: unknown;
}

/** True when the envelope says success; the rule is ./codes.ts's, shared with cancelOrder. */
export function isGatePaySuccess(envelope: GatePayEnvelope): boolean {
  return isGatePaySuccessEnvelope(envelope);
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
  if (envelope.code !== GATEPAY_CODE.orderStatusIncorrect) return false;
  if (typeof envelope.label === "string") return envelope.label === GATEPAY_LABEL.orderClosed;
  return /already\s+(closed|cancel)/i.test(gatePayMessage(envelope));
}

/** The verdict for a failure envelope: 400003 is the request time; everything else a refusal. */
export function gatePayRejection(envelope: GatePayEnvelope): Verdict<never> {
  const code = envelope.code ?? "";
  return {
    kind: "rejected",
    code,
    message: gatePayMessage(envelope),
    clockSkew: code === GATEPAY_CODE.timestampTimedOut,
    gloss: GATEPAY_GLOSSES[code],
  };
}
