import { describe, expect, it } from "vitest";
import { cancelOrder } from "./cancel.js";
import {
  ClockSkewError,
  ProviderRejectedError,
  SignatureError,
  TimeoutError,
  ValidationError,
} from "./core/errors.js";
import {
  type Answer,
  answerJson,
  answerText,
  hang,
  rejectionOf,
  scriptedFetch,
} from "./core/test-support.js";
import { createDaxPayClient } from "./daxpay/client.js";
import { signDaxPay } from "./daxpay/sign.js";
import { createGatePayClient } from "./gatepay/client.js";
import { signGatePay } from "./gatepay/sign.js";
import { createPayerMaxClient } from "./payermax/client.js";
import { signPayerMax } from "./payermax/sign.js";
import { TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from "./payermax/test-keys.js";

const common = { now: () => 1_700_000_000_000, retry: { retries: 0 } };

function gatepay(...answers: Answer[]) {
  const { fetch, sent } = scriptedFetch(...answers);
  return {
    client: createGatePayClient({ clientId: "c", secret: "s", merchantId: "10002", fetch, ...common }),
    sent,
  };
}
function daxpay(...answers: Answer[]) {
  const { fetch, sent } = scriptedFetch(...answers);
  return {
    client: createDaxPayClient({ baseUrl: "http://127.0.0.1:9000", secret: "123456", fetch, ...common }),
    sent,
  };
}
function payermax(...answers: Answer[]) {
  const { fetch, sent } = scriptedFetch(...answers);
  const client = createPayerMaxClient({
    appId: "app",
    privateKey: TEST_PRIVATE_KEY_PEM,
    platformPublicKey: TEST_PUBLIC_KEY_PEM,
    fetch,
    ...common,
  });
  return { client, sent };
}

function daxHandled(data: Record<string, unknown>) {
  return { code: 0, msg: "success", data: { ...data, sign: signDaxPay(data, "123456") }, traceId: "T1" };
}
function pmxSigned(body: unknown): Answer {
  const text = JSON.stringify(body);
  return answerText(200, text, { sign: signPayerMax(text, TEST_PRIVATE_KEY_PEM) });
}
function pmxAccepted(status: string, extra: Record<string, unknown> = {}) {
  return {
    code: "APPLY_SUCCESS",
    msg: "Success.",
    data: {
      cancelNo: "C1",
      requestId: "R1",
      outTradeNo: "P1",
      status,
      createdTime: "2023-11-14T22:13:20 +0000",
      succeededTime: null,
      failedTime: null,
      errorCode: null,
      errorMsg: null,
      ...extra,
    },
  };
}

describe("cancelOrder at GatePay OTC (cancelRecharge, by orderId)", () => {
  /** Cancels deposit 71347515709194240 through cancelOrder, GatePay answering `answer` with `status`. */
  const cancelDeposit = (answer: unknown, status = 200) =>
    cancelOrder(
      { gatepay: gatepay(answerJson(status, answer)).client },
      { provider: "gatepay", orderId: "71347515709194240" },
    );

  it("is 'cancelled' when the deposit is cancelled, and sends only the orderId", async () => {
    const answer = { code: "000000", status: "SUCCESS", errorMessage: "", data: { success: true } };
    const { client, sent } = gatepay(answerJson(200, answer));
    await expect(
      cancelOrder({ gatepay: client }, { provider: "gatepay", orderId: "71347515709194240" }),
    ).resolves.toStrictEqual({ provider: "gatepay", outcome: "cancelled", verified: false, raw: answer });
    expect(sent[0]?.url).toBe("https://openplatform.gateapi.io/open/otc/api/recharge/cancel");
    expect(sent[0]?.body).toBe('{"orderId":"71347515709194240"}');
  });

  it("is 'rejected' with GatePay's code and message when the deposit is already paid", async () => {
    const answer = {
      code: "400204",
      status: "FAIL",
      errorMessage: "order already paid",
      data: { success: false },
    };
    await expect(cancelDeposit(answer)).resolves.toStrictEqual({
      provider: "gatepay",
      outcome: "rejected",
      verified: false,
      raw: answer,
      providerCode: "400204",
      providerMessage: "order already paid",
    });
  });

  it("is 'rejected' when GatePay answers success but data.success is false", async () => {
    const answer = { code: "000000", status: "SUCCESS", errorMessage: "", data: { success: false } };
    await expect(cancelDeposit(answer)).resolves.toStrictEqual({
      provider: "gatepay",
      outcome: "rejected",
      verified: false,
      raw: answer,
      providerCode: "000000",
      providerMessage: "data.success is false",
    });
  });

  it("throws a request-level refusal that carries data.success false: HTTP 500 300000, HTTP 400 400002 (issue 13, input 4)", async () => {
    for (const [status, code] of [
      [500, "300000"],
      [400, "400002"],
    ] as const) {
      const answer = { code, status: "FAIL", errorMessage: "refused", data: { success: false } };
      await expect(cancelDeposit(answer, status)).rejects.toMatchObject({
        type: "provider_rejected",
        providerCode: code,
        status,
      });
    }
  });

  it("is 'unknown' when GatePay answers success without saying whether the deposit was cancelled", async () => {
    const answer = { code: "000000", status: "SUCCESS", errorMessage: "", data: {} };
    await expect(cancelDeposit(answer)).resolves.toStrictEqual({
      provider: "gatepay",
      outcome: "unknown",
      reason: "unknown_status",
      verified: false,
      raw: answer,
      providerCode: "000000",
    });
  });
});

describe("cancelOrder at GatePay (closeOrder)", () => {
  const closed = { status: "SUCCESS", code: "000000", errorMessage: "", data: { result: "SUCCESS" } };
  const close = (answer: unknown, status = 200) =>
    cancelOrder(
      { gatepay: gatepay(answerJson(status, answer)).client },
      { provider: "gatepay", merchantTradeNo: "M1" },
    );

  it("is 'cancelled' when the close succeeds, with GatePay's answer as raw", async () => {
    const { client, sent } = gatepay(answerJson(200, closed));
    await expect(
      cancelOrder({ gatepay: client }, { provider: "gatepay", merchantTradeNo: "M1" }),
    ).resolves.toStrictEqual({ provider: "gatepay", outcome: "cancelled", verified: false, raw: closed });
    expect(sent[0]?.body).toBe('{"merchantTradeNo":"M1"}');
  });

  it("is 'cancelled' for the envelope GatePay's authentication page shows, with null code, label and errorMessage (issue 17, input 1)", async () => {
    const answer = {
      status: "SUCCESS",
      code: null,
      label: null,
      errorMessage: null,
      data: { result: "SUCCESS" },
    };
    await expect(close(answer)).resolves.toStrictEqual({
      provider: "gatepay",
      outcome: "cancelled",
      verified: false,
      raw: answer,
    });
  });

  it("is 'rejected' 400202 for GatePay's failure with data as an empty string (issue 17, input 1)", async () => {
    const answer = { status: "FAIL", code: "400202", errorMessage: "order not exist", data: "" };
    await expect(close(answer)).resolves.toStrictEqual({
      provider: "gatepay",
      outcome: "rejected",
      verified: false,
      raw: answer,
      providerCode: "400202",
      providerMessage: "order not exist",
    });
  });

  it("is 'cancelled' when the order was already closed (400204 ORDER_CLOSED)", async () => {
    const answer = {
      status: "FAIL",
      code: "400204",
      label: "ORDER_CLOSED",
      errorMessage: "order status incorrect",
    };
    const { client } = gatepay(answerJson(200, answer));
    await expect(
      cancelOrder({ gatepay: client }, { provider: "gatepay", prepayId: "P1" }),
    ).resolves.toStrictEqual({ provider: "gatepay", outcome: "cancelled", verified: false, raw: answer });
  });

  it("is 'rejected' for a paid order (400204 ORDER_PAID) and an unknown one (400202)", async () => {
    const paid = {
      status: "FAIL",
      code: "400204",
      label: "ORDER_PAID",
      errorMessage: "order status incorrect",
    };
    await expect(close(paid)).resolves.toStrictEqual({
      provider: "gatepay",
      outcome: "rejected",
      verified: false,
      raw: paid,
      providerCode: "400204",
      providerMessage: "order status incorrect",
    });
    const missing = {
      status: "FAIL",
      code: "400202",
      label: "ORDER_NOT_EXIST",
      errorMessage: "order not exist",
    };
    await expect(close(missing)).resolves.toMatchObject({ outcome: "rejected", providerCode: "400202" });
  });

  it("throws an order code that arrives with HTTP 4xx or 5xx: only a 200 business answer is about the order", async () => {
    const missing = { status: "FAIL", code: "400202", errorMessage: "order not exist" };
    await expect(close(missing, 400)).rejects.toMatchObject({
      type: "provider_rejected",
      providerCode: "400202",
    });
  });

  it("does not read 'ſuccess' (U+017F) as success: envelope words compare ASCII-case-insensitively only (issue 13, input 8)", async () => {
    const answer = { ...closed, status: "ſuccess" };
    await expect(close(answer)).rejects.toMatchObject({ type: "provider_rejected", providerCode: "000000" });
    await expect(close({ ...closed, status: "success" })).resolves.toMatchObject({ outcome: "cancelled" });
  });

  it("is 'unknown' for a success whose data.result it does not know", async () => {
    const answer = { ...closed, data: { result: "PROCESSING" } };
    await expect(close(answer)).resolves.toStrictEqual({
      provider: "gatepay",
      outcome: "unknown",
      reason: "unknown_status",
      verified: false,
      raw: answer,
      providerCode: "PROCESSING",
    });
  });

  it("says 'verified' when GatePay signed the answer and it was required", async () => {
    const text = JSON.stringify(closed);
    const timestamp = "1700000000000";
    const signature = signGatePay({ secret: "s", timestamp, nonce: "srv1", body: text });
    const { fetch } = scriptedFetch(
      answerText(200, text, {
        "X-GatePay-Timestamp": timestamp,
        "X-GatePay-Nonce": "srv1",
        "X-GatePay-Signature": signature,
      }),
    );
    const client = createGatePayClient({
      clientId: "c",
      secret: "s",
      fetch,
      responseSignatures: "required",
      ...common,
    });
    await expect(
      cancelOrder({ gatepay: client }, { provider: "gatepay", merchantTradeNo: "M1" }),
    ).resolves.toStrictEqual({ provider: "gatepay", outcome: "cancelled", verified: true, raw: closed });
  });

  it("throws a rejection of the request itself (400002 signature) and a clock rejection (400003)", async () => {
    const signature = { status: "FAIL", code: "400002", errorMessage: "signature verification failed" };
    expect(await rejectionOf(close(signature))).toBeInstanceOf(ProviderRejectedError);
    const clock = { status: "FAIL", code: "400003", errorMessage: "request timestamp timed out" };
    expect(await rejectionOf(close(clock))).toBeInstanceOf(ClockSkewError);
  });
});

describe("cancelOrder at DaxPay", () => {
  const RES_TIME = 1_700_000_000;
  const cancelAt = (...answers: Answer[]) =>
    cancelOrder({ daxpay: daxpay(...answers).client }, { provider: "daxpay", orderNo: "O1" });

  it("is 'cancelled' for a signed data.code 0", async () => {
    const cancelled = daxHandled({ code: 0, resTime: RES_TIME });
    await expect(cancelAt(answerJson(200, cancelled))).resolves.toStrictEqual({
      provider: "daxpay",
      outcome: "cancelled",
      verified: true,
      // resTime is int64: delivered as its exact decimal text.
      raw: { ...cancelled, data: { ...cancelled.data, resTime: String(RES_TIME) } },
    });
  });

  it("is 'rejected' for each signed data.code 1 the 2.0.8 server sends on a first attempt", async () => {
    for (const message of ["支付订单不存在", "订单不是支付中, 无法进行撤销订单", "撤销订单失败"]) {
      const refused = daxHandled({ code: 1, msg: message, resTime: RES_TIME });
      await expect(cancelAt(answerJson(200, refused))).resolves.toMatchObject({
        provider: "daxpay",
        outcome: "rejected",
        verified: true,
        providerCode: "1",
        providerMessage: message,
      });
    }
  });

  it("is 'unknown', possibly already cancelled, when a retry after a lost answer is told 'not in progress' (issue 17, input 4)", async () => {
    const notInProgress = daxHandled({ code: 1, msg: "订单不是支付中, 无法进行撤销订单", resTime: RES_TIME });
    const { fetch, sent } = scriptedFetch(hang(), answerJson(200, notInProgress));
    const client = createDaxPayClient({
      baseUrl: "http://127.0.0.1:9000",
      secret: "123456",
      fetch,
      now: common.now,
      timeoutMs: 20,
      retry: { retries: 1, baseDelayMs: 0 },
    });
    await expect(
      cancelOrder({ daxpay: client }, { provider: "daxpay", orderNo: "O1" }),
    ).resolves.toMatchObject({
      provider: "daxpay",
      outcome: "unknown",
      reason: "possibly_already_cancelled",
      verified: true,
      providerCode: "1",
    });
    expect(sent).toHaveLength(2);
  });

  it("is 'pending' for 10007: a cancel of this order is already in progress", async () => {
    const busy = { msg: "支付订单已在撤销中，请勿重复发起", code: 10007, data: null, traceId: "T1" };
    await expect(cancelAt(answerJson(200, busy))).resolves.toStrictEqual({
      provider: "daxpay",
      outcome: "pending",
      reason: "in_progress",
      verified: false,
      raw: busy,
      providerCode: "10007",
    });
  });

  it("is 'unknown' for a signed data.code it does not know", async () => {
    const answer = daxHandled({ code: 7, resTime: RES_TIME });
    await expect(cancelAt(answerJson(200, answer))).resolves.toMatchObject({
      provider: "daxpay",
      outcome: "unknown",
      reason: "unknown_status",
      verified: true,
      providerCode: "7",
    });
  });

  it("throws unsigned gateway codes, which say nothing about the order: 20052, 10006, and the SDK's 20041/20042", async () => {
    for (const [code, msg] of [
      [20052, "验签失败"],
      [10006, "验证参数错误\n商户支付订单号不可超过100位\n"],
      [20041, "交易不存在"],
      [20042, "交易已关闭"],
    ] as const) {
      const error = await rejectionOf(cancelAt(answerJson(200, { code, msg, traceId: "T1" })));
      expect(error).toMatchObject({ type: "provider_rejected", providerCode: String(code), verified: false });
    }
  });

  it("throws a signed refusal whose resTime is stale: unverified, it cannot be a final outcome", async () => {
    const stale = daxHandled({ code: 1, msg: "订单不是支付中, 无法进行撤销订单", resTime: 1 });
    await expect(cancelAt(answerJson(200, stale))).rejects.toMatchObject({
      type: "provider_rejected",
      providerCode: "1",
      verified: false,
    });
  });

  it("throws a signed data.code 0 whose resTime is stale: a replayed 'cancelled' (issue 13, input 2)", async () => {
    const replayed = daxHandled({ code: 0, resTime: 0 });
    await expect(cancelAt(answerJson(200, replayed))).rejects.toMatchObject({
      type: "signature",
      reason: "stale",
    });
  });
});

describe("cancelOrder at PayerMax", () => {
  const order = { provider: "payermax", requestId: "R1", outTradeNo: "P1" } as const;
  const cancelWith = (answer: Answer) => cancelOrder({ payermax: payermax(answer).client }, order);

  it("maps SUCCESS to 'cancelled' and PENDING to 'pending'", async () => {
    const success = pmxAccepted("SUCCESS");
    await expect(cancelWith(pmxSigned(success))).resolves.toStrictEqual({
      provider: "payermax",
      outcome: "cancelled",
      verified: true,
      raw: success,
    });
    const pending = pmxAccepted("PENDING");
    await expect(cancelWith(pmxSigned(pending))).resolves.toStrictEqual({
      provider: "payermax",
      outcome: "pending",
      reason: "in_progress",
      verified: true,
      raw: pending,
    });
  });

  it("maps FAILED to 'rejected' with PayerMax's errorCode and errorMsg", async () => {
    const failed = pmxAccepted("FAILED", {
      errorCode: "ORDER_STATUS_INVALID",
      errorMsg: "order already captured",
    });
    await expect(cancelWith(pmxSigned(failed))).resolves.toStrictEqual({
      provider: "payermax",
      outcome: "rejected",
      verified: true,
      raw: failed,
      providerCode: "ORDER_STATUS_INVALID",
      providerMessage: "order already captured",
    });
  });

  it("maps a status the spec does not list to 'unknown'", async () => {
    const answer = pmxAccepted("REVERSED");
    await expect(cancelWith(pmxSigned(answer))).resolves.toStrictEqual({
      provider: "payermax",
      outcome: "unknown",
      reason: "unknown_status",
      verified: true,
      raw: answer,
      providerCode: "REVERSED",
    });
  });

  it("maps a signed PARAMS_INVALID (unknown outTradeNo) and PAYMENT_REJECTED to 'rejected'", async () => {
    for (const [code, msg] of [
      ["PARAMS_INVALID", "outTradeNo not found"],
      ["PAYMENT_REJECTED", "order cannot be cancelled"],
    ]) {
      const answer = { code, msg };
      await expect(cancelWith(pmxSigned(answer))).resolves.toStrictEqual({
        provider: "payermax",
        outcome: "rejected",
        verified: true,
        raw: answer,
        providerCode: code,
        providerMessage: msg,
      });
    }
  });

  it("reports the same refusals unsigned as 'unknown', unverified: anyone on the path could have written them (issue 13, input 3)", async () => {
    for (const code of ["PARAMS_INVALID", "PAYMENT_REJECTED"]) {
      const answer = { code, msg: "refused" };
      await expect(cancelWith(answerJson(200, answer))).resolves.toStrictEqual({
        provider: "payermax",
        outcome: "unknown",
        reason: "unverified",
        verified: false,
        raw: answer,
        providerCode: code,
      });
    }
  });

  it("throws SIGN_VERIFY_FAILED, and an unsigned APPLY_SUCCESS", async () => {
    const refused = { code: "SIGN_VERIFY_FAILED", msg: "sign verify failed" };
    await expect(cancelWith(pmxSigned(refused))).rejects.toBeInstanceOf(ProviderRejectedError);
    await expect(cancelWith(answerJson(200, pmxAccepted("SUCCESS")))).rejects.toBeInstanceOf(SignatureError);
  });

  it("throws a timeout: whether the order was cancelled is not known", async () => {
    const { fetch } = scriptedFetch(hang());
    const client = createPayerMaxClient({
      appId: "app",
      privateKey: TEST_PRIVATE_KEY_PEM,
      platformPublicKey: TEST_PUBLIC_KEY_PEM,
      fetch,
      timeoutMs: 20,
      retry: { retries: 0 },
    });
    await expect(cancelOrder({ payermax: client }, order)).rejects.toBeInstanceOf(TimeoutError);
  });
});

describe("cancelOrder input", () => {
  it("calls only the client of the order's provider", async () => {
    const dax = daxpay(answerJson(200, daxHandled({ code: 0, resTime: 1_700_000_000 })));
    const gate = gatepay(answerJson(200, {}));
    await cancelOrder({ daxpay: dax.client, gatepay: gate.client }, { provider: "daxpay", orderNo: "O1" });
    expect(dax.sent).toHaveLength(1);
    expect(gate.sent).toHaveLength(0);
  });

  it("needs a client for the order's provider", async () => {
    const error = await rejectionOf(cancelOrder({}, { provider: "daxpay", orderNo: "O1" }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: "clients.daxpay", rule: "required", operation: "cancelOrder" });
  });

  it("refuses a client filed under another provider", async () => {
    const { client } = daxpay(answerJson(200, {}));
    await expect(
      cancelOrder({ gatepay: client as never }, { provider: "gatepay", merchantTradeNo: "M1" }),
    ).rejects.toMatchObject({ field: "clients.gatepay", rule: "provider" });
  });

  it("refuses an unknown provider", async () => {
    await expect(cancelOrder({}, { provider: "stripe" } as never)).rejects.toMatchObject({
      field: "order.provider",
      rule: "enum:gatepay|daxpay|payermax",
    });
  });

  it("lets the client validate the provider's identifiers", async () => {
    const { client, sent } = gatepay(answerJson(200, {}));
    await expect(cancelOrder({ gatepay: client }, { provider: "gatepay" } as never)).rejects.toMatchObject({
      type: "validation",
      field: "merchantTradeNo|prepayId",
      provider: "gatepay",
      operation: "closeOrder",
    });
    expect(sent).toHaveLength(0);
  });
});
