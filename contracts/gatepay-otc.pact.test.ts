// GatePay answers request errors (400001/400002/400003/400007/400020) with HTTP 200, as its
// error-code page lists them (docs/providers.md, "GatePay").
// Contract: payclients ↔ GatePay OTC fiat API, create recharge (POST /open/otc/api/recharge) and
// cancel recharge (POST /open/otc/api/recharge/cancel). Each interaction: the provider state, the
// request the real client signs (with X-GatePay-MerchantId), GatePay's answer
// (docs/provider-behaviour.md, "GatePay"), and what the client makes of it.
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { createGatePayClient, type GatePayClient } from "../src/index.js";
import {
  FIXED,
  FORMAT,
  jsonAnswer,
  matching,
  NOW_MS,
  pactWith,
  rejection,
  schemaPattern,
} from "./support/consumer.js";
import { GATEPAY } from "./support/credentials.js";
import { signedRequest } from "./support/gatepay.js";

const pact = pactWith("gatepay-otc");
const RECHARGE = "/open/otc/api/recharge";
const CANCEL = "/open/otc/api/recharge/cancel";

/** A decimal string as the spec defines amounts ("1088.42", never a number). */
const DECIMAL = schemaPattern(
  "gatepay-otc",
  "components",
  "schemas",
  "OtcRechargeRequest",
  "properties",
  "amount",
);

function gatepay(baseUrl: string): GatePayClient {
  return createGatePayClient({ ...GATEPAY, baseUrl, ...FIXED });
}

/** The recharge the tests ask for: the vendor's example, at the quote the provider state mints. */
const RECHARGE_REQUEST = {
  quoteToken: "qt_01JXYZABCDEF",
  bankId: "ba_123456789",
  currency: "USDT",
  amount: "1088.42",
  fiatCurrency: "USD",
  fiatAmount: "1000",
} as const;
const QUOTE_EXISTS = "a quote qt_01JXYZABCDEF for 1088.42 USDT at 1000 USD exists";

const REJECTED_SIGNATURE = { code: "400002", status: "FAIL", errorMessage: "signature verification failed" };
const EXPIRED = { code: "400003", status: "FAIL", errorMessage: "request timestamp timed out" };
function parameterError(example: string) {
  // The detail names the parameter and the rule it broke.
  return { code: "400001", status: "FAIL", errorMessage: matching("^parameter format error: .+$", example) };
}

