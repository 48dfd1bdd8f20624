// Contract: the notifications each provider sends and payclients' verifiers accept, as Pact V4
// asynchronous messages (contracts/notifications.ts says why messages). Each message carries a body
// and the signing headers (in metadata), made with the contract credentials and the fixed clock; the
// test hands them to the real verifier, as a merchant's endpoint would.
//
// What the provider decides afresh for every notification (times, the ids it generates, nonces,
// signatures) is matched by its format, with the fixed-clock value as the example; what the provider
// state decides (order ids, statuses, the merchant's ids) is pinned. contracts/verify-messages.ts
// checks each message against the notification the sandbox really sends for its state. Amounts are
// not pinned: the sandbox keeps none, so no provider the pacts are verified against sends one, and
// nothing here reads them.
//
// Each message is written as `pactFor("<api>")…expectsToReceive(`, the API a string literal and no
// message added in a loop: contracts/integrity.ts counts those calls per API and refuses a message
// pact holding more or fewer messages.
import { MatchersV3, PactV4, SpecificationVersion } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import type { ApiName } from "../scripts/lib/apis.js";
import {
  createMemoryReplayStore,
  signDaxPay,
  signGatePay,
  signPayerMax,
  verifyDaxPayNotification,
  verifyGatePayNotification,
  verifyPayerMaxNotification,
} from "../src/index.js";
import { NOTIFICATIONS_CONSUMER } from "./notifications.js";
import { PACTS_DIR } from "./pacts.js";
import {
  FORMAT,
  headerPattern,
  jsonTextHolding,
  matching,
  NONCE,
  NOW_MS,
  NOW_S,
} from "./support/consumer.js";
import { DAXPAY, GATEPAY, PAYERMAX } from "./support/credentials.js";

process.env.PACT_DO_NOT_TRACK = "true";

function pactFor(api: ApiName): PactV4 {
  return new PactV4({
    consumer: NOTIFICATIONS_CONSUMER,
    provider: api,
    dir: process.env.PAYCLIENTS_PACT_DIR ?? PACTS_DIR,
    spec: SpecificationVersion.SPECIFICATION_VERSION_V4,
    logLevel: "error",
  });
}

/**
 * Pact stores JSON contents with their keys sorted, so each body is written in that order: then the
 * text the test receives (the content, serialised) is exactly the text that was signed.
 */
function sorted<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sorted) as T;
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, item]) => [key, sorted(item)])) as T;
}

/** The body text as the test received it: the message content, serialised. */
function rawBody(content: unknown): string {
  return JSON.stringify(content);
}

/** The text a body with matchers is sent as: its examples, serialised (what gets signed). */
function exampleText(body: unknown): string {
  return JSON.stringify(MatchersV3.reify(body));
}

/**
 * GatePay's signing headers over `body` at the fixed clock and nonce (what the verifier is given), and
 * the metadata pinning their formats (the spec's x-pattern): every delivery has its own.
 */
function gatepaySigned(api: "gatepay-payments" | "gatepay-otc", body: string) {
  const timestamp = String(NOW_MS);
  const headers = {
    "X-GatePay-Timestamp": timestamp,
    "X-GatePay-Nonce": NONCE,
    "X-GatePay-Signature": signGatePay({ secret: GATEPAY.secret, timestamp, nonce: NONCE, body }),
  };
  const metadata = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, matching(headerPattern(api, name), value)]),
  );
  return { headers, metadata };
}

const fixed = () => ({ now: () => NOW_MS, replayStore: createMemoryReplayStore({ now: () => NOW_MS }) });

describe("GatePay notifications", () => {
  it("a prepay order close (PAY_CLOSE) verifies and arrives typed, data parsed", async () => {
    const data = JSON.stringify({ merchantTradeNo: "M-1001", currency: "USDT", orderAmount: "1.2" });
    const body = sorted({
      bizType: "PAY",
      bizId: "56335302680001",
      bizStatus: "PAY_CLOSE",
      client_id: GATEPAY.clientId,
      data: jsonTextHolding("merchantTradeNo", "M-1001", data),
    });
    const { headers, metadata } = gatepaySigned("gatepay-payments", exampleText(body));
    await pactFor("gatepay-payments")
      .addAsynchronousInteraction()
      .given("prepay order M-1001 (prepayId 56335302680001) was closed")
      .expectsToReceive("a PAY_CLOSE notification for prepay order M-1001", (message) => {
        message.withMetadata({ webhook: "payOrderNotification", ...metadata }).withJSONContent(body);
      })
      .executeTest(async (message) => {
        const notification = await verifyGatePayNotification(rawBody(message.contents.content), headers, {
          secret: GATEPAY.secret,
          ...fixed(),
        });
        expect(notification).toMatchObject({
          kind: "payOrder",
          bizStatus: "PAY_CLOSE",
          data: { merchantTradeNo: "M-1001" },
        });
      });
  });

  it("an OTC deposit outcome (RECHARGE_SUCCESS) verifies and arrives typed", async () => {
    const data = JSON.stringify({
      orderId: "71347515709194240",
      type: "BUY",
      fiatCurrency: "USD",
      fiatAmount: "1000",
    });
    const body = sorted({
      bizType: "OTC",
      bizId: "71347515709194240",
      bizStatus: "RECHARGE_SUCCESS",
      clientId: GATEPAY.clientId,
      data: jsonTextHolding("orderId", "71347515709194240", data),
    });
    const { headers, metadata } = gatepaySigned("gatepay-otc", exampleText(body));
    await pactFor("gatepay-otc")
      .addAsynchronousInteraction()
      .given("OTC recharge 71347515709194240 was paid")
      .expectsToReceive("a RECHARGE_SUCCESS notification for recharge 71347515709194240", (message) => {
        message.withMetadata({ webhook: "otcOrderNotification", ...metadata }).withJSONContent(body);
      })
      .executeTest(async (message) => {
        const notification = await verifyGatePayNotification(rawBody(message.contents.content), headers, {
          secret: GATEPAY.secret,
          ...fixed(),
        });
        expect(notification).toMatchObject({ kind: "otcOrder", bizStatus: "RECHARGE_SUCCESS" });
      });
  });
});

