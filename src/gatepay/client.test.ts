import { describe, expect, it } from "vitest";
import {
  ClockSkewError,
  NetworkError,
  ProviderRejectedError,
  ProviderUnavailableError,
  SignatureError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
} from "../core/errors.js";
import type { RequestEvent, ResponseEvent } from "../core/hooks.js";
import {
  type Answer,
  answerJson,
  answerText,
  countingNonce,
  failWith,
  hang,
  rejectionOf,
  resetMidBody,
  scriptedFetch,
} from "../core/test-support.js";
import { createGatePayClient, type GatePayClientOptions } from "./client.js";
import { signGatePay } from "./sign.js";

// The worked example of sign.ts, computed with openssl:
//   printf '1700000000000\nabc123XYZ\n{"merchantTradeNo":"M20240001"}\n' | openssl dgst -sha512 -hmac gatepay-test-secret
const SECRET = "gatepay-test-secret";
const NOW = 1_700_000_000_000;
const PINNED_SIGNATURE =
  "6f002ef62f82d91c865fc4501c839cce649d400cce26fe5ec763985a0eb4ed90" +
  "bffb8be38cde22a9bbdffdc79d4551f2a0d621969b1c577af588993ca9ebe1f4";

const CLOSED = { status: "SUCCESS", code: "000000", errorMessage: "", data: { result: "SUCCESS" } };
const RECHARGE_INPUT = {
  quoteToken: "qt_01JXYZABCDEF",
  bankId: "ba_123456789",
  currency: "USDT",
  amount: "1088.42",
  fiatCurrency: "USD",
  fiatAmount: "1000",
} as const;
const RECHARGE_BODY =
  '{"quoteToken":"qt_01JXYZABCDEF","bankId":"ba_123456789","currency":"USDT","amount":"1088.42",' +
  '"fiatCurrency":"USD","fiatAmount":"1000"}';
const RECHARGE_CREATED = {
  code: "000000",
  status: "SUCCESS",
  errorMessage: "",
  data: {
    orderId: "71347515709194240",
    currency: "USDT",
    amount: "1088.42",
    fiatCurrency: "USD",
    fiatAmount: "1000",
    paid: false,
    status: "PENDING",
    transferRemark: "GP7134",
  },
};

function gatePay(answers: Answer[], options: Partial<GatePayClientOptions> = {}) {
  const { fetch, sent } = scriptedFetch(...answers);
  const client = createGatePayClient({
    clientId: "client-1",
    secret: SECRET,
    merchantId: "10001",
    fetch,
    now: () => NOW,
    nonce: countingNonce(),
    retry: { baseDelayMs: 0 },
    ...options,
  });
  return { client, sent };
}

function signedBy(text: string, timestamp: string, nonce: string): Record<string, string> {
  return {
    "X-GatePay-Timestamp": timestamp,
    "X-GatePay-Nonce": nonce,
    "X-GatePay-Signature": signGatePay({ secret: SECRET, timestamp, nonce, body: text }),
  };
}

describe("closeOrder signing", () => {
  it("sends the serialized body with the four headers, signed over exactly those bytes (pinned openssl value)", async () => {
    const { client, sent } = gatePay([answerJson(200, CLOSED)], { nonce: () => "abc123XYZ" });
    await client.closeOrder({ merchantTradeNo: "M20240001" });
    expect(sent).toStrictEqual([
      {
        url: "https://openplatform.gateapi.io/v1/pay/order/close",
        method: "POST",
        headers: {
          accept: "application/json",
          "content-type": "application/json",
          "x-gatepay-certificate-clientid": "client-1",
          "x-gatepay-nonce": "abc123XYZ",
          "x-gatepay-signature": PINNED_SIGNATURE,
          "x-gatepay-timestamp": "1700000000000",
        },
        body: '{"merchantTradeNo":"M20240001"}',
        redirect: "manual",
      },
    ]);
  });

  it("closes by prepayId, signing the prepayId body", async () => {
    const { client, sent } = gatePay([answerJson(200, CLOSED)]);
    await client.closeOrder({ prepayId: "50620368071692288" });
    expect(sent[0]?.body).toBe('{"prepayId":"50620368071692288"}');
    expect(sent[0]?.headers["x-gatepay-signature"]).toBe(
      signGatePay({ secret: SECRET, timestamp: "1700000000000", nonce: "nonce1", body: sent[0]?.body ?? "" }),
    );
  });

  it("sends a CJK merchantTradeNo as UTF-8 and signs those bytes", async () => {
    const { client, sent } = gatePay([answerJson(200, CLOSED)]);
    await client.closeOrder({ merchantTradeNo: "一二三四五六七八九十ab" });
    expect(sent[0]?.body).toBe('{"merchantTradeNo":"一二三四五六七八九十ab"}');
    expect(sent[0]?.headers["x-gatepay-signature"]).toBe(
      signGatePay({ secret: SECRET, timestamp: "1700000000000", nonce: "nonce1", body: sent[0]?.body ?? "" }),
    );
  });

  it("uses the configured baseUrl without a trailing slash", async () => {
    const { client, sent } = gatePay([answerJson(200, CLOSED)], { baseUrl: "http://127.0.0.1:4010/" });
    await client.closeOrder({ merchantTradeNo: "M1" });
    expect(sent[0]?.url).toBe("http://127.0.0.1:4010/v1/pay/order/close");
  });
});

