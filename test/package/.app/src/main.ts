// An app that installed payclients from its tarball (scripts/package-test.ts builds this folder into a
// fresh temporary app). It uses every client and the sandbox the way a newcomer would, through the
// package's public entry points only, and exits 0 only when every result is as expected.
//
// Each `@ts-expect-error` line is misuse the published types must reject; its trailing "(TSxxxx)" is the
// error the packaging test expects there once the marker is removed. The same calls also run, and must
// fail at run time with a ValidationError before anything is sent.

import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import {
  cancelOrder,
  createDaxPayClient,
  createGatePayClient,
  createPayerMaxClient,
  PayClientError,
  signDaxPay,
  signGatePay,
  signPayerMax,
  verifyDaxPaySignature,
  verifyGatePaySignature,
  verifyPayerMaxSignature,
} from "payclients";
import * as daxpayEntry from "payclients/daxpay";
import * as gatepayEntry from "payclients/gatepay";
import * as payermaxEntry from "payclients/payermax";
import { startSandbox } from "payclients/sandbox";

let checks = 0;
function ok(condition: boolean, what: string): void {
  assert.ok(condition, what);
  checks += 1;
}

/** Awaits `call` and checks it failed with a PayClientError of `type`; returns that error. */
async function fails(type: PayClientError["type"], call: () => Promise<unknown>): Promise<PayClientError> {
  try {
    await call();
  } catch (error) {
    ok(error instanceof PayClientError, `a PayClientError, got ${String(error)}`);
    assert.ok(error instanceof PayClientError);
    ok(error.type === type, `type ${type}, got ${error.type}: ${error.message}`);
    return error;
  }
  throw new assert.AssertionError({ message: `expected a ${type} error, but the call succeeded` });
}

/** Like {@link fails}, for a call that throws synchronously (client factories). */
function throws(type: PayClientError["type"], call: () => unknown): void {
  try {
    call();
  } catch (error) {
    ok(
      error instanceof PayClientError && error.type === type,
      `a ${type} PayClientError, got ${String(error)}`,
    );
    return;
  }
  throw new assert.AssertionError({ message: `expected a ${type} error, but the call succeeded` });
}

