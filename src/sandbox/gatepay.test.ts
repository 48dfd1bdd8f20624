import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  validateCancelRechargeResponse4xx,
  validateCancelRechargeResponse200,
  validateCreateRechargeResponse4xx,
  validateCreateRechargeResponse200,
} from "../../generated/gatepay-otc.validators.js";
import {
  validateCloseOrderResponse4xx,
  validateCloseOrderResponse200,
} from "../../generated/gatepay-payments.validators.js";
import { signGatePay, verifyGatePaySignature } from "../gatepay/sign.js";
import type { Sandbox } from "./server.js";
import { startSandbox } from "./server.js";
import {
  expectConforms,
  freshNonce,
  gatepayPost,
  post,
  T0,
  TestClock,
  tally,
  testCredentials,
} from "./test-support.js";

const CLOSE = "/v1/pay/order/close";
const CREATE = "/open/otc/api/recharge";
const CANCEL = "/open/otc/api/recharge/cancel";

const credentials = testCredentials();
const clock = new TestClock();
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: clock.read, credentials });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  clock.now = T0;
  sandbox.reset();
});

function close(body: unknown, options: Parameters<typeof gatepayPost>[4] = {}) {
  return gatepayPost(sandbox, clock.now, CLOSE, body, options);
}

function rejection(code: string, errorMessage: string) {
  return { status: "FAIL", code, errorMessage };
}

describe("GatePay close prepay order", () => {
  it("closes an unpaid order once and answers SUCCESS with data.result", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    const answer = await close({ prepayId: order.prepayId });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      '{"status":"SUCCESS","code":"000000","errorMessage":"","data":{"result":"SUCCESS"}}',
    );
    expectConforms(answer, validateCloseOrderResponse200, validateCloseOrderResponse4xx);
    expect(sandbox.orders("gatepayPrepayOrder")).toEqual([
      expect.objectContaining({ prepayId: order.prepayId, status: "CLOSED", stateChanges: 1 }),
    ]);
  });

  it("closes by merchantTradeNo too", async () => {
    const order = sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: "M20240001" });
    const answer = await close({ merchantTradeNo: "M20240001" });
    expect(answer.json).toEqual({
      status: "SUCCESS",
      code: "000000",
      errorMessage: "",
      data: { result: "SUCCESS" },
    });
    expect(sandbox.orders()[0]).toMatchObject({ prepayId: order.prepayId, status: "CLOSED" });
  });

  it("answers a second close with 400204 ORDER_CLOSED and changes nothing", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    await close({ prepayId: order.prepayId });
    const answer = await close({ prepayId: order.prepayId });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      '{"status":"FAIL","code":"400204","label":"ORDER_CLOSED","errorMessage":"order already closed"}',
    );
    expectConforms(answer, validateCloseOrderResponse200, validateCloseOrderResponse4xx);
    expect(sandbox.orders()[0]).toMatchObject({ status: "CLOSED", stateChanges: 1 });
  });

  it("refuses to close a paid order with 400204 ORDER_PAID", async () => {
    const order = sandbox.seed.gatepayPrepayOrder({ status: "PAID" });
    const answer = await close({ merchantTradeNo: order.merchantTradeNo });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      status: "FAIL",
      code: "400204",
      label: "ORDER_PAID",
      errorMessage: "order already paid",
    });
    expect(sandbox.orders()[0]).toMatchObject({ status: "PAID", stateChanges: 0 });
  });

  it("answers an unknown order with 400202 ORDER_NOT_EXIST", async () => {
    const answer = await close({ prepayId: "404404404" });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      status: "FAIL",
      code: "400202",
      label: "ORDER_NOT_EXIST",
      errorMessage: "order does not exist",
    });
  });

  it("uses prepayId when both ids are sent, even if merchantTradeNo names another order", async () => {
    const first = sandbox.seed.gatepayPrepayOrder();
    const second = sandbox.seed.gatepayPrepayOrder();
    const answer = await close({ prepayId: first.prepayId, merchantTradeNo: second.merchantTradeNo });
    expect(answer.json.code).toBe("000000");
    expect(sandbox.orders().map((order) => order.status)).toEqual(["CLOSED", "PENDING"]);
  });

  it("lets exactly one of 50 concurrent closes of one order succeed", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    const answers = await Promise.all(Array.from({ length: 50 }, () => close({ prepayId: order.prepayId })));
    expect(
      tally(answers.map((answer) => `${answer.status} ${answer.json.code} ${answer.json.label ?? ""}`)),
    ).toEqual({
      "200 000000 ": 1,
      "200 400204 ORDER_CLOSED": 49,
    });
    expect(sandbox.orders()[0]).toMatchObject({ status: "CLOSED", stateChanges: 1 });
  });
});