describe("closeOrder answers", () => {
  it("returns the unwrapped data and the whole answer", async () => {
    const { client } = gatePay([answerJson(200, CLOSED)]);
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).resolves.toStrictEqual({
      alreadyClosed: false,
      verified: false,
      data: { result: "SUCCESS" },
      raw: CLOSED,
    });
  });

  it("rejects 400202 order-not-exist inside HTTP 200 with the provider's code and message", async () => {
    const answer = {
      status: "FAIL",
      code: "400202",
      label: "ORDER_NOT_EXIST",
      errorMessage: "order does not exist",
    };
    const { client, sent } = gatePay([answerJson(200, answer)]);
    const error = await rejectionOf(client.closeOrder({ merchantTradeNo: "M1" }));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({
      type: "provider_rejected",
      provider: "gatepay",
      operation: "closeOrder",
      status: 200,
      providerCode: "400202",
      providerMessage: "order does not exist",
      raw: answer,
    });
    expect(sent).toHaveLength(1);
  });

  it("rejects 400204 ORDER_PAID", async () => {
    const answer = {
      status: "FAIL",
      code: "400204",
      label: "ORDER_PAID",
      errorMessage: "order status incorrect",
    };
    const { client } = gatePay([answerJson(200, answer)]);
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toMatchObject({
      providerCode: "400204",
      providerMessage: "order status incorrect",
    });
  });

  it("rejects 400204 ORDER_CLOSED on the first attempt: someone else closed the order", async () => {
    const answer = {
      status: "FAIL",
      code: "400204",
      label: "ORDER_CLOSED",
      errorMessage: "order status incorrect",
    };
    const { client } = gatePay([answerJson(200, answer)]);
    const error = await rejectionOf(client.closeOrder({ merchantTradeNo: "M1" }));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ providerCode: "400204" });
  });

  it("counts 400204 ORDER_CLOSED on a retry as success: the lost first attempt closed it", async () => {
    const answer = {
      status: "FAIL",
      code: "400204",
      label: "ORDER_CLOSED",
      errorMessage: "order status incorrect",
    };
    const { client, sent } = gatePay([answerText(503, "busy"), answerJson(200, answer)]);
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).resolves.toStrictEqual({
      alreadyClosed: true,
      verified: false,
      data: undefined,
      raw: answer,
    });
    expect(sent).toHaveLength(2);
  });

  it("rejects a 400 signature failure (400002) with HTTP status 400 and does not retry it", async () => {
    const answer = { status: "FAIL", code: "400002", errorMessage: "signature verification failed" };
    const { client, sent } = gatePay([answerJson(400, answer)]);
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toMatchObject({
      type: "provider_rejected",
      status: 400,
      providerCode: "400002",
      providerMessage: "signature verification failed",
    });
    expect(sent).toHaveLength(1);
  });

  it("turns 400003 into a ClockSkewError with the offset estimated from the Date header", async () => {
    const answer = { status: "FAIL", code: "400003", errorMessage: "request timestamp timed out" };
    const { client } = gatePay([answerJson(400, answer, { date: "Tue, 14 Nov 2023 22:13:50 GMT" })]);
    const error = await rejectionOf(client.closeOrder({ merchantTradeNo: "M1" }));
    expect(error).toBeInstanceOf(ClockSkewError);
    expect(error).toMatchObject({
      type: "clock_skew",
      status: 400,
      providerCode: "400003",
      estimatedOffsetMs: 30_000,
    });
  });

  it("rejects a system error (HTTP 500, 300000) once, without retrying", async () => {
    const answer = { status: "FAIL", code: "300000", errorMessage: "system error" };
    const { client, sent } = gatePay([answerJson(500, answer)]);
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toMatchObject({
      type: "provider_rejected",
      status: 500,
      providerCode: "300000",
    });
    expect(sent).toHaveLength(1);
  });

  it("retries an HTML 502 twice, then rejects with ProviderUnavailableError carrying a snippet", async () => {
    const html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    const { client, sent } = gatePay([answerText(502, html, { "content-type": "text/html" })]);
    const error = await rejectionOf(client.closeOrder({ merchantTradeNo: "M1" }));
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ type: "unavailable", status: 502, bodySnippet: html });
    expect(sent).toHaveLength(3);
  });

  it("retries 429 and 504, re-signing each attempt with a new nonce and timestamp", async () => {
    let clock = NOW;
    const { client, sent } = gatePay(
      [answerText(429, "", { "retry-after": "0" }), answerText(504, "timeout"), answerJson(200, CLOSED)],
      { now: () => clock++ },
    );
    await client.closeOrder({ merchantTradeNo: "M1" });
    expect(sent.map((request) => request.headers["x-gatepay-nonce"])).toStrictEqual([
      "nonce1",
      "nonce2",
      "nonce3",
    ]);
    const timestamps = sent.map((request) => request.headers["x-gatepay-timestamp"] ?? "");
    expect(new Set(timestamps).size).toBe(3);
    for (const request of sent) {
      expect(request.body).toBe('{"merchantTradeNo":"M1"}');
      expect(request.headers["x-gatepay-signature"]).toBe(
        signGatePay({
          secret: SECRET,
          timestamp: request.headers["x-gatepay-timestamp"] ?? "",
          nonce: request.headers["x-gatepay-nonce"] ?? "",
          body: request.body,
        }),
      );
    }
  });

  it("honours retry.retries: 0 (one attempt only)", async () => {
    const { client, sent } = gatePay([answerText(503, "")], { retry: { retries: 0 } });
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(sent).toHaveLength(1);
  });

  it("rejects an empty 200 as UnexpectedResponseError 'empty'", async () => {
    const { client } = gatePay([answerText(200, "")]);
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toMatchObject({
      type: "unexpected_response",
      reason: "empty",
      status: 200,
      provider: "gatepay",
      operation: "closeOrder",
    });
  });

  it("rejects truncated JSON as 'not_json', keeping a snippet", async () => {
    const { client } = gatePay([answerText(200, '{"status":"SUCC')]);
    const error = await rejectionOf(client.closeOrder({ merchantTradeNo: "M1" }));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error).toMatchObject({ reason: "not_json", bodySnippet: '{"status":"SUCC' });
  });

  it("rejects an HTML 200 as 'html'", async () => {
    const { client } = gatePay([answerText(200, "<!DOCTYPE html><p>login</p>")]);
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toMatchObject({ reason: "html" });
  });

  it("rejects the wrong shape (no code) as 'wrong_shape' naming what is missing", async () => {
    const { client } = gatePay([answerJson(200, { status: "SUCCESS" })]);
    const error = await rejectionOf(client.closeOrder({ merchantTradeNo: "M1" }));
    expect(error).toMatchObject({ reason: "wrong_shape" });
    expect((error as Error).message).toBe(
      "[gatepay closeOrder] response does not match the expected schema: (root) must have required property 'code'",
    );
  });

  it("rejects a body over maxResponseBytes as 'too_large'", async () => {
    const { client } = gatePay([answerJson(200, { ...CLOSED, errorMessage: "x".repeat(200) })], {
      maxResponseBytes: 100,
    });
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toMatchObject({ reason: "too_large" });
  });

  it("reports a redirect instead of following it", async () => {
    const { client, sent } = gatePay([answerText(302, "", { location: "https://elsewhere.example/" })]);
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toMatchObject({
      reason: "wrong_shape",
      status: 302,
    });
    expect(sent).toHaveLength(1);
  });

  it("times out each attempt after timeoutMs and retries the close, then rejects with TimeoutError", async () => {
    const { client, sent } = gatePay([hang()], { timeoutMs: 20 });
    const error = await rejectionOf(client.closeOrder({ merchantTradeNo: "M1" }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ type: "timeout", timeoutMs: 20, attempts: 3, provider: "gatepay" });
    expect(sent).toHaveLength(3);
  });

  it("retries a refused connection, then rejects with NetworkError ECONNREFUSED", async () => {
    const { client, sent } = gatePay([failWith("ECONNREFUSED")]);
    const error = await rejectionOf(client.closeOrder({ merchantTradeNo: "M1" }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", requestSent: false, beforeResponse: true });
    expect(sent).toHaveLength(3);
  });

  it("retries a connection reset before any response", async () => {
    const { client, sent } = gatePay([failWith("ECONNRESET"), answerJson(200, CLOSED)]);
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).resolves.toMatchObject({
      alreadyClosed: false,
      verified: false,
    });
    expect(sent).toHaveLength(2);
  });

  it("does not retry a reset in the middle of the body: the answer had started", async () => {
    const { client, sent } = gatePay([resetMidBody(200, '{"status":')]);
    const error = await rejectionOf(client.closeOrder({ merchantTradeNo: "M1" }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: "ECONNRESET", beforeResponse: false, status: 200 });
    expect(sent).toHaveLength(1);
  });
});

