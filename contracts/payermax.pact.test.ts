// Contract: payclients ↔ PayerMax 1.5 gateway, cancel (POST /aggregate-pay/api/gateway/cancel).
// Requests carry the 1.5 envelope and a `sign` header (RSA-SHA256 over the exact body, merchant key);
// every answer carries a `sign` header over its exact text (platform key), which the client verifies.
// Each interaction: the provider state, the request the real client signs, PayerMax's answer
// (docs/provider-behaviour.md, "PayerMax"), and what the client makes of it.
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { createPayerMaxClient, type PayerMaxCancelRequest, type PayerMaxClient } from "../src/index.js";
import { payerMaxRequestTime } from "../src/payermax/client.js";
import { signPayerMax } from "../src/payermax/sign.js";
import {
  FIXED,
  FORMAT,
  headerPattern,
  jsonAnswer,
  matching,
  NOW_MS,
  pactWith,
  payermaxAnswerSign,
  type RequestBuilder,
  rejection,
  schemaPattern,
} from "./support/consumer.js";
import { PAYERMAX } from "./support/credentials.js";

const pact = pactWith("payermax");
const CANCEL = "/aggregate-pay/api/gateway/cancel";
const REQUEST_TIME = schemaPattern(
  "payermax",
  "components",
  "schemas",
  "CancelRequest",
  "properties",
  "requestTime",
);

function payermax(baseUrl: string): PayerMaxClient {
  const { appId, merchantNo, privateKey, platformPublicKey } = PAYERMAX;
  return createPayerMaxClient({ appId, merchantNo, privateKey, platformPublicKey, baseUrl, ...FIXED });
}

/**
 * The 1.5 envelope the client sends, and its `sign` header. Everything is pinned exactly except
 * requestTime (the moment of sending) and the signature over the body.
 */
function signedCancel(data: PayerMaxCancelRequest) {
  const requestTime = payerMaxRequestTime(NOW_MS);
  const envelope = {
    version: "1.5",
    keyVersion: "1",
    requestTime,
    appId: PAYERMAX.appId,
    merchantNo: PAYERMAX.merchantNo,
    data,
  };
  const sign = signPayerMax(JSON.stringify(envelope), PAYERMAX.privateKey);
  return (builder: RequestBuilder): void => {
    builder
      .headers({
        "Content-Type": "application/json",
        sign: matching(headerPattern("payermax", "sign"), sign),
      })
      .jsonBody({ ...envelope, requestTime: matching(REQUEST_TIME, requestTime) });
  };
}

/** An answer as PayerMax signs it: the `sign` header over the exact text the mock server sends. */
function signedAnswer(body: Record<string, unknown>) {
  const sign = payermaxAnswerSign(MatchersV3.reify(body));
  return jsonAnswer(body, { sign: matching(FORMAT.payermaxSign, sign) });
}

/** PayerMax's cancel order number and times, which it generates. */
const CANCEL_NO = matching(FORMAT.payermaxCancelNo, "20260101000000SB1234567890123456789");
const AT_NOW = matching(FORMAT.payermaxTime, "2026-01-01T00:00:00 +0000");

