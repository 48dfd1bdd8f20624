// Contract: payclients ↔ DaxPay 2.0.x gateway, cancel (POST /unipay/cancel). DaxPay signs in the
// body: the request carries reqTime, nonceStr and sign; a handled answer carries `data` signed with
// the same rule and secret, which the client verifies. Each interaction: the provider state, the
// request the real client signs, DaxPay's answer (docs/provider-behaviour.md, "DaxPay"), and what
// the client makes of it.
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { signDaxPay } from "../src/daxpay/sign.js";
import { createDaxPayClient, type DaxPayCancelRequest, type DaxPayClient } from "../src/index.js";
import {
  FIXED,
  FORMAT,
  jsonAnswer,
  matching,
  NONCE,
  NOW_S,
  pactWith,
  type RequestBuilder,
  rejection,
} from "./support/consumer.js";
import { DAXPAY } from "./support/credentials.js";

const pact = pactWith("daxpay");
const CANCEL = "/unipay/cancel";

function daxpay(baseUrl: string): DaxPayClient {
  return createDaxPayClient({ ...DAXPAY, baseUrl, ...FIXED });
}

/**
 * The body the client sends: the order ids as given, then nonceStr, reqTime (epoch seconds) and sign
 * over all of them. Ids are pinned exactly; nonceStr, reqTime and sign change with every request.
 */
function signedCancel(ids: DaxPayCancelRequest) {
  const fields = { ...ids, nonceStr: NONCE, reqTime: NOW_S };
  const body = {
    ...ids,
    nonceStr: matching(FORMAT.daxpayNonce, NONCE),
    reqTime: MatchersV3.integer(NOW_S),
    sign: matching(FORMAT.daxpaySign, signDaxPay(fields, DAXPAY.secret, DAXPAY.signType)),
  };
  return (builder: RequestBuilder): void => {
    builder.headers({ "Content-Type": "application/json" }).jsonBody(body);
  };
}

/** A handled answer: `data` signed by DaxPay (resTime and sign vary; code and msg are pinned). */
function handled(result: { code: number; msg?: string }) {
  const signed = { ...result, resTime: NOW_S };
  return jsonAnswer({
    code: 0,
    msg: "success",
    data: {
      ...result,
      resTime: MatchersV3.integer(NOW_S),
      sign: matching(FORMAT.daxpaySign, signDaxPay(signed, DAXPAY.secret, DAXPAY.signType)),
    },
    traceId: matching(FORMAT.daxpayTraceId, "JQWKpAeCJGlX"),
  });
}

/** An unsigned gateway error: `{code, msg, traceId}` with no data. */
function gatewayError(code: number, msg: string | MatchersV3.Matcher<string>) {
  return jsonAnswer({ code, msg, traceId: matching(FORMAT.daxpayTraceId, "vHugexb46msh") });
}