describe("createRecharge", () => {
  it("sends the fields in the spec's order with X-GatePay-MerchantId, signed over the body", async () => {
    const { client, sent } = gatePay([answerJson(200, RECHARGE_CREATED)]);
    const reordered = {
      fiatAmount: "1000",
      amount: "1088.42",
      fiatCurrency: "USD",
      currency: "USDT",
      bankId: "ba_123456789",
      quoteToken: "qt_01JXYZABCDEF",
    } as const;
    await client.createRecharge(reordered);
    expect(sent[0]?.url).toBe("https://openplatform.gateapi.io/open/otc/api/recharge");
    expect(sent[0]?.body).toBe(RECHARGE_BODY);
    expect(sent[0]?.headers).toStrictEqual({
      accept: "application/json",
      "content-type": "application/json",
      "x-gatepay-certificate-clientid": "client-1",
      "x-gatepay-merchantid": "10001",
      "x-gatepay-nonce": "nonce1",
      "x-gatepay-signature": signGatePay({
        secret: SECRET,
        timestamp: "1700000000000",
        nonce: "nonce1",
        body: RECHARGE_BODY,
      }),
      "x-gatepay-timestamp": "1700000000000",
    });
  });

  it("accepts merchantId as a number and sends it as decimal text", async () => {
    const { client, sent } = gatePay([answerJson(200, RECHARGE_CREATED)], { merchantId: 10001 });
    await client.createRecharge(RECHARGE_INPUT);
    expect(sent[0]?.headers["x-gatepay-merchantid"]).toBe("10001");
  });

  it("returns the created order", async () => {
    const { client } = gatePay([answerJson(200, RECHARGE_CREATED)]);
    await expect(client.createRecharge(RECHARGE_INPUT)).resolves.toStrictEqual({
      data: RECHARGE_CREATED.data,
      verified: false,
      raw: RECHARGE_CREATED,
    });
  });

  it("delivers every int64 exactly, as decimal text, where JSON.parse would round them (issue 17, input 5)", async () => {
    const text =
      '{"code":"000000","status":"SUCCESS","errorMessage":"","data":{"orderId":"71347515709194240",' +
      '"createTime":9007199254740993,"card_info":{"id":1234567890123456789,"uid":9223372036854775807,' +
      '"bank_name":"Sandbox Test Bank"}}}';
    const { client } = gatePay([answerText(200, text)]);
    const { data, raw } = await client.createRecharge(RECHARGE_INPUT);
    expect(data.createTime).toBe("9007199254740993");
    expect(data.card_info).toStrictEqual({
      id: "1234567890123456789",
      uid: "9223372036854775807",
      bank_name: "Sandbox Test Bank",
    });
    expect(raw.data).toBe(data);
  });

  it("delivers a small int64 as decimal text too, so its type is always string", async () => {
    const answer = { ...RECHARGE_CREATED, data: { ...RECHARGE_CREATED.data, createTime: 1700000000000 } };
    const { client } = gatePay([answerJson(200, answer)]);
    await expect(client.createRecharge(RECHARGE_INPUT)).resolves.toMatchObject({
      data: { createTime: "1700000000000" },
    });
  });

  it("reads the newer page revision's envelope (code 0, status success, message)", async () => {
    const answer = { code: "0", message: "success", status: "success", data: { orderId: "1" } };
    const { client } = gatePay([answerJson(200, answer)]);
    await expect(client.createRecharge(RECHARGE_INPUT)).resolves.toStrictEqual({
      data: { orderId: "1" },
      verified: false,
      raw: answer,
    });
  });

  it("rejects a success envelope without data as 'wrong_shape'", async () => {
    const { client } = gatePay([answerJson(200, { code: "000000", status: "SUCCESS", errorMessage: "" })]);
    await expect(client.createRecharge(RECHARGE_INPUT)).rejects.toMatchObject({
      reason: "wrong_shape",
      operation: "createRecharge",
    });
  });

  it("rejects an unknown quote token (400001) with the provider's code", async () => {
    const answer = { code: "400001", status: "FAIL", errorMessage: "quote token invalid" };
    const { client } = gatePay([answerJson(400, answer)]);
    await expect(client.createRecharge(RECHARGE_INPUT)).rejects.toMatchObject({
      type: "provider_rejected",
      providerCode: "400001",
      providerMessage: "quote token invalid",
    });
  });

  it("is never re-sent after a 503: the order may have been created", async () => {
    const { client, sent } = gatePay([answerText(503, "busy"), answerJson(200, RECHARGE_CREATED)]);
    await expect(client.createRecharge(RECHARGE_INPUT)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(sent).toHaveLength(1);
  });

  it("is never re-sent after a connection reset", async () => {
    const { client, sent } = gatePay([failWith("ECONNRESET"), answerJson(200, RECHARGE_CREATED)]);
    await expect(client.createRecharge(RECHARGE_INPUT)).rejects.toMatchObject({
      type: "network",
      code: "ECONNRESET",
      requestSent: true,
    });
    expect(sent).toHaveLength(1);
  });

  it("is never re-sent after a timeout", async () => {
    const { client, sent } = gatePay([hang()], { timeoutMs: 20 });
    await expect(client.createRecharge(RECHARGE_INPUT)).rejects.toMatchObject({
      type: "timeout",
      attempts: 1,
    });
    expect(sent).toHaveLength(1);
  });

  it("is re-sent, freshly signed, after a refused connection: that request never left", async () => {
    const { client, sent } = gatePay([failWith("ECONNREFUSED"), answerJson(200, RECHARGE_CREATED)]);
    await expect(client.createRecharge(RECHARGE_INPUT)).resolves.toMatchObject({
      data: { orderId: "71347515709194240" },
    });
    expect(sent.map((request) => request.headers["x-gatepay-nonce"])).toStrictEqual(["nonce1", "nonce2"]);
  });
});

describe("cancelRecharge", () => {
  const cancelled = { code: "000000", status: "SUCCESS", errorMessage: "", data: { success: true } };

  it("sends {orderId} to the OTC cancel path and returns the unwrapped data", async () => {
    const { client, sent } = gatePay([answerJson(200, cancelled)]);
    await expect(client.cancelRecharge({ orderId: "71347515709194240" })).resolves.toStrictEqual({
      alreadyCancelled: false,
      verified: false,
      data: { success: true },
      raw: cancelled,
    });
    expect(sent[0]?.url).toBe("https://openplatform.gateapi.io/open/otc/api/recharge/cancel");
    expect(sent[0]?.body).toBe('{"orderId":"71347515709194240"}');
    expect(sent[0]?.headers["x-gatepay-merchantid"]).toBe("10001");
  });

  it("rejects an already paid recharge (400204, data.success false)", async () => {
    const answer = {
      code: "400204",
      status: "FAIL",
      errorMessage: "order already paid",
      data: { success: false },
    };
    const { client } = gatePay([answerJson(200, answer)]);
    await expect(client.cancelRecharge({ orderId: "1" })).rejects.toMatchObject({
      type: "provider_rejected",
      providerCode: "400204",
      providerMessage: "order already paid",
    });
  });

  it("rejects a success envelope whose data.success is false", async () => {
    const answer = { code: "000000", status: "SUCCESS", errorMessage: "", data: { success: false } };
    const { client } = gatePay([answerJson(200, answer)]);
    await expect(client.cancelRecharge({ orderId: "1" })).rejects.toMatchObject({
      type: "provider_rejected",
      providerCode: "000000",
      providerMessage: "data.success is false",
    });
  });

  it("counts 'order already cancelled' on a retry as success", async () => {
    const answer = { code: "400204", status: "FAIL", errorMessage: "order already cancelled" };
    const { client } = gatePay([failWith("ECONNRESET"), answerJson(200, answer)]);
    await expect(client.cancelRecharge({ orderId: "1" })).resolves.toStrictEqual({
      alreadyCancelled: true,
      verified: false,
      data: undefined,
      raw: answer,
    });
  });

  it("does not count 'order already paid' on a retry as success", async () => {
    const answer = {
      code: "400204",
      status: "FAIL",
      errorMessage: "order already paid",
      data: { success: false },
    };
    const { client } = gatePay([failWith("ECONNRESET"), answerJson(200, answer)]);
    await expect(client.cancelRecharge({ orderId: "1" })).rejects.toBeInstanceOf(ProviderRejectedError);
  });
});

describe("response signatures", () => {
  const text = JSON.stringify(CLOSED);

  it("accepts an unsigned answer by default ('if-present')", async () => {
    const { client } = gatePay([answerText(200, text)]);
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).resolves.toMatchObject({
      alreadyClosed: false,
      verified: false,
    });
  });

  it("accepts a correctly signed answer in 'if-present' and 'required'", async () => {
    for (const mode of ["if-present", "required"] as const) {
      const { client } = gatePay([answerText(200, text, signedBy(text, "1700000000001", "srv1"))], {
        responseSignatures: mode,
      });
      await expect(client.closeOrder({ merchantTradeNo: "M1" })).resolves.toMatchObject({
        alreadyClosed: false,
        verified: true,
      });
    }
  });

  it("reads a genuine signed 400003 as a ClockSkewError even when its timestamp is outside our window, only unverified", async () => {
    // Our clock is 40 s behind GatePay's: its signed refusal is stale to us, but it is still a refusal.
    const refusal = JSON.stringify({
      status: "FAIL",
      code: "400003",
      errorMessage: "request timestamp timed out",
    });
    const { client } = gatePay([answerText(200, refusal, signedBy(refusal, String(NOW + 40_000), "srv9"))], {
      responseSignatures: "required",
    });
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toMatchObject({
      type: "clock_skew",
      providerCode: "400003",
      verified: false,
    });
  });

  it("never lets a stale signature carry a result: a stale signed success is a SignatureError", async () => {
    const { client } = gatePay([answerText(200, text, signedBy(text, String(NOW - 60_000), "srv8"))], {
      responseSignatures: "required",
    });
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toMatchObject({
      type: "signature",
      reason: "stale",
    });
  });

  it("rejects a tampered signed answer with SignatureError 'invalid'", async () => {
    const headers = signedBy(text, "1700000000001", "srv1");
    const tampered = text.replace("SUCCESS", "SUCCESS ");
    const { client } = gatePay([answerText(200, tampered, headers)]);
    const error = await rejectionOf(client.closeOrder({ merchantTradeNo: "M1" }));
    expect(error).toBeInstanceOf(SignatureError);
    expect(error).toMatchObject({ type: "signature", reason: "invalid", provider: "gatepay", status: 200 });
  });

  it("treats a signature header without its timestamp and nonce as invalid", async () => {
    const { "X-GatePay-Signature": signature = "" } = signedBy(text, "1", "n");
    const { client } = gatePay([answerText(200, text, { "X-GatePay-Signature": signature })]);
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toMatchObject({ reason: "invalid" });
  });

  it("rejects an unsigned answer with SignatureError 'missing' when signatures are 'required'", async () => {
    const { client } = gatePay([answerText(200, text)], { responseSignatures: "required" });
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toMatchObject({
      type: "signature",
      reason: "missing",
    });
  });

  it("ignores even a bad signature when signatures are 'off'", async () => {
    const headers = { "X-GatePay-Timestamp": "1", "X-GatePay-Nonce": "n", "X-GatePay-Signature": "00" };
    const { client } = gatePay([answerText(200, text, headers)], { responseSignatures: "off" });
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).resolves.toMatchObject({
      alreadyClosed: false,
      verified: false,
    });
  });
});

