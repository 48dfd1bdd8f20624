// GatePay answers request errors (400001/400002/400003/400007/400020) with HTTP 200, as its
// error-code page lists them (docs/providers.md, "GatePay").
// Contract: payclients ↔ GatePay payment API, close prepay order (POST /v1/pay/order/close).
// Each interaction: the provider state, the request the real client signs, GatePay's answer
// (docs/provider-behaviour.md, "GatePay"), and what the client makes of it.
import { describe, expect, it } from "vitest";
import { createGatePayClient, type GatePayClient } from "../src/index.js";
import { FIXED, jsonAnswer, matching, pactWith, rejection } from "./support/consumer.js";
import { GATEPAY } from "./support/credentials.js";
import { signedRequest } from "./support/gatepay.js";

const pact = pactWith("gatepay-payments");
const CLOSE = "/v1/pay/order/close";

function gatepay(baseUrl: string): GatePayClient {
  return createGatePayClient({ clientId: GATEPAY.clientId, secret: GATEPAY.secret, baseUrl, ...FIXED });
}

describe("GatePay payments: close prepay order", () => {
  it("closes an unpaid order by merchantTradeNo", async () => {
    await pact
      .addInteraction()
      .given("an unpaid prepay order M-1001 exists")
      .uponReceiving("a close request for unpaid order M-1001")
      .withRequest("POST", CLOSE, signedRequest("gatepay-payments", { merchantTradeNo: "M-1001" }))
      .willRespondWith(
        200,
        jsonAnswer({ status: "SUCCESS", code: "000000", errorMessage: "", data: { result: "SUCCESS" } }),
      )
      .executeTest(async (server) => {
        const result = await gatepay(server.url).closeOrder({ merchantTradeNo: "M-1001" });
        expect(result).toMatchObject({ alreadyClosed: false, data: { result: "SUCCESS" } });
      });
  });

  it("closes an unpaid order by prepayId", async () => {
    await pact
      .addInteraction()
      .given("an unpaid prepay order with prepayId 56335302680001 exists")
      .uponReceiving("a close request for unpaid order 56335302680001, by prepayId")
      .withRequest("POST", CLOSE, signedRequest("gatepay-payments", { prepayId: "56335302680001" }))
      .willRespondWith(
        200,
        jsonAnswer({ status: "SUCCESS", code: "000000", errorMessage: "", data: { result: "SUCCESS" } }),
      )
      .executeTest(async (server) => {
        const result = await gatepay(server.url).closeOrder({ prepayId: "56335302680001" });
        expect(result).toMatchObject({ alreadyClosed: false, data: { result: "SUCCESS" } });
      });
  });

  it("reports an order GatePay does not know (400202)", async () => {
    await pact
      .addInteraction()
      .given("no prepay order M-4040 exists")
      .uponReceiving("a close request for unknown order M-4040")
      .withRequest("POST", CLOSE, signedRequest("gatepay-payments", { merchantTradeNo: "M-4040" }))
      .willRespondWith(
        200,
        jsonAnswer({
          status: "FAIL",
          code: "400202",
          label: "ORDER_NOT_EXIST",
          errorMessage: "order does not exist",
        }),
      )
      .executeTest(async (server) => {
        expect(await rejection(gatepay(server.url).closeOrder({ merchantTradeNo: "M-4040" }))).toMatchObject({
          type: "provider_rejected",
          providerCode: "400202",
          providerMessage: "order does not exist",
        });
      });
  });

  it("reports an order that is already closed (400204 ORDER_CLOSED)", async () => {
    await pact
      .addInteraction()
      .given("a closed prepay order M-1002 exists")
      .uponReceiving("a close request for closed order M-1002")
      .withRequest("POST", CLOSE, signedRequest("gatepay-payments", { merchantTradeNo: "M-1002" }))
      .willRespondWith(
        200,
        jsonAnswer({
          status: "FAIL",
          code: "400204",
          label: "ORDER_CLOSED",
          errorMessage: "order already closed",
        }),
      )
      .executeTest(async (server) => {
        // Only a retry of the same call may read "already closed" as its own earlier success.
        expect(await rejection(gatepay(server.url).closeOrder({ merchantTradeNo: "M-1002" }))).toMatchObject({
          type: "provider_rejected",
          providerCode: "400204",
          providerMessage: "order already closed",
        });
      });
  });

  it("reports an order that is already paid (400204 ORDER_PAID)", async () => {
    await pact
      .addInteraction()
      .given("a paid prepay order M-1003 exists")
      .uponReceiving("a close request for paid order M-1003")
      .withRequest("POST", CLOSE, signedRequest("gatepay-payments", { merchantTradeNo: "M-1003" }))
      .willRespondWith(
        200,
        jsonAnswer({
          status: "FAIL",
          code: "400204",
          label: "ORDER_PAID",
          errorMessage: "order already paid",
        }),
      )
      .executeTest(async (server) => {
        expect(await rejection(gatepay(server.url).closeOrder({ merchantTradeNo: "M-1003" }))).toMatchObject({
          type: "provider_rejected",
          providerCode: "400204",
          providerMessage: "order already paid",
        });
      });
  });

  it("reports a signature GatePay rejects (400002)", async () => {
    await pact
      .addInteraction()
      .given("an unpaid prepay order M-1001 exists")
      .given("GatePay holds a different Payment API secret for the merchant")
      .uponReceiving("a close request for order M-1001 signed with a secret GatePay does not hold")
      .withRequest("POST", CLOSE, signedRequest("gatepay-payments", { merchantTradeNo: "M-1001" }))
      .willRespondWith(
        200,
        jsonAnswer({ status: "FAIL", code: "400002", errorMessage: "signature verification failed" }),
      )
      .executeTest(async (server) => {
        expect(await rejection(gatepay(server.url).closeOrder({ merchantTradeNo: "M-1001" }))).toMatchObject({
          type: "provider_rejected",
          providerCode: "400002",
          status: 200,
        });
      });
  });

  it("reports a request GatePay finds expired (400003) as clock skew", async () => {
    await pact
      .addInteraction()
      .given("an unpaid prepay order M-1001 exists")
      .given("GatePay's clock is 60 seconds ahead of the merchant's")
      .uponReceiving("a close request for order M-1001 with a timestamp GatePay finds expired")
      .withRequest("POST", CLOSE, signedRequest("gatepay-payments", { merchantTradeNo: "M-1001" }))
      .willRespondWith(
        200,
        jsonAnswer({ status: "FAIL", code: "400003", errorMessage: "request timestamp timed out" }),
      )
      .executeTest(async (server) => {
        expect(await rejection(gatepay(server.url).closeOrder({ merchantTradeNo: "M-1001" }))).toMatchObject({
          type: "clock_skew",
          providerCode: "400003",
          status: 200,
        });
      });
  });

  it("reports a parameter GatePay finds malformed (400001)", async () => {
    await pact
      .addInteraction()
      .given("an unpaid prepay order M-1001 exists")
      .given("GatePay finds the request's merchantTradeNo malformed")
      .uponReceiving("a close request for order M-1001 whose merchantTradeNo GatePay finds malformed")
      .withRequest("POST", CLOSE, signedRequest("gatepay-payments", { merchantTradeNo: "M-1001" }))
      .willRespondWith(
        200,
        jsonAnswer({
          status: "FAIL",
          code: "400001",
          // The detail names the parameter and the rule it broke.
          errorMessage: matching(
            "^parameter format error: .+$",
            "parameter format error: merchantTradeNo must be string",
          ),
        }),
      )
      .executeTest(async (server) => {
        expect(await rejection(gatepay(server.url).closeOrder({ merchantTradeNo: "M-1001" }))).toMatchObject({
          type: "provider_rejected",
          providerCode: "400001",
          status: 200,
        });
      });
  });
});