describe("GatePay close as GatePay's own SDKs send it", () => {
  it("closes by merchantTradeNo when the Go SDK sends prepayId as an empty string, its extra fields and a trailing newline", async () => {
    const order = sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: "M20240001" });
    // gate/gatepay-sdk-go: OperateOrderRequest embeds BaseRequest (Header, Version) and is written
    // with json.Encoder, which ends the body with "\n"; the signature covers that exact text.
    const body = `{"Header":{"X-GatePay-Certificate-ClientId":"${sandbox.credentials.gatepay.clientId}"},"Version":"","prepayId":"","merchantTradeNo":"M20240001"}\n`;
    const answer = await close(body);
    expect(answer.json).toEqual({
      status: "SUCCESS",
      code: "000000",
      errorMessage: "",
      data: { result: "SUCCESS" },
    });
    expect(sandbox.orders()[0]).toMatchObject({
      prepayId: order.prepayId,
      status: "CLOSED",
      stateChanges: 1,
    });
  });

  it("closes by merchantTradeNo when the Java SDK sends prepayId as null among its own fields", async () => {
    const order = sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: "M20240002" });
    // gate/gatepay-sdk-java: Jackson writes CloseOrderReq with api, headers and version, nulls included.
    const body =
      '{"api":"PAYMENT_CLOSE_ORDER","headers":{},"version":null,"merchantTradeNo":"M20240002","prepayId":null}';
    const answer = await close(body);
    expect(answer.json.code).toBe("000000");
    expect(sandbox.orders()[0]).toMatchObject({ prepayId: order.prepayId, status: "CLOSED" });
  });

  it("closes by prepayId when merchantTradeNo is the empty or null one", async () => {
    const first = sandbox.seed.gatepayPrepayOrder();
    const second = sandbox.seed.gatepayPrepayOrder();
    expect((await close({ prepayId: first.prepayId, merchantTradeNo: "" })).json.code).toBe("000000");
    expect((await close({ prepayId: second.prepayId, merchantTradeNo: null })).json.code).toBe("000000");
    expect(sandbox.orders().map((order) => order.status)).toEqual(["CLOSED", "CLOSED"]);
  });

  it.each([
    [{ prepayId: "", merchantTradeNo: "" }],
    [{ prepayId: null, merchantTradeNo: null }],
    [{ prepayId: "", merchantTradeNo: null }],
  ])("answers %j, where neither id is really sent, with 400001 naming both", async (body) => {
    const answer = await close(body);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(
      rejection("400001", "parameter format error: merchantTradeNo|prepayId one of them is required"),
    );
  });

  it("counts merchantTradeNo in UTF-8 bytes, as the page's 'up to 32 bytes' says", async () => {
    const fits = `${"订".repeat(10)}ab`; // 30 + 2 = 32 bytes, 12 characters
    const order = sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: fits });
    expect((await close({ merchantTradeNo: fits })).json.code).toBe("000000");
    expect(sandbox.orders()[0]).toMatchObject({ prepayId: order.prepayId, status: "CLOSED" });
    const answer = await close({ merchantTradeNo: "订".repeat(11) }); // 33 bytes, 11 characters
    expect(answer.json.code).toBe("400001");
    expect(answer.json.errorMessage).toMatch(/^parameter format error: merchantTradeNo /);
  });
});