describe("input validation, before any network call", () => {
  async function invalid(call: (client: ReturnType<typeof gatePay>["client"]) => Promise<unknown>) {
    const { client, sent } = gatePay([answerJson(200, CLOSED)]);
    const error = await rejectionOf(call(client));
    expect(sent).toHaveLength(0);
    expect(error).toBeInstanceOf(ValidationError);
    const { field, rule, provider, operation } = error as ValidationError;
    return { field, rule, provider, operation };
  }

  it("requires one of merchantTradeNo and prepayId", async () => {
    expect(await invalid((client) => client.closeOrder({} as never))).toStrictEqual({
      field: "merchantTradeNo|prepayId",
      rule: "oneOf:merchantTradeNo|prepayId",
      provider: "gatepay",
      operation: "closeOrder",
    });
  });

  it("rejects a merchantTradeNo of 11 CJK characters (33 UTF-8 bytes)", async () => {
    expect(
      await invalid((client) => client.closeOrder({ merchantTradeNo: "一二三四五六七八九十一" })),
    ).toMatchObject({
      field: "merchantTradeNo",
      rule: "maxBytes:32",
    });
  });

  it("rejects an unknown field", async () => {
    expect(
      await invalid((client) => client.closeOrder({ merchantTradeNo: "M1", amount: "1" } as never)),
    ).toMatchObject({ field: "amount", rule: "unknown" });
  });

  it("rejects an empty merchantTradeNo", async () => {
    expect(await invalid((client) => client.closeOrder({ merchantTradeNo: "" }))).toMatchObject({
      field: "merchantTradeNo",
      rule: "nonEmpty",
    });
  });

  it("rejects a number where the spec wants a string", async () => {
    expect(await invalid((client) => client.closeOrder({ prepayId: 5062 } as never))).toMatchObject({
      field: "prepayId",
      rule: "type:string",
    });
  });

  it("rejects a request that is not an object", async () => {
    expect(await invalid((client) => client.closeOrder(undefined as never))).toMatchObject({
      field: "request",
      rule: "required",
    });
  });

  it("rejects an amount given as a number", async () => {
    expect(
      await invalid((client) => client.createRecharge({ ...RECHARGE_INPUT, amount: 1088.42 } as never)),
    ).toMatchObject({ field: "amount", rule: "decimalString", operation: "createRecharge" });
  });

  it("rejects an amount in exponent notation ('1e3')", async () => {
    expect(
      await invalid((client) => client.createRecharge({ ...RECHARGE_INPUT, fiatAmount: "1e3" })),
    ).toMatchObject({ field: "fiatAmount", rule: "decimalString" });
  });

  it("rejects a currency outside USDT/USDC and a fiat currency other than USD", async () => {
    expect(
      await invalid((client) => client.createRecharge({ ...RECHARGE_INPUT, currency: "BTC" } as never)),
    ).toMatchObject({ field: "currency", rule: "enum:USDT|USDC" });
    expect(
      await invalid((client) => client.createRecharge({ ...RECHARGE_INPUT, fiatCurrency: "EUR" } as never)),
    ).toMatchObject({ field: "fiatCurrency", rule: "enum:USD" });
  });

  it("requires every required recharge field", async () => {
    const { bankId: _omitted, ...withoutBank } = RECHARGE_INPUT;
    expect(await invalid((client) => client.createRecharge(withoutBank as never))).toMatchObject({
      field: "bankId",
      rule: "required",
    });
  });

  it("requires orderId to cancel a recharge", async () => {
    expect(await invalid((client) => client.cancelRecharge({} as never))).toMatchObject({
      field: "orderId",
      rule: "required",
      operation: "cancelRecharge",
    });
  });

  it("requires merchantId for the OTC calls", async () => {
    const { fetch, sent } = scriptedFetch(answerJson(200, RECHARGE_CREATED));
    const client = createGatePayClient({ clientId: "client-1", secret: SECRET, fetch });
    await expect(client.createRecharge(RECHARGE_INPUT)).rejects.toMatchObject({
      type: "validation",
      field: "merchantId",
      rule: "required",
    });
    expect(sent).toHaveLength(0);
  });

  it("rejects a nonce() that GatePay would refuse", async () => {
    const { client, sent } = gatePay([answerJson(200, CLOSED)], { nonce: () => "not a nonce!" });
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toMatchObject({
      type: "validation",
      field: "nonce",
      rule: "pattern:[A-Za-z0-9]{1,32}",
    });
    expect(sent).toHaveLength(0);
  });
});