describe("GatePay OTC: create recharge", () => {
  it("creates a recharge at a fresh quote", async () => {
    await pact
      .addInteraction()
      .given(QUOTE_EXISTS)
      .uponReceiving("a recharge request at quote qt_01JXYZABCDEF")
      .withRequest("POST", RECHARGE, signedRequest("gatepay-otc", RECHARGE_REQUEST))
      .willRespondWith(
        200,
        jsonAnswer({
          code: "000000",
          status: "SUCCESS",
          errorMessage: "",
          data: {
            orderId: matching(FORMAT.gatepayOrderId, "71347515709194240"),
            otcOrderId: matching(FORMAT.generatedId, "OTC7134751570919424"),
            currency: "USDT",
            amount: "1088.42",
            fiatCurrency: "USD",
            fiatAmount: "1000",
            // GatePay's rate for the quote; its precision is not published.
            cfRate: matching(DECIMAL, "1.08842"),
            bankId: "ba_123456789",
            paid: false,
            status: "PENDING",
            // The receiving bank account GatePay assigns: its details vary by merchant and bank.
            bankNumber: MatchersV3.string("GATE-0001"),
            card_info: MatchersV3.like({
              id: 1,
              uid: 10002,
              entity: "Example Entity",
              bank_account_name: "EXAMPLE ACCOUNT",
              bank_name: "Example Bank",
              bank_country: "US",
              bank_address: "1 Example Street",
              bank_code: "EXAMPLE",
              branch_code: "000",
              iban: "US00EXAMPLE000000000000000",
              swift: "EXAMUS00",
              remittance_line_number: "000000000",
              agent_bank_name: "Example Agent Bank",
              agent_bank_swift: "EXAMUS01",
              transferRemark: "7K3M9Q2X",
              memo: "example",
              is_default: true,
              bank_id: "ba_123456789",
            }),
            createTime: MatchersV3.integer(NOW_MS),
            // The remark the payer must quote on the transfer, generated per order.
            transferRemark: matching(FORMAT.generatedId, "7K3M9Q2X"),
          },
        }),
      )
      .executeTest(async (server) => {
        const { data } = await gatepay(server.url).createRecharge(RECHARGE_REQUEST);
        expect(data).toMatchObject({
          orderId: "71347515709194240",
          currency: "USDT",
          amount: "1088.42",
          fiatCurrency: "USD",
          fiatAmount: "1000",
          bankId: "ba_123456789",
          paid: false,
          status: "PENDING",
          transferRemark: "7K3M9Q2X",
        });
      });
  });

  it("reports a quote GatePay does not know (400001)", async () => {
    const request = { ...RECHARGE_REQUEST, quoteToken: "qt_01JXYZUNKNOWN" };
    await pact
      .addInteraction()
      .given("no quote qt_01JXYZUNKNOWN exists")
      .uponReceiving("a recharge request at unknown quote qt_01JXYZUNKNOWN")
      .withRequest("POST", RECHARGE, signedRequest("gatepay-otc", request))
      .willRespondWith(200, jsonAnswer(parameterError("parameter format error: quoteToken is unknown")))
      .executeTest(async (server) => {
        expect(await rejection(gatepay(server.url).createRecharge(request))).toMatchObject({
          type: "provider_rejected",
          providerCode: "400001",
          status: 200,
        });
      });
  });

  it("reports a signature GatePay rejects (400002)", async () => {
    await pact
      .addInteraction()
      .given(QUOTE_EXISTS)
      .given("GatePay holds a different Payment API secret for the merchant")
      .uponReceiving("a recharge request at quote qt_01JXYZABCDEF signed with a secret GatePay does not hold")
      .withRequest("POST", RECHARGE, signedRequest("gatepay-otc", RECHARGE_REQUEST))
      .willRespondWith(200, jsonAnswer(REJECTED_SIGNATURE))
      .executeTest(async (server) => {
        expect(await rejection(gatepay(server.url).createRecharge(RECHARGE_REQUEST))).toMatchObject({
          type: "provider_rejected",
          providerCode: "400002",
          status: 200,
        });
      });
  });

  it("reports a request GatePay finds expired (400003) as clock skew", async () => {
    await pact
      .addInteraction()
      .given(QUOTE_EXISTS)
      .given("GatePay's clock is 60 seconds ahead of the merchant's")
      .uponReceiving("a recharge request at quote qt_01JXYZABCDEF with a timestamp GatePay finds expired")
      .withRequest("POST", RECHARGE, signedRequest("gatepay-otc", RECHARGE_REQUEST))
      .willRespondWith(200, jsonAnswer(EXPIRED))
      .executeTest(async (server) => {
        expect(await rejection(gatepay(server.url).createRecharge(RECHARGE_REQUEST))).toMatchObject({
          type: "clock_skew",
          providerCode: "400003",
          status: 200,
        });
      });
  });
});