describe("GatePay request authentication", () => {
  it.each([
    "X-GatePay-Certificate-ClientId",
    "X-GatePay-Timestamp",
    "X-GatePay-Nonce",
    "X-GatePay-Signature",
  ])("answers a request without %s with HTTP 200 and 400001", async (header) => {
    const order = sandbox.seed.gatepayPrepayOrder();
    const answer = await close({ prepayId: order.prepayId }, { omit: [header] });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(rejection("400001", `parameter format error: missing header ${header}`));
    expectConforms(answer, validateCloseOrderResponse200, validateCloseOrderResponse4xx);
    expect(sandbox.orders()[0]?.status).toBe("PENDING");
  });

  it("answers a timestamp that is not epoch milliseconds with 400001", async () => {
    const answer = await close({ prepayId: "1" }, { timestamp: "2023-11-14T22:13:20Z" });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(
      rejection("400001", "parameter format error: X-GatePay-Timestamp must be epoch milliseconds"),
    );
  });

  it.each(["a".repeat(33), "has space", "dash-ed"])(
    "answers the malformed nonce %j with 400001",
    async (nonce) => {
      const answer = await close({ prepayId: "1" }, { nonce });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual(
        rejection("400001", "parameter format error: X-GatePay-Nonce must be 1 to 32 letters or digits"),
      );
    },
  );

  it("accepts a nonce of exactly 32 letters and digits", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    const answer = await close({ prepayId: order.prepayId }, { nonce: "aZ09".repeat(8) });
    expect(answer.json.code).toBe("000000");
  });

  it("answers a wrong signature with HTTP 200 and 400002, and leaves the order alone", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    const answer = await close({ prepayId: order.prepayId }, { signature: "0".repeat(128) });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      '{"status":"FAIL","code":"400002","errorMessage":"signature verification failed"}',
    );
    expect(sandbox.orders()[0]).toMatchObject({ status: "PENDING", stateChanges: 0 });
  });

  it("answers a signature made with another secret with 400002", async () => {
    const answer = await close({ prepayId: "1" }, { secret: "not-the-secret" });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(rejection("400002", "signature verification failed"));
  });

  it("answers an unknown client id with 400002", async () => {
    const answer = await close({ prepayId: "1" }, { clientId: "someone-else" });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(rejection("400002", "signature verification failed"));
  });

  it("answers a body changed after signing with 400002", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    const nonce = freshNonce();
    const signedFor = signGatePay({
      secret: credentials.gatepay.secret,
      timestamp: String(clock.now),
      nonce,
      body: '{"prepayId":"1"}',
    });
    const answer = await close({ prepayId: order.prepayId }, { nonce, signature: signedFor });
    expect(answer.json).toEqual(rejection("400002", "signature verification failed"));
  });

  it("accepts a timestamp exactly 10 s old and rejects one 10.001 s old with 400003", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    const stale = await close({ prepayId: order.prepayId }, { timestamp: String(T0 - 10_001) });
    expect(stale.status).toBe(200);
    expect(stale.json).toEqual(rejection("400003", "request timestamp timed out"));
    const edge = await close({ prepayId: order.prepayId }, { timestamp: String(T0 - 10_000) });
    expect(edge.json.code).toBe("000000");
  });

  it("accepts a timestamp exactly 10 s ahead and rejects one 10.001 s ahead with 400003", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    const future = await close({ prepayId: order.prepayId }, { timestamp: String(T0 + 10_001) });
    expect(future.status).toBe(200);
    expect(future.json).toEqual(rejection("400003", "request timestamp timed out"));
    const edge = await close({ prepayId: order.prepayId }, { timestamp: String(T0 + 10_000) });
    expect(edge.json.code).toBe("000000");
  });

  it("answers a timestamp in seconds (not milliseconds) as timed out", async () => {
    const answer = await close({ prepayId: "1" }, { timestamp: String(Math.floor(T0 / 1000)) });
    expect(answer.json).toEqual(rejection("400003", "request timestamp timed out"));
  });

  it("answers a replayed nonce with HTTP 200 and 400020", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    await close({ prepayId: order.prepayId }, { nonce: "replayed1" });
    const replay = await close({ prepayId: order.prepayId }, { nonce: "replayed1" });
    expect(replay.status).toBe(200);
    expect(replay.text).toBe('{"status":"FAIL","code":"400020","errorMessage":"signature nonce error"}');
    expect(sandbox.orders()[0]).toMatchObject({ status: "CLOSED", stateChanges: 1 });
  });

  it("remembers a nonce for 20 s, twice the window, then accepts it again", async () => {
    await close({ prepayId: "1" }, { nonce: "remembered" });
    clock.now = T0 + 19_999;
    expect((await close({ prepayId: "1" }, { nonce: "remembered" })).json.code).toBe("400020");
    clock.now = T0 + 20_000;
    expect((await close({ prepayId: "1" }, { nonce: "remembered" })).json.code).toBe("400202");
  });

  it("does not spend the nonce of a request whose signature fails", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    await close({ prepayId: order.prepayId }, { nonce: "unspent", signature: "f".repeat(128) });
    const answer = await close({ prepayId: order.prepayId }, { nonce: "unspent" });
    expect(answer.json.code).toBe("000000");
  });

  it.each<[string | null, string]>([
    ["text/plain", "a text/plain body"],
    [null, "no Content-Type"],
  ])("answers %s (%s) with HTTP 200 and 400007", async (contentType) => {
    const answer = await close({ prepayId: "1" }, { contentType });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(rejection("400007", "unsupported media type"));
  });

  it("accepts application/json with a charset parameter", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    const answer = await close(
      { prepayId: order.prepayId },
      { contentType: "application/json; charset=UTF-8" },
    );
    expect(answer.json.code).toBe("000000");
  });
});

