// The three real clients pointed at one base URL (the sandbox, a fault server or a tampering proxy),
// and the five operations they offer, as data, so a test can run every fault against every operation.

import type { CommonClientOptions } from "../../../src/core/options.js";
import { createDaxPayClient, type DaxPayClient } from "../../../src/daxpay/index.js";
import {
  createGatePayClient,
  type GatePayClient,
  type GatePayResponseSignatures,
} from "../../../src/gatepay/index.js";
import { createPayerMaxClient, type PayerMaxClient } from "../../../src/payermax/index.js";
import type { SandboxCredentials } from "../../../src/sandbox/index.js";

/** One client per provider. */
export interface ClientSet {
  readonly gatepay: GatePayClient;
  readonly daxpay: DaxPayClient;
  readonly payermax: PayerMaxClient;
}

/** Options every client of the set gets, plus GatePay's response-signature mode. */
export interface ClientSetOptions extends CommonClientOptions {
  readonly gatepayResponseSignatures?: GatePayResponseSignatures;
}

/** Creates the three clients for `baseUrl` with `credentials` (as a sandbox hands them out). */
export function createClients(
  baseUrl: string,
  credentials: SandboxCredentials,
  options: ClientSetOptions = {},
): ClientSet {
  const { gatepayResponseSignatures, ...common } = options;
  return {
    gatepay: createGatePayClient({
      ...credentials.gatepay,
      baseUrl,
      ...common,
      ...(gatepayResponseSignatures === undefined ? {} : { responseSignatures: gatepayResponseSignatures }),
    }),
    daxpay: createDaxPayClient({ ...credentials.daxpay, baseUrl, ...common }),
    payermax: createPayerMaxClient({ ...credentials.payermax, baseUrl, ...common }),
  };
}

/** One client operation, with what the retry rule needs to know about it. */
export interface Operation {
  /** "gatepay closeOrder", for test names. */
  readonly name: string;
  readonly provider: "gatepay" | "daxpay" | "payermax";
  readonly operation: string;
  readonly path: string;
  /** False only for createRecharge: it must never reach the server twice. */
  readonly idempotent: boolean;
  /** Calls the operation with fixed, valid input. */
  call(clients: ClientSet): Promise<unknown>;
}

/** A valid createRecharge input (the OTC page's sample amounts). */
export const SAMPLE_RECHARGE = {
  quoteToken: "qt_RELIABILITY",
  bankId: "ba_reliability",
  currency: "USDT",
  amount: "1088.42",
  fiatCurrency: "USD",
  fiatAmount: "1000",
} as const;

/** Every operation of every client. */
export const OPERATIONS: readonly Operation[] = [
  {
    name: "gatepay closeOrder",
    provider: "gatepay",
    operation: "closeOrder",
    path: "/v1/pay/order/close",
    idempotent: true,
    call: (clients) => clients.gatepay.closeOrder({ merchantTradeNo: "REL-CLOSE-1" }),
  },
  {
    name: "gatepay createRecharge",
    provider: "gatepay",
    operation: "createRecharge",
    path: "/open/otc/api/recharge",
    idempotent: false,
    call: (clients) => clients.gatepay.createRecharge({ ...SAMPLE_RECHARGE }),
  },
  {
    name: "gatepay cancelRecharge",
    provider: "gatepay",
    operation: "cancelRecharge",
    path: "/open/otc/api/recharge/cancel",
    idempotent: true,
    call: (clients) => clients.gatepay.cancelRecharge({ orderId: "71347515709194240" }),
  },
  {
    name: "daxpay cancel",
    provider: "daxpay",
    operation: "cancel",
    path: "/unipay/cancel",
    idempotent: true,
    call: (clients) => clients.daxpay.cancel({ orderNo: "REL-DAX-1", clientIp: "127.0.0.1" }),
  },
  {
    name: "payermax cancel",
    provider: "payermax",
    operation: "cancel",
    path: "/aggregate-pay/api/gateway/cancel",
    idempotent: true,
    call: (clients) => clients.payermax.cancel({ requestId: "REL-REQ-1", outTradeNo: "REL-PM-1" }),
  },
];

export { rejectionOf } from "../../../src/core/test-support.js";

/** How a call ended: the value it resolved to, or what it rejected with. */
export type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

/** Waits for `promise` and reports how it ended, never rejecting. */
export async function settle(promise: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A clock that moves one second forward on every reading, so every attempt gets its own timestamp (even DaxPay's seconds). */
export function tickingClock(start = Date.now()): () => number {
  let readings = 0;
  return () => start + 1000 * readings++;
}
