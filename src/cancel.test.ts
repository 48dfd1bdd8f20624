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
  /** Cancels deposit 71347515709194240 through cancelOrder, GatePay answering `answer`. */
  const cancelDeposit = (answer: unknown) =>
    cancelOrder(
      { gatepay: gatepay(answerJson(200, answer)).client },
      { provider: "gatepay", orderId: "71347515709194240" },
    );

  it("is 'cancelled' when the deposit is cancelled, and sends only the orderId", async () => {
    const answer = { code: "000000", status: "SUCCESS", errorMessage: "", data: { success: true } };
    const { client, sent } = gatepay(answerJson(200, answer));
    await expect(
      cancelOrder({ gatepay: client }, { provider: "gatepay", orderId: "71347515709194240" }),
    ).resolves.toStrictEqual({ provider: "gatepay", outcome: "cancelled", raw: answer });
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
      raw: answer,
      providerCode: "000000",
      providerMessage: "data.success is false",
    });
  });

  it("is 'unknown' when GatePay answers success without saying whether the deposit was cancelled", async () => {
    const answer = { code: "000000", status: "SUCCESS", errorMessage: "", data: {} };
    await expect(cancelDeposit(answer)).resolves.toStrictEqual({
      provider: "gatepay",
      outcome: "unknown",
      raw: answer,
      providerCode: "000000",
    });
  });
});