describe("options", () => {
  function optionError(options: unknown): { field: string; rule: string } {
    try {
      createGatePayClient(options as GatePayClientOptions);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const { field, rule } = error as ValidationError;
      return { field, rule };
    }
    throw new Error("expected a ValidationError");
  }
  const base = { clientId: "client-1", secret: SECRET };

  it("rejects an unknown option", () => {
    expect(optionError({ ...base, timeout: 5 })).toStrictEqual({ field: "timeout", rule: "unknown" });
  });

  it("requires clientId and secret", () => {
    expect(optionError({ secret: SECRET })).toStrictEqual({ field: "clientId", rule: "required" });
    expect(optionError({ clientId: "client-1" })).toStrictEqual({ field: "secret", rule: "required" });
  });

  it("checks merchantId, baseUrl, responseSignatures and the common options", () => {
    expect(optionError({ ...base, merchantId: "10-01" })).toStrictEqual({
      field: "merchantId",
      rule: "int64",
    });
    expect(optionError({ ...base, baseUrl: "ftp://gate.example" })).toStrictEqual({
      field: "baseUrl",
      rule: "url",
    });
    expect(optionError({ ...base, baseUrl: "https://user:pw@gate.example" })).toStrictEqual({
      field: "baseUrl",
      rule: "url",
    });
    expect(optionError({ ...base, responseSignatures: "sometimes" })).toStrictEqual({
      field: "responseSignatures",
      rule: "enum:if-present|required|off",
    });
    expect(optionError({ ...base, timeoutMs: 0 })).toStrictEqual({
      field: "timeoutMs",
      rule: "range:1..2147483647",
    });
    expect(optionError({ ...base, retry: { retries: 11 } })).toStrictEqual({
      field: "retry.retries",
      rule: "range:0..10",
    });
  });
});

