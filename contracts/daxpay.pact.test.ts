// Contract: payclients ↔ DaxPay 2.0.x gateway, cancel (POST /unipay/cancel). DaxPay signs in the
// body: the request carries reqTime, nonceStr and sign; a handled answer carries `data` signed with
// the same rule and secret, which the client verifies. Each interaction: the provider state, the
// request the real client signs, DaxPay 2.0.8's answer (docs/providers.md, "DaxPay"; its codes and
// messages in src/daxpay/codes.ts), and what the client makes of it.
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import {
  DAXPAY_CODE,
  DAXPAY_MESSAGE,
  DAXPAY_VALIDATION_MESSAGE,
  DAXPAY_VALIDATION_PREFIX,
  daxPayValidationMessage,
} from "../src/daxpay/codes.js";
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
function handled(result: { code: number; msg?: string | null }) {
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

/** An unsigned gateway error: `{msg, code, data: null, traceId}`, as 2.0.8's Jackson writes it. */
function gatewayError(code: number, msg: string) {
  return jsonAnswer({ msg, code, data: null, traceId: matching(FORMAT.daxpayTraceId, "vHugexb46msh") });
}

/** The signed business refusal (`data.code` 1) with one of the 2.0.8 server's reasons. */
function refused(msg: string) {
  return handled({ code: DAXPAY_CODE.businessFailure, msg });
}

describe("DaxPay: cancel", () => {
  it("cancels an unpaid order by bizOrderNo", async () => {
    await pact
      .addInteraction()
      .given("an unpaid order with bizOrderNo P0001 exists")
      .uponReceiving("a cancel request for unpaid order P0001, by bizOrderNo")
      .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: "P0001", clientIp: "127.0.0.1" }))
      .willRespondWith(200, handled({ code: 0, msg: null }))
      .executeTest(async (server) => {
        const result = await daxpay(server.url).cancel({ bizOrderNo: "P0001", clientIp: "127.0.0.1" });
        expect(result).toMatchObject({
          status: "cancelled",
          possiblyAlreadyCancelled: false,
          verified: true,
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
      .willRespondWith(200, handled({ code: 0, msg: null }))
      .executeTest(async (server) => {
        const result = await daxpay(server.url).cancel({ orderNo: "1753370980523384832" });
        expect(result).toMatchObject({ status: "cancelled", possiblyAlreadyCancelled: false });
      });
  });

  for (const [state, order, situation] of [
    ["a paid order with bizOrderNo P0003 exists", "P0003", "paid order"],
    ["a closed order with bizOrderNo P0004 exists", "P0004", "closed order"],
    ["a cancelled order with bizOrderNo P0005 exists", "P0005", "already cancelled order"],
  ] as const) {
    it(`reports a ${situation} as not in progress (signed data.code 1, 订单不是支付中)`, async () => {
      await pact
        .addInteraction()
        .given(state)
        .uponReceiving(`a cancel request for ${situation} ${order}`)
        .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: order }))
        .willRespondWith(200, refused(DAXPAY_MESSAGE.notInProgress))
        .executeTest(async (server) => {
          expect(await rejection(daxpay(server.url).cancel({ bizOrderNo: order }))).toMatchObject({
            type: "provider_rejected",
            providerCode: "1",
            providerMessage: DAXPAY_MESSAGE.notInProgress,
            verified: true,
          });
        });
    });
  }

  it("reports an order DaxPay does not know (signed data.code 1, 支付订单不存在)", async () => {
    await pact
      .addInteraction()
      .given("no order with bizOrderNo P0404 exists")
      .uponReceiving("a cancel request for unknown order P0404")
      .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: "P0404" }))
      .willRespondWith(200, refused(DAXPAY_MESSAGE.orderNotFound))
      .executeTest(async (server) => {
        expect(await rejection(daxpay(server.url).cancel({ bizOrderNo: "P0404" }))).toMatchObject({
          type: "provider_rejected",
          providerCode: "1",
          providerMessage: DAXPAY_MESSAGE.orderNotFound,
          traceId: "JQWKpAeCJGlX",
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
      .willRespondWith(200, gatewayError(DAXPAY_CODE.verifySignFailed, DAXPAY_MESSAGE.signFailed))
      .executeTest(async (server) => {
        expect(await rejection(daxpay(server.url).cancel({ bizOrderNo: "P0001" }))).toMatchObject({
          type: "provider_rejected",
          providerCode: "20052",
          providerMessage: "验签失败",
          verified: false,
        });
      });
  });

  it("reports a request DaxPay finds expired (10006, its time-window message) as clock skew", async () => {
    await pact
      .addInteraction()
      .given("an unpaid order with bizOrderNo P0001 exists")
      .given("DaxPay's clock is 60 seconds ahead of the merchant's")
      .uponReceiving("a cancel request for order P0001 with a reqTime DaxPay finds expired")
      .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: "P0001" }))
      .willRespondWith(
        200,
        gatewayError(DAXPAY_CODE.validateParameters, DAXPAY_VALIDATION_PREFIX + DAXPAY_MESSAGE.expired),
      )
      .executeTest(async (server) => {
        expect(await rejection(daxpay(server.url).cancel({ bizOrderNo: "P0001" }))).toMatchObject({
          type: "clock_skew",
          providerCode: "10006",
        });
      });
  });

  it("reports a parameter DaxPay finds invalid (10006 with the validation message), not as clock skew", async () => {
    await pact
      .addInteraction()
      .given("an unpaid order with bizOrderNo P0001 exists")
      .given("DaxPay finds the request's clientIp malformed")
      .uponReceiving("a cancel request for order P0001 whose clientIp DaxPay finds invalid")
      .withRequest("POST", CANCEL, signedCancel({ bizOrderNo: "P0001", clientIp: "127.0.0.1" }))
      .willRespondWith(
        200,
        gatewayError(
          DAXPAY_CODE.validateParameters,
          daxPayValidationMessage([DAXPAY_VALIDATION_MESSAGE.clientIpFormat]),
        ),
      )
      .executeTest(async (server) => {
        expect(
          await rejection(daxpay(server.url).cancel({ bizOrderNo: "P0001", clientIp: "127.0.0.1" })),
        ).toMatchObject({ type: "provider_rejected", providerCode: "10006" });
      });
  });
});