describe("GatePay request bodies", () => {
  it("answers malformed JSON (correctly signed) with HTTP 200 and 400001", async () => {
    const answer = await close('{"prepayId":');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(
      rejection("400001", "parameter format error: request body is not valid JSON"),
    );
  });

  it("answers a body with neither id with 400001 naming both", async () => {
    const answer = await close({});
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(
      rejection("400001", "parameter format error: merchantTradeNo|prepayId one of them is required"),
    );
  });

  it("answers a wrongly typed id with 400001 naming the field", async () => {
    const answer = await close({ prepayId: 42 });
    expect(answer.json).toEqual(rejection("400001", "parameter format error: prepayId must be string"));
  });

  it("answers a JSON array body with 400001", async () => {
    const answer = await close("[]");
    expect(answer.json).toEqual(rejection("400001", "parameter format error: body must be object"));
  });

  it("answers a merchantTradeNo of 33 UTF-8 bytes (11 characters) with 400001", async () => {
    const answer = await close({ merchantTradeNo: "订".repeat(11) });
    expect(answer.json).toEqual(
      rejection("400001", "parameter format error: merchantTradeNo must be at most 32 UTF-8 bytes"),
    );
  });

  it("answers a body that is not UTF-8 with 400001", async () => {
    const answer = await post(`${sandbox.url}${CLOSE}`, new Uint8Array([0x7b, 0xff, 0x7d]), {
      "content-type": "application/json",
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(
      rejection("400001", "parameter format error: request body is not valid UTF-8"),
    );
  });

  it("answers a body over 1 MiB with 400001 and keeps serving", async () => {
    const big = JSON.stringify({ prepayId: "1", padding: "x".repeat(1024 * 1024) });
    const answer = await close(big);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(
      rejection("400001", "parameter format error: request body is larger than 1048576 bytes"),
    );
    const order = sandbox.seed.gatepayPrepayOrder();
    expect((await close({ prepayId: order.prepayId })).json.code).toBe("000000");
  });
});

describe("GatePay OTC create recharge", () => {
  function create(body: unknown, options: Parameters<typeof gatepayPost>[4] = {}) {
    return gatepayPost(sandbox, clock.now, CREATE, body, options);
  }

  function rechargeBody(quoteToken: string, overrides: Record<string, unknown> = {}) {
    return {
      quoteToken,
      bankId: "ba_123456789",
      currency: "USDT",
      amount: "1088.42",
      fiatCurrency: "USD",
      fiatAmount: "1000",
      ...overrides,
    };
  }

  it("creates an unpaid recharge from a minted quote and answers its transfer details", async () => {
    const quote = sandbox.mintQuote();
    const answer = await create(rechargeBody(quote.quoteToken, { promoCode: "WELCOME" }));
    expect(answer.status).toBe(200);
    expectConforms(answer, validateCreateRechargeResponse200, validateCreateRechargeResponse4xx);
    const [recharge] = sandbox.orders("gatepayRecharge");
    expect(answer.json).toEqual({
      code: "000000",
      status: "SUCCESS",
      errorMessage: "",
      data: {
        orderId: recharge?.orderId,
        otcOrderId: expect.stringMatching(/^OTC[0-9]{16}$/),
        currency: "USDT",
        amount: "1088.42",
        fiatCurrency: "USD",
        fiatAmount: "1000",
        cfRate: "1.08842",
        bankId: "ba_123456789",
        bankNumber: "SANDBOX-0001",
        paid: false,
        status: "PENDING",
        card_info: expect.objectContaining({
          bank_name: "Sandbox Test Bank",
          uid: 10_001,
          bank_id: "ba_123456789",
        }),
        createTime: T0,
        promoCode: "WELCOME",
        transferRemark: expect.stringMatching(/^[A-Z0-9]{8}$/),
      },
    });
    expect(answer.json.data.orderId).toMatch(/^[0-9]{17}$/);
    expect(recharge).toMatchObject({ status: "PENDING", quoteToken: quote.quoteToken, stateChanges: 0 });
  });

  it("refuses a quote token the second time with 400001", async () => {
    const quote = sandbox.mintQuote();
    await create(rechargeBody(quote.quoteToken));
    const again = await create(rechargeBody(quote.quoteToken));
    expect(again.status).toBe(200);
    expect(again.json).toEqual({
      code: "400001",
      status: "FAIL",
      errorMessage: "parameter format error: quoteToken has already been used",
    });
    expectConforms(again, validateCreateRechargeResponse200, validateCreateRechargeResponse4xx);
    expect(sandbox.orders("gatepayRecharge")).toHaveLength(1);
  });

  it("refuses an unknown quote token with 400001", async () => {
    const answer = await create(rechargeBody("qt_01JXYZABCDEF"));
    expect(answer.status).toBe(200);
    expect(answer.json.errorMessage).toBe("parameter format error: quoteToken is not a known quote");
  });

  it("accepts a quote up to its expiry instant and refuses it 1 ms later", async () => {
    const late = sandbox.mintQuote({ ttlMs: 5_000 });
    const onTime = sandbox.mintQuote({ ttlMs: 5_000 });
    clock.now = T0 + 5_001;
    const refused = await create(rechargeBody(late.quoteToken));
    expect(refused.json.errorMessage).toBe("parameter format error: quoteToken has expired");
    clock.now = T0 + 5_000;
    expect((await create(rechargeBody(onTime.quoteToken))).json.code).toBe("000000");
  });

  it("refuses amounts that differ from the quote, and takes 1000.00 as 1000", async () => {
    const quote = sandbox.mintQuote();
    const wrong = await create(rechargeBody(quote.quoteToken, { amount: "1088.43" }));
    expect(wrong.json.errorMessage).toBe("parameter format error: amount does not match the quote");
    const currency = await create(rechargeBody(quote.quoteToken, { currency: "USDC" }));
    expect(currency.json.errorMessage).toBe("parameter format error: currency does not match the quote");
    const same = await create(rechargeBody(quote.quoteToken, { fiatAmount: "1000.00" }));
    expect(same.json.code).toBe("000000");
  });

  it.each([
    [{ bankId: undefined }, "bankId is required"],
    [{ currency: "EUR" }, "currency must be one of USDT, USDC"],
    [{ amount: 1088.42 }, "amount must be string"],
    [{ amount: "1,088.42" }, "amount has an invalid format"],
  ])("answers the bad field in %j with 400001: %s", async (overrides, message) => {
    const quote = sandbox.mintQuote();
    const answer = await create(rechargeBody(quote.quoteToken, overrides));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      code: "400001",
      status: "FAIL",
      errorMessage: `parameter format error: ${message}`,
    });
  });

  it("answers a missing X-GatePay-MerchantId with 400001", async () => {
    const answer = await create(rechargeBody("qt_x"), { merchantId: null });
    expect(answer.status).toBe(200);
    expect(answer.json.errorMessage).toBe("parameter format error: missing header X-GatePay-MerchantId");
  });

  it("answers a non-numeric X-GatePay-MerchantId with 400001", async () => {
    const answer = await create(rechargeBody("qt_x"), { merchantId: "m-1" });
    expect(answer.json.errorMessage).toBe("parameter format error: X-GatePay-MerchantId must be an integer");
  });

  it("answers another merchant's id with 400001", async () => {
    const answer = await create(rechargeBody("qt_x"), { merchantId: "10002" });
    expect(answer.json.errorMessage).toBe(
      "parameter format error: X-GatePay-MerchantId does not belong to this client",
    );
  });

  it("lets exactly one of 50 concurrent creates spend one quote", async () => {
    const quote = sandbox.mintQuote();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => create(rechargeBody(quote.quoteToken))),
    );
    expect(tally(answers.map((answer) => `${answer.status} ${answer.json.code}`))).toEqual({
      "200 000000": 1,
      "200 400001": 49,
    });
    expect(sandbox.orders("gatepayRecharge")).toHaveLength(1);
  });
});