describe("DaxPay: cancel", () => {
  it("cancels an unpaid order by bizOrderNo", async () => {
    await pact
      .addInteraction()
      .given("an unpaid order with bizOrderNo P0001 exists")
      .uponReceiving("a cancel request for unpaid order P0001, by bizOrderNo")
      .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: "P0001", clientIp: "127.0.0.1" }))
      .willRespondWith(200, handled({ code: 0 }))
      .executeTest(async (server) => {
        const result = await daxpay(server.url).cancel({ bizOrderNo: "P0001", clientIp: "127.0.0.1" });
        expect(result).toMatchObject({
          status: "cancelled",
          alreadyCancelled: false,
          traceId: "JQWKpAeCJGlX",
        });
      });
  });

  it("cancels an unpaid order by orderNo", async () => {
    await pact
      .addInteraction()
      .given("an unpaid order with orderNo 1753370980523384832 exists")
      .uponReceiving("a cancel request for unpaid order 1753370980523384832, by orderNo")
      .withRequest("POST", CANCEL, signedCancel({ orderNo: "1753370980523384832" }))
      .willRespondWith(200, handled({ code: 0 }))
      .executeTest(async (server) => {
        const result = await daxpay(server.url).cancel({ orderNo: "1753370980523384832" });
        expect(result).toMatchObject({ status: "cancelled", alreadyCancelled: false });
      });
  });

  it("reports a paid order (signed data.code 1 with the reason)", async () => {
    await pact
      .addInteraction()
      .given("a paid order with bizOrderNo P0003 exists")
      .uponReceiving("a cancel request for paid order P0003")
      .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: "P0003" }))
      .willRespondWith(200, handled({ code: 1, msg: "订单已支付，无法撤销" }))
      .executeTest(async (server) => {
        expect(await rejection(daxpay(server.url).cancel({ bizOrderNo: "P0003" }))).toMatchObject({
          type: "provider_rejected",
          providerCode: "1",
          providerMessage: "订单已支付，无法撤销",
        });
      });
  });

  it("reports an order DaxPay does not know (20041)", async () => {
    await pact
      .addInteraction()
      .given("no order with bizOrderNo P0404 exists")
      .uponReceiving("a cancel request for unknown order P0404")
      .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: "P0404" }))
      .willRespondWith(200, gatewayError(20041, "支付订单不存在"))
      .executeTest(async (server) => {
        expect(await rejection(daxpay(server.url).cancel({ bizOrderNo: "P0404" }))).toMatchObject({
          type: "provider_rejected",
          providerCode: "20041",
          traceId: "vHugexb46msh",
        });
      });
  });

  it("reports a closed order (20042)", async () => {
    await pact
      .addInteraction()
      .given("a closed order with bizOrderNo P0004 exists")
      .uponReceiving("a cancel request for closed order P0004")
      .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: "P0004" }))
      .willRespondWith(200, gatewayError(20042, "支付订单已关闭"))
      .executeTest(async (server) => {
        expect(await rejection(daxpay(server.url).cancel({ bizOrderNo: "P0004" }))).toMatchObject({
          type: "provider_rejected",
          providerCode: "20042",
          providerMessage: "支付订单已关闭",
        });
      });
  });

  it("reports an order that is already cancelled (20042)", async () => {
    await pact
      .addInteraction()
      .given("a cancelled order with bizOrderNo P0005 exists")
      .uponReceiving("a cancel request for already cancelled order P0005")
      .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: "P0005" }))
      .willRespondWith(200, gatewayError(20042, "支付订单已撤销"))
      .executeTest(async (server) => {
        // Only a retry of the same call may read 20042 as its own earlier success.
        expect(await rejection(daxpay(server.url).cancel({ bizOrderNo: "P0005" }))).toMatchObject({
          type: "provider_rejected",
          providerCode: "20042",
          providerMessage: "支付订单已撤销",
        });
      });
  });

  it("reports a signature DaxPay rejects (20052)", async () => {
    await pact
      .addInteraction()
      .given("an unpaid order with bizOrderNo P0001 exists")
      .given("DaxPay holds a different sign secret for the merchant")
      .uponReceiving("a cancel request for order P0001 signed with a secret DaxPay does not hold")
      .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: "P0001" }))
      .willRespondWith(200, gatewayError(20052, "验签失败"))
      .executeTest(async (server) => {
        expect(await rejection(daxpay(server.url).cancel({ bizOrderNo: "P0001" }))).toMatchObject({
          type: "provider_rejected",
          providerCode: "20052",
          providerMessage: "验签失败",
        });
      });
  });

  it("reports a request DaxPay finds expired (10006) as clock skew", async () => {
    await pact
      .addInteraction()
      .given("an unpaid order with bizOrderNo P0001 exists")
      .given("DaxPay's clock is 60 seconds ahead of the merchant's")
      .uponReceiving("a cancel request for order P0001 with a reqTime DaxPay finds expired")
      .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: "P0001" }))
      .willRespondWith(200, gatewayError(10006, "请求已过期"))
      .executeTest(async (server) => {
        expect(await rejection(daxpay(server.url).cancel({ bizOrderNo: "P0001" }))).toMatchObject({
          type: "clock_skew",
          providerCode: "10006",
        });
      });
  });

  it("reports a parameter DaxPay finds invalid (20051)", async () => {
    await pact
      .addInteraction()
      .given("an unpaid order with bizOrderNo P0001 exists")
      .given("DaxPay finds the request's clientIp malformed")
      .uponReceiving("a cancel request for order P0001 whose clientIp DaxPay finds invalid")
      .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: "P0001", clientIp: "127.0.0.1" }))
      .willRespondWith(
        200,
        // The detail after DaxPay's "parameter validation failed" names the field and the rule.
        gatewayError(20051, matching("^参数校验失败: .+$", "参数校验失败: clientIp must be string")),
      )
      .executeTest(async (server) => {
        expect(
          await rejection(daxpay(server.url).cancel({ bizOrderNo: "P0001", clientIp: "127.0.0.1" })),
        ).toMatchObject({ type: "provider_rejected", providerCode: "20051" });
      });
  });
});