describe("PayerMax: cancel", () => {
  it("accepts a cancel of an authorised order, pending at first", async () => {
    await pact
      .addInteraction()
      .given("an authorised order ORDER_1001 exists")
      .uponReceiving("a cancel request CANCEL-1001 for authorised order ORDER_1001")
      .withRequest("POST", CANCEL, signedCancel({ requestId: "CANCEL-1001", outTradeNo: "ORDER_1001" }))
      .willRespondWith(
        200,
        signedAnswer({
          code: "APPLY_SUCCESS",
          msg: "Success.",
          data: {
            cancelNo: CANCEL_NO,
            requestId: "CANCEL-1001",
            outTradeNo: "ORDER_1001",
            status: "PENDING",
            createdTime: AT_NOW,
            succeededTime: null,
            failedTime: null,
            errorCode: null,
            errorMsg: null,
          },
        }),
      )
      .executeTest(async (server) => {
        const result = await payermax(server.url).cancel({
          requestId: "CANCEL-1001",
          outTradeNo: "ORDER_1001",
        });
        expect(result).toMatchObject({
          status: "PENDING",
          data: { requestId: "CANCEL-1001", outTradeNo: "ORDER_1001" },
        });
      });
  });

  it("answers a repeated cancel with the same requestId with its final status", async () => {
    await pact
      .addInteraction()
      .given("order ORDER_1002 was cancelled by request CANCEL-1002")
      .uponReceiving("a repeated cancel request CANCEL-1002 for order ORDER_1002")
      .withRequest("POST", CANCEL, signedCancel({ requestId: "CANCEL-1002", outTradeNo: "ORDER_1002" }))
      .willRespondWith(
        200,
        signedAnswer({
          code: "APPLY_SUCCESS",
          msg: "Success.",
          data: {
            cancelNo: CANCEL_NO,
            requestId: "CANCEL-1002",
            outTradeNo: "ORDER_1002",
            status: "SUCCESS",
            createdTime: AT_NOW,
            succeededTime: AT_NOW,
            failedTime: null,
            errorCode: null,
            errorMsg: null,
          },
        }),
      )
      .executeTest(async (server) => {
        const result = await payermax(server.url).cancel({
          requestId: "CANCEL-1002",
          outTradeNo: "ORDER_1002",
        });
        expect(result).toMatchObject({ status: "SUCCESS", data: { requestId: "CANCEL-1002" } });
      });
  });

  it("reports a captured (paid) order as a failed cancel", async () => {
    await pact
      .addInteraction()
      .given("a captured order ORDER_1003 exists")
      .uponReceiving("a cancel request CANCEL-1003 for captured order ORDER_1003")
      .withRequest("POST", CANCEL, signedCancel({ requestId: "CANCEL-1003", outTradeNo: "ORDER_1003" }))
      .willRespondWith(
        200,
        signedAnswer({
          code: "APPLY_SUCCESS",
          msg: "Success.",
          data: {
            cancelNo: CANCEL_NO,
            requestId: "CANCEL-1003",
            outTradeNo: "ORDER_1003",
            status: "FAILED",
            createdTime: AT_NOW,
            succeededTime: null,
            failedTime: AT_NOW,
            errorCode: "ORDER_STATUS_INVALID",
            errorMsg: "order already captured",
          },
        }),
      )
      .executeTest(async (server) => {
        const result = await payermax(server.url).cancel({
          requestId: "CANCEL-1003",
          outTradeNo: "ORDER_1003",
        });
        expect(result).toMatchObject({
          status: "FAILED",
          data: { errorCode: "ORDER_STATUS_INVALID", errorMsg: "order already captured" },
        });
      });
  });

  it("reports an order PayerMax does not know (PARAMS_INVALID)", async () => {
    await pact
      .addInteraction()
      .given("no order ORDER_4040 exists")
      .uponReceiving("a cancel request CANCEL-4040 for unknown order ORDER_4040")
      .withRequest("POST", CANCEL, signedCancel({ requestId: "CANCEL-4040", outTradeNo: "ORDER_4040" }))
      .willRespondWith(200, signedAnswer({ code: "PARAMS_INVALID", msg: "outTradeNo is invalid" }))
      .executeTest(async (server) => {
        expect(
          await rejection(
            payermax(server.url).cancel({ requestId: "CANCEL-4040", outTradeNo: "ORDER_4040" }),
          ),
        ).toMatchObject({
          type: "provider_rejected",
          providerCode: "PARAMS_INVALID",
          providerMessage: "outTradeNo is invalid",
        });
      });
  });

  it("reports a requestId already used for another order (PARAMS_INVALID)", async () => {
    await pact
      .addInteraction()
      .given("an authorised order ORDER_1001 exists")
      .given("order ORDER_1002 was cancelled by request CANCEL-1002")
      .uponReceiving("a cancel request CANCEL-1002 for order ORDER_1001, reusing another cancel's requestId")
      .withRequest("POST", CANCEL, signedCancel({ requestId: "CANCEL-1002", outTradeNo: "ORDER_1001" }))
      .willRespondWith(
        200,
        signedAnswer({ code: "PARAMS_INVALID", msg: "requestId was already used for another outTradeNo" }),
      )
      .executeTest(async (server) => {
        expect(
          await rejection(
            payermax(server.url).cancel({ requestId: "CANCEL-1002", outTradeNo: "ORDER_1001" }),
          ),
        ).toMatchObject({ type: "provider_rejected", providerCode: "PARAMS_INVALID" });
      });
  });

  it("reports a signature PayerMax rejects (SIGN_VERIFY_FAILED)", async () => {
    await pact
      .addInteraction()
      .given("an authorised order ORDER_1001 exists")
      .given("PayerMax holds a different public key for the merchant")
      .uponReceiving(
        "a cancel request CANCEL-1001 for order ORDER_1001 signed with a key PayerMax does not hold",
      )
      .withRequest("POST", CANCEL, signedCancel({ requestId: "CANCEL-1001", outTradeNo: "ORDER_1001" }))
      .willRespondWith(
        200,
        signedAnswer({ code: "SIGN_VERIFY_FAILED", msg: "Signature verification failed" }),
      )
      .executeTest(async (server) => {
        expect(
          await rejection(
            payermax(server.url).cancel({ requestId: "CANCEL-1001", outTradeNo: "ORDER_1001" }),
          ),
        ).toMatchObject({ type: "provider_rejected", providerCode: "SIGN_VERIFY_FAILED" });
      });
  });

  it("reports a request PayerMax finds expired (REQ_TIME_OVER_TIME) as clock skew", async () => {
    await pact
      .addInteraction()
      .given("an authorised order ORDER_1001 exists")
      .given("PayerMax's clock is 300 seconds ahead of the merchant's")
      .uponReceiving(
        "a cancel request CANCEL-1001 for order ORDER_1001 with a requestTime PayerMax finds expired",
      )
      .withRequest("POST", CANCEL, signedCancel({ requestId: "CANCEL-1001", outTradeNo: "ORDER_1001" }))
      .willRespondWith(
        200,
        signedAnswer({
          code: "REQ_TIME_OVER_TIME",
          msg: "requestTime is more than 2 minutes from the server time",
        }),
      )
      .executeTest(async (server) => {
        expect(
          await rejection(
            payermax(server.url).cancel({ requestId: "CANCEL-1001", outTradeNo: "ORDER_1001" }),
          ),
        ).toMatchObject({ type: "clock_skew", providerCode: "REQ_TIME_OVER_TIME" });
      });
  });
});
