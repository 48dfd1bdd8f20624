import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validateCancelResponse4xx, validateCancelResponse200 } from "../../generated/daxpay.validators.js";
import { verifyDaxPaySignature } from "../daxpay/sign.js";
import type { Sandbox } from "./server.js";
import { startSandbox } from "./server.js";
import { daxpayPost, expectConforms, post, T0, TestClock, tally, testCredentials } from "./test-support.js";

const credentials = testCredentials();
const clock = new TestClock();
const NOW_SECONDS = T0 / 1000;
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

function cancel(fields: Record<string, unknown>, options: Parameters<typeof daxpayPost>[2] = {}) {
  return daxpayPost(sandbox, { reqTime: NOW_SECONDS, ...fields }, options);
}

function gatewayError(code: number, msg: string) {
  return { code, msg, traceId: expect.stringMatching(/^[A-Za-z0-9]{12}$/) };
}

describe("DaxPay cancel", () => {
  it("cancels an unpaid order by orderNo and answers a signed data.code 0", async () => {
    const order = sandbox.seed.daxpayOrder();
    const answer = await cancel({
      orderNo: order.orderNo,
      clientIp: "127.0.0.1",
      nonceStr: "d112892e382a7093",
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      code: 0,
      msg: "success",
      data: { code: 0, resTime: NOW_SECONDS, sign: expect.stringMatching(/^[0-9a-f]{64}$/) },
      traceId: expect.stringMatching(/^[A-Za-z0-9]{12}$/),
    });
    expect(Object.keys(answer.json.data)).toEqual(["code", "resTime", "sign"]);
    expect(verifyDaxPaySignature(answer.json.data, credentials.daxpay.secret, "HMAC_SHA256")).toBe(true);
    expectConforms(answer, validateCancelResponse200, validateCancelResponse4xx);
    expect(sandbox.orders()[0]).toMatchObject({ status: "cancel", stateChanges: 1 });
  });

  it("signs data over exactly its fields, so a changed field no longer verifies", async () => {
    const order = sandbox.seed.daxpayOrder();
    const { json } = await cancel({ orderNo: order.orderNo });
    expect(verifyDaxPaySignature({ ...json.data, code: 1 }, credentials.daxpay.secret)).toBe(false);
    expect(verifyDaxPaySignature(json.data, "another-secret")).toBe(false);
  });

  it("cancels by bizOrderNo", async () => {
    const order = sandbox.seed.daxpayOrder({ bizOrderNo: "P0001" });
    const answer = await cancel({ bizOrderNo: "P0001" });
    expect(answer.json.data.code).toBe(0);
    expect(sandbox.orders()[0]).toMatchObject({ orderNo: order.orderNo, status: "cancel" });
  });

  it("uses orderNo when both are sent, even if bizOrderNo names another order", async () => {
    const first = sandbox.seed.daxpayOrder();
    const second = sandbox.seed.daxpayOrder();
    const answer = await cancel({ orderNo: first.orderNo, bizOrderNo: second.bizOrderNo });
    expect(answer.json.data.code).toBe(0);
    expect(sandbox.orders().map((order) => order.status)).toEqual(["cancel", "progress"]);
  });

  it("uses orderNo when both are sent, even if only bizOrderNo exists", async () => {
    const order = sandbox.seed.daxpayOrder();
    const answer = await cancel({ orderNo: "DEVP00000000000000000000", bizOrderNo: order.bizOrderNo });
    expect(answer.json).toEqual(gatewayError(20041, "支付订单不存在"));
    expect(sandbox.orders()[0]?.status).toBe("progress");
  });

  it("answers a paid order with a signed data.code 1 and the reason", async () => {
    const order = sandbox.seed.daxpayOrder({ status: "success" });
    const answer = await cancel({ orderNo: order.orderNo });
    expect(answer.status).toBe(200);
    expect(answer.json.code).toBe(0);
    expect(answer.json.data).toEqual({
      code: 1,
      msg: "订单已支付，无法撤销",
      resTime: NOW_SECONDS,
      sign: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(verifyDaxPaySignature(answer.json.data, credentials.daxpay.secret)).toBe(true);
    expectConforms(answer, validateCancelResponse200, validateCancelResponse4xx);
    expect(sandbox.orders()[0]).toMatchObject({ status: "success", stateChanges: 0 });
  });

  it("answers a repeated cancel with 20042 支付订单已撤销", async () => {
    const order = sandbox.seed.daxpayOrder();
    await cancel({ orderNo: order.orderNo });
    const again = await cancel({ orderNo: order.orderNo });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(gatewayError(20042, "支付订单已撤销"));
    expectConforms(again, validateCancelResponse200, validateCancelResponse4xx);
    expect(sandbox.orders()[0]).toMatchObject({ status: "cancel", stateChanges: 1 });
  });

  it("answers a closed order with 20042 支付订单已关闭", async () => {
    const order = sandbox.seed.daxpayOrder({ status: "close" });
    expect((await cancel({ orderNo: order.orderNo })).json).toEqual(gatewayError(20042, "支付订单已关闭"));
  });

  it("answers an unknown order with 20041", async () => {
    const answer = await cancel({ bizOrderNo: "nobody" });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(gatewayError(20041, "支付订单不存在"));
  });

  it("lets exactly one of 50 concurrent cancels of one order succeed", async () => {
    const order = sandbox.seed.daxpayOrder();
    const answers = await Promise.all(Array.from({ length: 50 }, () => cancel({ orderNo: order.orderNo })));
    expect(tally(answers.map((answer) => `${answer.json.code}/${answer.json.data?.code ?? "-"}`))).toEqual({
      "0/0": 1,
      "20042/-": 49,
    });
    expect(sandbox.orders()[0]).toMatchObject({ status: "cancel", stateChanges: 1 });
  });
});

describe("DaxPay request signatures", () => {
  it("answers a wrong sign with unsigned 20052 验签失败 and leaves the order alone", async () => {
    const order = sandbox.seed.daxpayOrder();
    const answer = await cancel({ orderNo: order.orderNo }, { sign: "0".repeat(64) });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(gatewayError(20052, "验签失败"));
    expectConforms(answer, validateCancelResponse200, validateCancelResponse4xx);
    expect(sandbox.orders()[0]?.status).toBe("progress");
  });

  it("answers a missing sign with 20052", async () => {
    const order = sandbox.seed.daxpayOrder();
    expect((await cancel({ orderNo: order.orderNo }, { sign: null })).json).toEqual(
      gatewayError(20052, "验签失败"),
    );
  });

  it("answers a sign made with another secret with 20052", async () => {
    const order = sandbox.seed.daxpayOrder();
    const answer = await cancel({ orderNo: order.orderNo }, { secret: "wrong-secret" });
    expect(answer.json.code).toBe(20052);
  });

  it("answers an MD5 sign with 20052 when the platform uses HMAC_SHA256", async () => {
    const order = sandbox.seed.daxpayOrder();
    expect((await cancel({ orderNo: order.orderNo }, { signType: "MD5" })).json.code).toBe(20052);
  });

  it("ignores unknown fields, so one the client signed breaks the signature", async () => {
    const order = sandbox.seed.daxpayOrder();
    expect((await cancel({ orderNo: order.orderNo, bizTradeNo: "P0001" })).json.code).toBe(20052);
  });

  it("ignores unknown fields the client did not sign", async () => {
    const order = sandbox.seed.daxpayOrder();
    const answer = await cancel({ orderNo: order.orderNo }, { unsigned: { appId: "ignored" } });
    expect(answer.json.data.code).toBe(0);
  });

  it("accepts a platform configured for MD5 and signs its answers with MD5", async () => {
    const md5 = await startSandbox({ clock: clock.read, credentials, daxpaySignType: "MD5" });
    try {
      expect(md5.credentials.daxpay).toEqual({ secret: credentials.daxpay.secret, signType: "MD5" });
      const order = md5.seed.daxpayOrder();
      const refused = await daxpayPost(
        md5,
        { orderNo: order.orderNo, reqTime: NOW_SECONDS },
        { signType: "HMAC_SHA256" },
      );
      expect(refused.json.code).toBe(20052);
      const answer = await daxpayPost(md5, { orderNo: order.orderNo, reqTime: NOW_SECONDS });
      expect(answer.json.data.sign).toMatch(/^[0-9a-f]{32}$/);
      expect(verifyDaxPaySignature(answer.json.data, credentials.daxpay.secret, "MD5")).toBe(true);
    } finally {
      await md5.stop();
    }
  });
});

describe("DaxPay reqTime window", () => {
  it("accepts a reqTime exactly 10 s old and answers 11 s old with 10006 请求已过期", async () => {
    const order = sandbox.seed.daxpayOrder();
    const stale = await cancel({ orderNo: order.orderNo, reqTime: NOW_SECONDS - 11 });
    expect(stale.status).toBe(200);
    expect(stale.json).toEqual(gatewayError(10006, "请求已过期"));
    expect(sandbox.orders()[0]?.status).toBe("progress");
    expect((await cancel({ orderNo: order.orderNo, reqTime: NOW_SECONDS - 10 })).json.data.code).toBe(0);
  });

  it("accepts a reqTime exactly 60 s ahead and answers 61 s ahead with 10006 请求时间超前", async () => {
    const order = sandbox.seed.daxpayOrder();
    const future = await cancel({ orderNo: order.orderNo, reqTime: NOW_SECONDS + 61 });
    expect(future.json).toEqual(gatewayError(10006, "请求时间超前"));
    expect((await cancel({ orderNo: order.orderNo, reqTime: NOW_SECONDS + 60 })).json.data.code).toBe(0);
  });

  it("compares whole seconds, so 10.999 s of drift within the same second still passes", async () => {
    const order = sandbox.seed.daxpayOrder();
    clock.now = T0 + 999;
    expect((await cancel({ orderNo: order.orderNo, reqTime: NOW_SECONDS - 10 })).json.data.code).toBe(0);
  });

  it("answers a reqTime in milliseconds as being from the future", async () => {
    const answer = await cancel({ orderNo: "1", reqTime: T0 });
    expect(answer.json).toEqual(gatewayError(10006, "请求时间超前"));
  });
});

describe("DaxPay request bodies", () => {
  it("answers malformed JSON with HTTP 400 and 20051", async () => {
    const answer = await post(`${sandbox.url}/unipay/cancel`, '{"orderNo":', {
      "content-type": "application/json",
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(gatewayError(20051, "参数校验失败: request body is not valid JSON"));
    expectConforms(answer, validateCancelResponse200, validateCancelResponse4xx);
  });

  it("answers a form-encoded body with HTTP 400 and 20051", async () => {
    const answer = await cancel({ orderNo: "1" }, { contentType: "application/x-www-form-urlencoded" });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(gatewayError(20051, "参数校验失败: Content-Type must be application/json"));
  });

  it("answers a body over 1 MiB with HTTP 400 and 20051", async () => {
    const answer = await cancel({ orderNo: "1", padding: "x".repeat(1024 * 1024) }, { sign: null });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(
      gatewayError(20051, "参数校验失败: request body is larger than 1048576 bytes"),
    );
  });

  it("answers neither orderNo nor bizOrderNo with 20051 in the page's own words", async () => {
    const answer = await cancel({});
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(gatewayError(20051, "参数校验失败: 订单号与商户订单号不可以同时为空"));
    expectConforms(answer, validateCancelResponse200, validateCancelResponse4xx);
  });

  it.each([
    [{ orderNo: "1", reqTime: undefined }, "reqTime is required"],
    [{ orderNo: "1", reqTime: "1700000000" }, "reqTime must be integer"],
    [{ orderNo: "1", reqTime: 1_700_000_000.5 }, "reqTime must be integer"],
    [{ orderNo: 1 }, "orderNo must be string"],
    [{ orderNo: "1".repeat(33) }, "orderNo must be at most 32 characters"],
    [{ bizOrderNo: "1".repeat(101) }, "bizOrderNo must be at most 100 characters"],
    [{ orderNo: "1", clientIp: "localhost" }, "clientIp must be a valid ipv4 or ipv6 address"],
    [{ orderNo: "1", nonceStr: "n".repeat(33) }, "nonceStr must be at most 32 characters"],
  ])("answers %j with 20051: %s", async (fields, message) => {
    const answer = await cancel(fields);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(gatewayError(20051, `参数校验失败: ${message}`));
  });

  it("answers a JSON array with 20051", async () => {
    const answer = await post(`${sandbox.url}/unipay/cancel`, "[]", { "content-type": "application/json" });
    expect(answer.json).toEqual(gatewayError(20051, "参数校验失败: body must be object"));
  });

  it("accepts an IPv6 clientIp", async () => {
    const order = sandbox.seed.daxpayOrder();
    expect((await cancel({ orderNo: order.orderNo, clientIp: "::1" })).json.data.code).toBe(0);
  });
});