describe("GatePay OTC: cancel recharge", () => {
  it("cancels an unpaid recharge", async () => {
    await pact
      .addInteraction()
      .given("an unpaid recharge 71347515709194240 exists")
      .uponReceiving("a cancel request for unpaid recharge 71347515709194240")
      .withRequest("POST", CANCEL, signedRequest("gatepay-otc", { orderId: "71347515709194240" }))
      .willRespondWith(
        200,
        jsonAnswer({ code: "000000", status: "SUCCESS", errorMessage: "", data: { success: true } }),
      )
      .executeTest(async (server) => {
        const result = await gatepay(server.url).cancelRecharge({ orderId: "71347515709194240" });
        expect(result).toMatchObject({ alreadyCancelled: false, data: { success: true } });
      });
  });

  it("answers a repeated cancel of a cancelled recharge with the same success", async () => {
    await pact
      .addInteraction()
      .given("a cancelled recharge 71347515709194241 exists")
      .uponReceiving("a cancel request for already cancelled recharge 71347515709194241")
      .withRequest("POST", CANCEL, signedRequest("gatepay-otc", { orderId: "71347515709194241" }))
      .willRespondWith(
        200,
        jsonAnswer({ code: "000000", status: "SUCCESS", errorMessage: "", data: { success: true } }),
      )
      .executeTest(async (server) => {
        const result = await gatepay(server.url).cancelRecharge({ orderId: "71347515709194241" });
        expect(result).toMatchObject({ data: { success: true } });
      });
  });

  it("reports a recharge that is already paid (400204)", async () => {
    await pact
      .addInteraction()
      .given("a paid recharge 71347515709194242 exists")
      .uponReceiving("a cancel request for paid recharge 71347515709194242")
      .withRequest("POST", CANCEL, signedRequest("gatepay-otc", { orderId: "71347515709194242" }))
      .willRespondWith(
        200,
        jsonAnswer({
          code: "400204",
          status: "FAIL",
          errorMessage: "order already paid",
          data: { success: false },
        }),
      )
      .executeTest(async (server) => {
        expect(
          await rejection(gatepay(server.url).cancelRecharge({ orderId: "71347515709194242" })),
        ).toMatchObject({
          type: "provider_rejected",
          providerCode: "400204",
          providerMessage: "order already paid",
        });
      });
  });

  it("reports a recharge GatePay does not know (400202)", async () => {
    await pact
      .addInteraction()
      .given("no recharge 71347515709194404 exists")
      .uponReceiving("a cancel request for unknown recharge 71347515709194404")
      .withRequest("POST", CANCEL, signedRequest("gatepay-otc", { orderId: "71347515709194404" }))
      .willRespondWith(
        200,
        jsonAnswer({ code: "400202", status: "FAIL", errorMessage: "order does not exist" }),
      )
      .executeTest(async (server) => {
        expect(
          await rejection(gatepay(server.url).cancelRecharge({ orderId: "71347515709194404" })),
        ).toMatchObject({
          type: "provider_rejected",
          providerCode: "400202",
          providerMessage: "order does not exist",
        });
      });
  });

  it("reports a signature GatePay rejects (400002)", async () => {
    await pact
      .addInteraction()
      .given("an unpaid recharge 71347515709194240 exists")
      .given("GatePay holds a different Payment API secret for the merchant")
      .uponReceiving(
        "a cancel request for recharge 71347515709194240 signed with a secret GatePay does not hold",
      )
      .withRequest("POST", CANCEL, signedRequest("gatepay-otc", { orderId: "71347515709194240" }))
      .willRespondWith(200, jsonAnswer(REJECTED_SIGNATURE))
      .executeTest(async (server) => {
        expect(
          await rejection(gatepay(server.url).cancelRecharge({ orderId: "71347515709194240" })),
        ).toMatchObject({ type: "provider_rejected", providerCode: "400002", status: 200 });
      });
  });

  it("reports a request GatePay finds expired (400003) as clock skew", async () => {
    await pact
      .addInteraction()
      .given("an unpaid recharge 71347515709194240 exists")
      .given("GatePay's clock is 60 seconds ahead of the merchant's")
      .uponReceiving("a cancel request for recharge 71347515709194240 with a timestamp GatePay finds expired")
      .withRequest("POST", CANCEL, signedRequest("gatepay-otc", { orderId: "71347515709194240" }))
      .willRespondWith(200, jsonAnswer(EXPIRED))
      .executeTest(async (server) => {
        expect(
          await rejection(gatepay(server.url).cancelRecharge({ orderId: "71347515709194240" })),
        ).toMatchObject({ type: "clock_skew", providerCode: "400003", status: 200 });
      });
  });

  it("reports a merchant id GatePay does not know the client under (400001)", async () => {
    await pact
      .addInteraction()
      .given("an unpaid recharge 71347515709194240 exists")
      .given("GatePay knows the merchant's client id under a different merchant id")
      .uponReceiving(
        "a cancel request for recharge 71347515709194240 with a merchant id GatePay does not match",
      )
      .withRequest("POST", CANCEL, signedRequest("gatepay-otc", { orderId: "71347515709194240" }))
      .willRespondWith(
        200,
        jsonAnswer(
          parameterError("parameter format error: X-GatePay-MerchantId does not belong to this client"),
        ),
      )
      .executeTest(async (server) => {
        expect(
          await rejection(gatepay(server.url).cancelRecharge({ orderId: "71347515709194240" })),
        ).toMatchObject({ type: "provider_rejected", providerCode: "400001", status: 200 });
      });
  });
});