describe("cancelOrder at GatePay (closeOrder)", () => {
  const closed = { status: "SUCCESS", code: "000000", errorMessage: "", data: { result: "SUCCESS" } };

  it("is 'cancelled' when the close succeeds, with GatePay's answer as raw", async () => {
    const { client, sent } = gatepay(answerJson(200, closed));
    await expect(
      cancelOrder({ gatepay: client }, { provider: "gatepay", merchantTradeNo: "M1" }),
    ).resolves.toStrictEqual({ provider: "gatepay", outcome: "cancelled", raw: closed });
    expect(sent[0]?.body).toBe('{"merchantTradeNo":"M1"}');
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
    ).resolves.toStrictEqual({
      provider: "gatepay",
      outcome: "cancelled",
      raw: answer,
    });
  });

  it("is 'rejected' for a paid order (400204 ORDER_PAID) and an unknown one (400202)", async () => {
    const paid = {
      status: "FAIL",
      code: "400204",
      label: "ORDER_PAID",
      errorMessage: "order status incorrect",
    };
    await expect(
      cancelOrder(
        { gatepay: gatepay(answerJson(200, paid)).client },
        { provider: "gatepay", merchantTradeNo: "M1" },
      ),
    ).resolves.toStrictEqual({
      provider: "gatepay",
      outcome: "rejected",
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
    await expect(
      cancelOrder(
        { gatepay: gatepay(answerJson(200, missing)).client },
        { provider: "gatepay", merchantTradeNo: "M1" },
      ),
    ).resolves.toMatchObject({ outcome: "rejected", providerCode: "400202" });
  });

  it("is 'unknown' for a success whose data.result it does not know", async () => {
    const answer = { ...closed, data: { result: "PROCESSING" } };
    await expect(
      cancelOrder(
        { gatepay: gatepay(answerJson(200, answer)).client },
        { provider: "gatepay", merchantTradeNo: "M1" },
      ),
    ).resolves.toStrictEqual({
      provider: "gatepay",
      outcome: "unknown",
      raw: answer,
      providerCode: "PROCESSING",
    });
  });

  it("throws a rejection of the request itself (400002 signature) and a clock rejection (400003)", async () => {
    const signature = { status: "FAIL", code: "400002", errorMessage: "signature verification failed" };
    const first = await rejectionOf(
      cancelOrder(
        { gatepay: gatepay(answerJson(400, signature)).client },
        { provider: "gatepay", prepayId: "P1" },
      ),
    );
    expect(first).toBeInstanceOf(ProviderRejectedError);
    const clock = { status: "FAIL", code: "400003", errorMessage: "request timestamp timed out" };
    const second = await rejectionOf(
      cancelOrder(
        { gatepay: gatepay(answerJson(400, clock)).client },
        { provider: "gatepay", prepayId: "P1" },
      ),
    );
    expect(second).toBeInstanceOf(ClockSkewError);
  });
});

describe("cancelOrder at DaxPay", () => {
  it("is 'cancelled' for data.code 0 and for 20042 (trade closed)", async () => {
    const cancelled = daxHandled({ code: 0, resTime: 1 });
    await expect(
      cancelOrder(
        { daxpay: daxpay(answerJson(200, cancelled)).client },
        { provider: "daxpay", orderNo: "O1" },
      ),
    ).resolves.toStrictEqual({ provider: "daxpay", outcome: "cancelled", raw: cancelled });
    const closed = { code: 20042, msg: "交易已关闭", traceId: "T1" };
    await expect(
      cancelOrder({ daxpay: daxpay(answerJson(200, closed)).client }, { provider: "daxpay", orderNo: "O1" }),
    ).resolves.toStrictEqual({ provider: "daxpay", outcome: "cancelled", raw: closed });
  });

  it("is 'rejected' for data.code 1 with DaxPay's reason, and for 20041 (trade does not exist)", async () => {
    const paid = daxHandled({ code: 1, msg: "订单已支付，无法撤销", resTime: 1 });
    await expect(
      cancelOrder({ daxpay: daxpay(answerJson(200, paid)).client }, { provider: "daxpay", bizOrderNo: "P1" }),
    ).resolves.toStrictEqual({
      provider: "daxpay",
      outcome: "rejected",
      raw: paid,
      providerCode: "1",
      providerMessage: "订单已支付，无法撤销",
    });
    const missing = { code: 20041, msg: "交易不存在", traceId: "T1" };
    await expect(
      cancelOrder({ daxpay: daxpay(answerJson(200, missing)).client }, { provider: "daxpay", orderNo: "O1" }),
    ).resolves.toMatchObject({ outcome: "rejected", providerCode: "20041" });
  });

  it("is 'rejected' for 20043 (processing) and 20044 (trade status error)", async () => {
    for (const code of [20043, 20044]) {
      const answer = { code, msg: "撤销失败", traceId: "T1" };
      await expect(
        cancelOrder(
          { daxpay: daxpay(answerJson(200, answer)).client },
          { provider: "daxpay", orderNo: "O1" },
        ),
      ).resolves.toStrictEqual({
        provider: "daxpay",
        outcome: "rejected",
        raw: answer,
        providerCode: String(code),
        providerMessage: "撤销失败",
      });
    }
  });

  it("is 'unknown' for a signed data.code it does not know", async () => {
    const answer = daxHandled({ code: 7, resTime: 1 });
    await expect(
      cancelOrder({ daxpay: daxpay(answerJson(200, answer)).client }, { provider: "daxpay", orderNo: "O1" }),
    ).resolves.toStrictEqual({ provider: "daxpay", outcome: "unknown", raw: answer, providerCode: "7" });
  });

  it("throws 20052 (our signature refused): it says nothing about the order", async () => {
    const error = await rejectionOf(
      cancelOrder(
        { daxpay: daxpay(answerJson(200, { code: 20052, msg: "验签失败" })).client },
        { provider: "daxpay", orderNo: "O1" },
      ),
    );
    expect(error).toMatchObject({ type: "provider_rejected", providerCode: "20052" });
  });
});

describe("cancelOrder at PayerMax", () => {
  const order = { provider: "payermax", requestId: "R1", outTradeNo: "P1" } as const;

  it("maps SUCCESS to 'cancelled' and PENDING to 'pending'", async () => {
    const success = pmxAccepted("SUCCESS");
    await expect(
      cancelOrder({ payermax: payermax(pmxSigned(success)).client }, order),
    ).resolves.toStrictEqual({
      provider: "payermax",
      outcome: "cancelled",
      raw: success,
    });
    const pending = pmxAccepted("PENDING");
    await expect(
      cancelOrder({ payermax: payermax(pmxSigned(pending)).client }, order),
    ).resolves.toStrictEqual({
      provider: "payermax",
      outcome: "pending",
      raw: pending,
    });
  });

  it("maps FAILED to 'rejected' with PayerMax's errorCode and errorMsg", async () => {
    const failed = pmxAccepted("FAILED", {
      errorCode: "ORDER_STATUS_INVALID",
      errorMsg: "order already captured",
    });
    await expect(cancelOrder({ payermax: payermax(pmxSigned(failed)).client }, order)).resolves.toStrictEqual(
      {
        provider: "payermax",
        outcome: "rejected",
        raw: failed,
        providerCode: "ORDER_STATUS_INVALID",
        providerMessage: "order already captured",
      },
    );
  });

  it("maps a status the spec does not list to 'unknown'", async () => {
    const answer = pmxAccepted("REVERSED");
    await expect(cancelOrder({ payermax: payermax(pmxSigned(answer)).client }, order)).resolves.toStrictEqual(
      {
        provider: "payermax",
        outcome: "unknown",
        raw: answer,
        providerCode: "REVERSED",
      },
    );
  });

  it("maps PARAMS_INVALID (unknown outTradeNo) to 'rejected'", async () => {
    const answer = { code: "PARAMS_INVALID", msg: "outTradeNo not found" };
    await expect(cancelOrder({ payermax: payermax(pmxSigned(answer)).client }, order)).resolves.toStrictEqual(
      {
        provider: "payermax",
        outcome: "rejected",
        raw: answer,
        providerCode: "PARAMS_INVALID",
        providerMessage: "outTradeNo not found",
      },
    );
  });

  it("maps PAYMENT_REJECTED to 'rejected'", async () => {
    const answer = { code: "PAYMENT_REJECTED", msg: "order cannot be cancelled" };
    await expect(cancelOrder({ payermax: payermax(pmxSigned(answer)).client }, order)).resolves.toStrictEqual(
      {
        provider: "payermax",
        outcome: "rejected",
        raw: answer,
        providerCode: "PAYMENT_REJECTED",
        providerMessage: "order cannot be cancelled",
      },
    );
  });

  it("throws SIGN_VERIFY_FAILED, and an unsigned APPLY_SUCCESS", async () => {
    const refused = { code: "SIGN_VERIFY_FAILED", msg: "sign verify failed" };
    await expect(
      cancelOrder({ payermax: payermax(pmxSigned(refused)).client }, order),
    ).rejects.toBeInstanceOf(ProviderRejectedError);
    await expect(
      cancelOrder({ payermax: payermax(answerJson(200, pmxAccepted("SUCCESS"))).client }, order),
    ).rejects.toBeInstanceOf(SignatureError);
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
    const dax = daxpay(answerJson(200, daxHandled({ code: 0, resTime: 1 })));
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