describe("GatePay OTC cancel recharge", () => {
  function cancel(orderId: unknown) {
    return gatepayPost(sandbox, clock.now, CANCEL, { orderId });
  }

  it("cancels an unpaid recharge and answers success: true", async () => {
    const recharge = sandbox.seed.gatepayRecharge();
    const answer = await cancel(recharge.orderId);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      '{"code":"000000","status":"SUCCESS","errorMessage":"","data":{"success":true}}',
    );
    expectConforms(answer, validateCancelRechargeResponse200, validateCancelRechargeResponse4xx);
    expect(sandbox.orders()[0]).toMatchObject({ status: "CANCELLED", stateChanges: 1 });
  });

  it("answers a repeated cancel with the same success and changes nothing", async () => {
    const recharge = sandbox.seed.gatepayRecharge();
    const first = await cancel(recharge.orderId);
    const second = await cancel(recharge.orderId);
    expect(second.text).toBe(first.text);
    expect(sandbox.orders()[0]).toMatchObject({ status: "CANCELLED", stateChanges: 1 });
  });

  it("refuses to cancel a paid recharge with 400204 and success: false", async () => {
    const recharge = sandbox.seed.gatepayRecharge({ status: "PAID" });
    const answer = await cancel(recharge.orderId);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      code: "400204",
      status: "FAIL",
      errorMessage: "order already paid",
      data: { success: false },
    });
    expectConforms(answer, validateCancelRechargeResponse200, validateCancelRechargeResponse4xx);
  });

  it("refuses to cancel a recharge created by the API once the customer has paid it", async () => {
    const quote = sandbox.mintQuote();
    const created = await gatepayPost(sandbox, clock.now, CREATE, {
      quoteToken: quote.quoteToken,
      bankId: "ba_1",
      currency: "USDT",
      amount: "1088.42",
      fiatCurrency: "USD",
      fiatAmount: "1000",
    });
    sandbox.setStatus("gatepayRecharge", created.json.data.orderId, "PAID");
    const answer = await cancel(created.json.data.orderId);
    expect(answer.json.code).toBe("400204");
  });

  it("answers an unknown recharge with 400202", async () => {
    const answer = await cancel("71347515709194240");
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ code: "400202", status: "FAIL", errorMessage: "order does not exist" });
  });

  it("answers a missing orderId with 400001", async () => {
    const answer = await gatepayPost(sandbox, clock.now, CANCEL, {});
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      code: "400001",
      status: "FAIL",
      errorMessage: "parameter format error: orderId is required",
    });
  });

  it("applies exactly one of 50 concurrent cancels and answers all of them success", async () => {
    const recharge = sandbox.seed.gatepayRecharge();
    const answers = await Promise.all(Array.from({ length: 50 }, () => cancel(recharge.orderId)));
    expect(new Set(answers.map((answer) => answer.text))).toEqual(
      new Set(['{"code":"000000","status":"SUCCESS","errorMessage":"","data":{"success":true}}']),
    );
    expect(sandbox.orders()[0]).toMatchObject({ status: "CANCELLED", stateChanges: 1 });
  });
});