describe("hooks", () => {
  it("report each attempt with provider, operation, method, path, status, elapsed ms, and the error type", async () => {
    const requests: RequestEvent[] = [];
    const responses: ResponseEvent[] = [];
    const { client } = gatePay([answerText(503, "busy"), answerJson(200, CLOSED)], {
      onRequest: (event) => requests.push(event),
      onResponse: (event) => responses.push(event),
    });
    await client.closeOrder({ merchantTradeNo: "M1" });
    const where = {
      provider: "gatepay",
      operation: "closeOrder",
      method: "POST",
      path: "/v1/pay/order/close",
    };
    expect(requests).toStrictEqual([
      { ...where, attempt: 1 },
      { ...where, attempt: 2 },
    ]);
    expect(responses).toStrictEqual([
      { ...where, attempt: 1, status: 503, elapsedMs: 0, error: "unavailable" },
      { ...where, attempt: 2, status: 200, elapsedMs: 0 },
    ]);
  });

  it("report a network failure with no status", async () => {
    const responses: ResponseEvent[] = [];
    const { client } = gatePay([failWith("ECONNREFUSED")], {
      retry: { retries: 0 },
      onResponse: (event) => responses.push(event),
    });
    await expect(client.closeOrder({ merchantTradeNo: "M1" })).rejects.toBeInstanceOf(NetworkError);
    expect(responses).toStrictEqual([
      {
        provider: "gatepay",
        operation: "closeOrder",
        method: "POST",
        path: "/v1/pay/order/close",
        attempt: 1,
        status: undefined,
        elapsedMs: 0,
        error: "network",
      },
    ]);
  });

  it("measure elapsed time with the injected clock", async () => {
    const responses: ResponseEvent[] = [];
    let clock = NOW;
    const slow: Answer = () => {
      clock += 42;
      return new Response(JSON.stringify(CLOSED), { status: 200 });
    };
    const { client } = gatePay([slow], { now: () => clock, onResponse: (event) => responses.push(event) });
    await client.closeOrder({ merchantTradeNo: "M1" });
    expect(responses[0]?.elapsedMs).toBe(42);
  });
});