describe("DaxPay notifications", () => {
  it("a payment notice for a cancelled order (status cancel) verifies", async () => {
    const fields = {
      code: 0,
      resTime: NOW_S,
      orderNo: "1753370980523384832",
      bizOrderNo: "P0001",
      status: "cancel",
      refundStatus: "no_refund",
      allocation: false,
      closeTime: NOW_S,
    };
    const body = sorted({
      ...fields,
      resTime: MatchersV3.integer(NOW_S),
      closeTime: MatchersV3.integer(NOW_S),
      sign: matching(FORMAT.daxpaySign, signDaxPay(fields, DAXPAY.secret)),
    });
    await pactFor("daxpay")
      .addAsynchronousInteraction()
      .given("pay order 1753370980523384832 (bizOrderNo P0001) was cancelled")
      .expectsToReceive("a payment notice with status cancel for order 1753370980523384832", (message) => {
        message.withMetadata({ webhook: "payNotice" }).withJSONContent(body);
      })
      .executeTest(async (message) => {
        const notice = await verifyDaxPayNotification(rawBody(message.contents.content), {
          secret: DAXPAY.secret,
          ...fixed(),
        });
        expect(notice).toMatchObject({ status: "cancel", orderNo: "1753370980523384832" });
      });
  });
});

describe("PayerMax notifications", () => {
  const envelope = (notifyType: string, data: Record<string, unknown>) =>
    sorted({
      code: "APPLY_SUCCESS",
      msg: "Success.",
      keyVersion: "1",
      appId: PAYERMAX.appId,
      merchantNo: PAYERMAX.merchantNo,
      notifyTime: matching(FORMAT.payermaxNotifyTime, new Date(NOW_MS).toISOString()),
      notifyType,
      data,
    });
  const at = (pattern: string) => matching(pattern, "2026-01-01T00:00:00 +0000");
  /** The `sign` header over the body's example text, pinned by its format. */
  const signed = (body: unknown) => {
    const sign = signPayerMax(exampleText(body), PAYERMAX.platformPrivateKey);
    return { sign, metadata: { sign: matching(headerPattern("payermax", "sign"), sign) } };
  };

  it("the result of a cancel answered PENDING (CANCEL SUCCESS) verifies", async () => {
    const body = envelope("CANCEL", {
      cancelNo: matching(FORMAT.payermaxCancelNo, "20260101000000SB0000000000000000001"),
      requestId: "R-1001",
      outTradeNo: "O_1001",
      status: "SUCCESS",
      createdTime: at(FORMAT.payermaxTime),
      succeededTime: at(FORMAT.payermaxTime),
      failedTime: null,
      errorCode: null,
      errorMsg: null,
    });
    const { sign, metadata } = signed(body);
    await pactFor("payermax")
      .addAsynchronousInteraction()
      .given("the cancel R-1001 of order O_1001 settled")
      .expectsToReceive("a CANCEL SUCCESS notification for cancel R-1001", (message) => {
        message.withMetadata({ webhook: "cancelNotification", ...metadata }).withJSONContent(body);
      })
      .executeTest(async (message) => {
        const notification = await verifyPayerMaxNotification(
          rawBody(message.contents.content),
          { sign },
          {
            platformPublicKey: PAYERMAX.platformPublicKey,
            ...fixed(),
          },
        );
        expect(notification).toMatchObject({
          kind: "cancel",
          data: { requestId: "R-1001", status: "SUCCESS" },
        });
      });
  });

  it("a payment result (PAYMENT SUCCESS) verifies", async () => {
    const body = envelope("PAYMENT", {
      outTradeNo: "O_1002",
      // PayerMax's own id, in a format it does not publish.
      tradeToken: MatchersV3.string("T-1002"),
      status: "SUCCESS",
    });
    const { sign, metadata } = signed(body);
    await pactFor("payermax")
      .addAsynchronousInteraction()
      .given("order O_1002 was paid")
      .expectsToReceive("a PAYMENT SUCCESS notification for order O_1002", (message) => {
        message.withMetadata({ webhook: "paymentNotification", ...metadata }).withJSONContent(body);
      })
      .executeTest(async (message) => {
        const notification = await verifyPayerMaxNotification(
          rawBody(message.contents.content),
          { sign },
          {
            platformPublicKey: PAYERMAX.platformPublicKey,
            ...fixed(),
          },
        );
        expect(notification).toMatchObject({
          kind: "payment",
          data: { outTradeNo: "O_1002", status: "SUCCESS" },
        });
      });
  });
});