const sandbox = await startSandbox();
try {
  const { url, credentials } = sandbox;
  let requests = 0;
  const countRequests = {
    onRequest: () => {
      requests += 1;
    },
  };

  // Per-provider entry points hand out the very same functions as the root: one module instance, so
  // `instanceof PayClientError` holds whichever entry an error came through.
  ok(
    gatepayEntry.createGatePayClient === createGatePayClient,
    "payclients/gatepay re-exports the root's client",
  );
  ok(daxpayEntry.createDaxPayClient === createDaxPayClient, "payclients/daxpay re-exports the root's client");
  ok(
    payermaxEntry.createPayerMaxClient === createPayerMaxClient,
    "payclients/payermax re-exports the root's client",
  );
  for (const entry of [gatepayEntry, daxpayEntry, payermaxEntry]) {
    ok(entry.PayClientError === PayClientError, "each entry point shares the root's PayClientError");
  }

  const gatepay = gatepayEntry.createGatePayClient({
    ...credentials.gatepay,
    baseUrl: url,
    ...countRequests,
  });
  const daxpay = daxpayEntry.createDaxPayClient({ ...credentials.daxpay, baseUrl: url, ...countRequests });
  const payermax = payermaxEntry.createPayerMaxClient({
    ...credentials.payermax,
    baseUrl: url,
    ...countRequests,
  });

  // --- GatePay: closeOrder, by merchantTradeNo and by prepayId --------------------------------------
  const byTradeNo = sandbox.seed.gatepayPrepayOrder();
  const closed = await gatepay.closeOrder({ merchantTradeNo: byTradeNo.merchantTradeNo });
  ok(closed.alreadyClosed === false && closed.data?.result === "SUCCESS", "closeOrder by merchantTradeNo");
  const byPrepayId = sandbox.seed.gatepayPrepayOrder();
  await gatepay.closeOrder({ prepayId: byPrepayId.prepayId });
  const prepayStatuses = sandbox.orders("gatepayPrepayOrder").map((order) => order.status);
  ok(prepayStatuses.join() === "CLOSED,CLOSED", `both prepay orders closed, got ${prepayStatuses.join()}`);

  // A paid order cannot be closed: a provider rejection, with where it happened.
  const paid = sandbox.seed.gatepayPrepayOrder({ status: "PAID" });
  const rejected = await fails("provider_rejected", () =>
    gatepay.closeOrder({ merchantTradeNo: paid.merchantTradeNo }),
  );
  ok(rejected.provider === "gatepay" && rejected.operation === "closeOrder", "the rejection names where");

  // --- GatePay OTC: createRecharge from a quote, then cancelRecharge --------------------------------
  const quote = sandbox.mintQuote();
  const recharge = await gatepay.createRecharge({
    quoteToken: quote.quoteToken,
    bankId: "ba_123456789",
    currency: quote.currency,
    amount: quote.amount,
    fiatCurrency: quote.fiatCurrency,
    fiatAmount: quote.fiatAmount,
  });
  ok(recharge.data.amount === quote.amount, "createRecharge returns the order with the quoted amount");
  const cancelledRecharge = await gatepay.cancelRecharge({ orderId: String(recharge.data.orderId) });
  ok(cancelledRecharge.alreadyCancelled === false, "cancelRecharge");
  ok(sandbox.orders("gatepayRecharge")[0]?.status === "CANCELLED", "the recharge is cancelled at GatePay");

  // --- DaxPay: cancel by bizOrderNo, by orderNo ------------------------------------------------------
  const daxOrder = sandbox.seed.daxpayOrder();
  const daxCancel = await daxpay.cancel({ bizOrderNo: daxOrder.bizOrderNo, clientIp: "203.0.113.7" });
  ok(daxCancel.status === "cancelled", `DaxPay cancel by bizOrderNo, got ${daxCancel.status}`);
  const daxOrder2 = sandbox.seed.daxpayOrder();
  ok(
    (await daxpay.cancel({ orderNo: daxOrder2.orderNo })).status === "cancelled",
    "DaxPay cancel by orderNo",
  );

  // --- PayerMax: cancel -------------------------------------------------------------------------------
  const pmOrder = sandbox.seed.payermaxOrder();
  const pmCancel = await payermax.cancel({
    requestId: `cancel-${pmOrder.outTradeNo}`,
    outTradeNo: pmOrder.outTradeNo,
  });
  ok(["SUCCESS", "PENDING"].includes(pmCancel.status), `PayerMax cancel accepted, got ${pmCancel.status}`);
  ok(sandbox.orders("payermaxOrder")[0]?.status === "CANCELLED", "the PayerMax order is cancelled");

  // --- The cross-provider cancel ------------------------------------------------------------------------
  const clients = { gatepay, daxpay, payermax };
  const outcomes = [
    await cancelOrder(clients, {
      provider: "gatepay",
      merchantTradeNo: sandbox.seed.gatepayPrepayOrder().merchantTradeNo,
    }),
    await cancelOrder(clients, { provider: "daxpay", bizOrderNo: sandbox.seed.daxpayOrder().bizOrderNo }),
    await cancelOrder(clients, {
      provider: "payermax",
      requestId: "cancel-any-1",
      outTradeNo: sandbox.seed.payermaxOrder().outTradeNo,
    }),
  ].map((result) => `${result.provider}:${result.outcome}`);
  ok(
    /^gatepay:cancelled,daxpay:cancelled,payermax:(cancelled|pending)$/.test(outcomes.join()),
    `cancelOrder at each provider, got ${outcomes.join()}`,
  );
  const paidAtDaxPay = sandbox.seed.daxpayOrder({ status: "success" });
  const refused = await cancelOrder(clients, { provider: "daxpay", orderNo: paidAtDaxPay.orderNo });
  ok(refused.outcome === "rejected", `cancelOrder of a paid order, got ${refused.outcome}`);

  // --- The openapi-fetch clients (client.openapi), signing middleware installed ----------------------
  const rawOrder = sandbox.seed.gatepayPrepayOrder();
  const raw = await gatepay.openapi.payments.POST("/v1/pay/order/close", {
    body: { merchantTradeNo: rawOrder.merchantTradeNo },
  });
  ok(raw.data?.status === "SUCCESS", "the raw client's request is signed and answered");

  // --- Pure signing functions -------------------------------------------------------------------------
  // DaxPay's example from its docs (seed 002), byte for byte.
  const daxFields = { bizTradeNo: "P0001", clientIp: "127.0.0.1", reqTime: 1715347558 };
  const daxSign = signDaxPay(daxFields, "123456", "HMAC_SHA256");
  ok(
    daxSign === "458565a54e959fa206dcda9b44eecaf0d5907e8af40f9457d404e533e092a9ed",
    "signDaxPay known answer",
  );
  ok(
    verifyDaxPaySignature({ ...daxFields, sign: daxSign }, "123456", "HMAC_SHA256"),
    "verifyDaxPaySignature",
  );
  const gpParts = { secret: "s3cret", timestamp: "1700000000000", nonce: "n0nce", body: "{}" };
  const gpSign = signGatePay(gpParts);
  ok(
    /^[0-9a-f]{128}$/.test(gpSign) && verifyGatePaySignature({ ...gpParts, signature: gpSign }),
    "GatePay sign",
  );
  ok(
    !verifyGatePaySignature({ ...gpParts, body: "{ }", signature: gpSign }),
    "GatePay rejects a tampered body",
  );
  const pmSign = signPayerMax("{}", credentials.payermax.privateKey);
  const merchantPublicKey = createPublicKey(credentials.payermax.privateKey);
  ok(verifyPayerMaxSignature("{}", pmSign, merchantPublicKey), "PayerMax sign and verify");

  // --- Misuse: rejected by the types, and at run time before anything is sent -------------------------
  const before = requests;
  const validRecharge = {
    quoteToken: "qt_unused",
    bankId: "ba_123456789",
    currency: "USDT",
    amount: "1088.42",
    fiatCurrency: "USD",
    fiatAmount: "1000",
  } as const;
  await fails("validation", () =>
    gatepay.createRecharge({
      ...validRecharge,
      // @ts-expect-error -- an amount is a decimal string, never a number (TS2322)
      amount: 1088.42,
    }),
  );
  await fails("validation", () =>
    gatepay.createRecharge({
      ...validRecharge,
      // @ts-expect-error -- USDT or USDC only (TS2322)
      currency: "BTC",
    }),
  );
  const { quoteToken: _dropped, ...withoutQuote } = validRecharge;
  // @ts-expect-error -- quoteToken is required (TS2345)
  await fails("validation", () => gatepay.createRecharge(withoutQuote));
  // @ts-expect-error -- PayerMax needs outTradeNo too (TS2345)
  await fails("validation", () => payermax.cancel({ requestId: "cancel-1" }));
  // @ts-expect-error -- closeOrder needs merchantTradeNo or prepayId (TS2345)
  await fails("validation", () => gatepay.closeOrder({}));
  throws("validation", () =>
    createDaxPayClient({
      ...credentials.daxpay,
      baseUrl: url,
      // @ts-expect-error -- an unknown option is a typo, not a setting (TS2353)
      retires: 3,
    }),
  );
  // @ts-expect-error -- results are typed, never any (TS2339)
  ok(daxCancel.noSuchField === undefined, "typed result");
  ok(requests === before, `misuse sent ${requests - before} request(s)`);

  console.log(`app: ok ${checks} checks on Node ${process.versions.node} against ${url}`);
} finally {
  await sandbox.stop();
}