describe("GatePay response signatures", () => {
  it("sends no X-GatePay headers on answers by default", async () => {
    const answer = await close({ prepayId: "1" });
    expect(answer.headers.get("x-gatepay-signature")).toBeNull();
    expect(answer.headers.get("x-gatepay-timestamp")).toBeNull();
    expect(answer.headers.get("x-gatepay-nonce")).toBeNull();
  });

  it("signs every answer, errors included, when gatepayResponseSignatures is on", async () => {
    const signing = await startSandbox({ clock: clock.read, credentials, gatepayResponseSignatures: true });
    try {
      const order = signing.seed.gatepayPrepayOrder();
      const answers = [
        await gatepayPost(signing, clock.now, CLOSE, { prepayId: order.prepayId }),
        await gatepayPost(
          signing,
          clock.now,
          CLOSE,
          { prepayId: order.prepayId },
          { signature: "0".repeat(128) },
        ),
        await gatepayPost(signing, clock.now, CANCEL, { orderId: "1" }),
      ];
      expect(answers.map((answer) => answer.json.code)).toEqual(["000000", "400002", "400202"]);
      for (const answer of answers) {
        expect(answer.headers.get("x-gatepay-timestamp")).toBe(String(T0));
        expect(answer.headers.get("x-gatepay-nonce")).toMatch(/^[A-Za-z0-9]{32}$/);
        expect(
          verifyGatePaySignature({
            secret: credentials.gatepay.secret,
            timestamp: answer.headers.get("x-gatepay-timestamp") ?? "",
            nonce: answer.headers.get("x-gatepay-nonce") ?? "",
            body: answer.text,
            signature: answer.headers.get("x-gatepay-signature") ?? "",
          }),
        ).toBe(true);
      }
    } finally {
      await signing.stop();
    }
  });
});
