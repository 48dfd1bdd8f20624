import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validateCancelResponse4xx, validateCancelResponse200 } from "../../generated/daxpay.validators.js";
import { verifyDaxPaySignature } from "../daxpay/sign.js";
import type { Sandbox } from "./server.js";
import { startSandbox } from "./server.js";
import {
  type Answer,
  daxpayPost,
  expectConforms,
  post,
  T0,
  TestClock,
  tally,
  testCredentials,
} from "./test-support.js";

// Expected values are the 2.0.8 server's own texts (docs/providers.md, "DaxPay"), written out here
// rather than imported, so a changed constant cannot carry its test along with it.

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

const TRACE_ID = expect.stringMatching(/^[A-Za-z0-9]{12}$/);

function gatewayError(code: number, msg: string) {
  return { msg, code, data: null, traceId: TRACE_ID };
}

function handled(code: 0 | 1, msg: string | null, resTime = NOW_SECONDS) {
  return {
    msg: "success",
    code: 0,
    data: { code, msg, resTime, sign: expect.stringMatching(/^[0-9a-f]{64}$/) },
    traceId: TRACE_ID,
  };
}

/** Asserts an HTTP 200 answer the spec allows, with a data signature that verifies when there is data. */
function expectGenuine(answer: Answer): void {
  expect(answer.status).toBe(200);
  expectConforms(answer, validateCancelResponse200, validateCancelResponse4xx);
  if (answer.json.data !== null) {
    expect(verifyDaxPaySignature(answer.json.data, credentials.daxpay.secret, "HMAC_SHA256")).toBe(true);
  }
}

describe("DaxPay cancel outcomes (PayCancelService at 2.0.8)", () => {
  it("cancels an order in progress by orderNo and answers a signed data.code 0 with msg null", async () => {
    const order = sandbox.seed.daxpayOrder();
    const answer = await cancel({
      orderNo: order.orderNo,
      clientIp: "127.0.0.1",
      nonceStr: "d112892e382a7093",
    });
    expect(answer.json).toEqual(handled(0, null));
    expect(Object.keys(answer.json)).toEqual(["msg", "code", "data", "traceId"]);
    expect(Object.keys(answer.json.data)).toEqual(["code", "msg", "resTime", "sign"]);
    expectGenuine(answer);
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
    expect(answer.json).toEqual(handled(0, null));
    expect(sandbox.orders()[0]).toMatchObject({ orderNo: order.orderNo, status: "cancel" });
  });

  it("uses orderNo when both are sent, even if bizOrderNo names another order", async () => {
    const first = sandbox.seed.daxpayOrder();
    const second = sandbox.seed.daxpayOrder();
    const answer = await cancel({ orderNo: first.orderNo, bizOrderNo: second.bizOrderNo });
    expect(answer.json).toEqual(handled(0, null));
    expect(sandbox.orders().map((order) => order.status)).toEqual(["cancel", "progress"]);
  });

  it("answers an unknown orderNo with a signed data.code 1 支付订单不存在, even if bizOrderNo exists", async () => {
    const order = sandbox.seed.daxpayOrder();
    const answer = await cancel({ orderNo: "DEVP00000000000000000000", bizOrderNo: order.bizOrderNo });
    expect(answer.json).toEqual(handled(1, "支付订单不存在"));
    expectGenuine(answer);
    expect(sandbox.orders()[0]?.status).toBe("progress");
  });

  it("looks up an empty orderNo as an order number (so finds nothing) rather than falling back to bizOrderNo", async () => {
    const order = sandbox.seed.daxpayOrder();
    const answer = await cancel({ orderNo: "", bizOrderNo: order.bizOrderNo });
    expect(answer.json).toEqual(handled(1, "支付订单不存在"));
    expect(sandbox.orders()[0]?.status).toBe("progress");
  });

  it("answers neither orderNo nor bizOrderNo with a signed 支付订单不存在 (the server has no rule for it)", async () => {
    const answer = await cancel({});
    expect(answer.json).toEqual(handled(1, "支付订单不存在"));
    expectGenuine(answer);
  });

  it.each([["success"], ["close"], ["cancel"], ["fail"]] as const)(
    "answers an order in status %s with a signed data.code 1 订单不是支付中, 无法进行撤销订单",
    async (status) => {
      const order = sandbox.seed.daxpayOrder({ status });
      const answer = await cancel({ orderNo: order.orderNo });
      expect(answer.json).toEqual(handled(1, "订单不是支付中, 无法进行撤销订单"));
      expectGenuine(answer);
      expect(sandbox.orders()[0]).toMatchObject({ status, stateChanges: 0 });
    },
  );

  it("answers the retry of a cancel that went through exactly as it answers a paid order", async () => {
    const order = sandbox.seed.daxpayOrder();
    await cancel({ orderNo: order.orderNo });
    const retry = await cancel({ orderNo: order.orderNo });
    const paid = sandbox.seed.daxpayOrder({ status: "success" });
    const paidAnswer = await cancel({ orderNo: paid.orderNo });
    expect(retry.json).toEqual(handled(1, "订单不是支付中, 无法进行撤销订单"));
    expect(retry.json.data.msg).toBe(paidAnswer.json.data.msg);
    expect(sandbox.orders()[0]).toMatchObject({ status: "cancel", stateChanges: 1 });
  });

  it.each([["union_pay"], ["wallet_pay"]] as const)(
    "answers an order paid through %s (no cancel strategy) with a signed 撤销订单失败 and leaves it in progress",
    async (channel) => {
      const order = sandbox.seed.daxpayOrder({ channel });
      const answer = await cancel({ orderNo: order.orderNo });
      expect(answer.json).toEqual(handled(1, "撤销订单失败"));
      expectGenuine(answer);
      expect(sandbox.orders()[0]).toMatchObject({ channel, status: "progress", stateChanges: 0 });
    },
  );

  it("cancels orders of both channels that have a cancel strategy", async () => {
    const ali = sandbox.seed.daxpayOrder({ channel: "ali_pay" });
    const wechat = sandbox.seed.daxpayOrder({ channel: "wechat_pay" });
    expect((await cancel({ orderNo: ali.orderNo })).json).toEqual(handled(0, null));
    expect((await cancel({ orderNo: wechat.orderNo })).json).toEqual(handled(0, null));
  });

  it("lets exactly one of 50 concurrent cancels of one order succeed; the others are told it is not in progress", async () => {
    const order = sandbox.seed.daxpayOrder();
    const answers = await Promise.all(Array.from({ length: 50 }, () => cancel({ orderNo: order.orderNo })));
    expect(
      tally(answers.map((answer) => `${answer.json.code}/${answer.json.data.code}/${answer.json.data.msg}`)),
    ).toEqual({
      "0/0/null": 1,
      "0/1/订单不是支付中, 无法进行撤销订单": 49,
    });
    expect(sandbox.orders()[0]).toMatchObject({ status: "cancel", stateChanges: 1 });
  });

  it("never answers this endpoint with the SDK list's 20041, 20042, 20051 or 30000", async () => {
    const paid = sandbox.seed.daxpayOrder({ status: "success" });
    const closed = sandbox.seed.daxpayOrder({ status: "close" });
    const answers = await Promise.all([
      cancel({ orderNo: "nobody" }),
      cancel({ orderNo: paid.orderNo }),
      cancel({ orderNo: closed.orderNo }),
      cancel({ orderNo: "1".repeat(33) }),
      cancel({ orderNo: "1" }, { sign: null }),
      post(`${sandbox.url}/unipay/cancel`, "{", { "content-type": "application/json" }),
    ]);
    expect(answers.map((answer) => answer.json.code)).toEqual([0, 0, 0, 10006, 20052, 10005]);
  });
});

describe("DaxPay cancel lock (10007)", () => {
  it("answers a cancel of an order whose cancel is still running with unsigned 10007, then, once it ran, not in progress", async () => {
    const slow = await startSandbox({ clock: clock.read, credentials, paymentDelayMs: 50 });
    try {
      const order = slow.seed.daxpayOrder();
      const send = () => daxpayPost(slow, { orderNo: order.orderNo, reqTime: NOW_SECONDS });
      const first = await send();
      // The sandbox clock has not moved: the channel call that began at T0 is still running.
      const during = await send();
      clock.now = T0 + 50;
      const after = await send();
      expect(first.json).toEqual(handled(0, null));
      expect(during.json).toEqual(gatewayError(10007, "支付订单已在撤销中，请勿重复发起"));
      expect(during.status).toBe(200);
      expectConforms(during, validateCancelResponse200, validateCancelResponse4xx);
      expect(after.json).toEqual(handled(1, "订单不是支付中, 无法进行撤销订单", NOW_SECONDS));
      expect(slow.orders()[0]).toMatchObject({ status: "cancel", stateChanges: 1 });
    } finally {
      await slow.stop();
    }
  });

  it("holds no lock when answers are not delayed", async () => {
    const order = sandbox.seed.daxpayOrder();
    await cancel({ orderNo: order.orderNo });
    expect((await cancel({ orderNo: order.orderNo })).json.code).toBe(0);
  });
});

describe("DaxPay request signatures", () => {
  it("answers a wrong sign with unsigned 20052 验签失败, data null, and leaves the order alone", async () => {
    const order = sandbox.seed.daxpayOrder();
    const answer = await cancel({ orderNo: order.orderNo }, { sign: "0".repeat(64) });
    expect(answer.json).toEqual(gatewayError(20052, "验签失败"));
    expect(Object.keys(answer.json)).toEqual(["msg", "code", "data", "traceId"]);
    expectGenuine(answer);
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
    expect(answer.json).toEqual(gatewayError(20052, "验签失败"));
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
    expect(answer.json).toEqual(handled(0, null));
  });

  it("signs reqTime as the number it parsed, so a numeric string reqTime verifies like the number", async () => {
    const order = sandbox.seed.daxpayOrder();
    const answer = await cancel({ orderNo: order.orderNo, reqTime: String(NOW_SECONDS) });
    expect(answer.json).toEqual(handled(0, null));
  });

  it("binds a number sent for a string field as its text, as Jackson does", async () => {
    sandbox.seed.daxpayOrder({ orderNo: "123" });
    const answer = await cancel({ orderNo: 123 });
    expect(answer.json).toEqual(handled(0, null));
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

describe("DaxPay reqTime window (PaymentAssistService.reqTimeoutVerify)", () => {
  const EXPIRED = "验证参数错误\n请求已过期，请重新发送！";
  const FUTURE = "验证参数错误\n请求时间晚于服务器接收到的时间，请检查";

  it("accepts a reqTime exactly 10 s old and answers 10.001 s old with 10006 and the expiry message", async () => {
    const order = sandbox.seed.daxpayOrder();
    clock.now = T0 + 10_001;
    const stale = await cancel({ orderNo: order.orderNo });
    expect(stale.json).toEqual(gatewayError(10006, EXPIRED));
    expectGenuine(stale);
    expect(sandbox.orders()[0]?.status).toBe("progress");
    clock.now = T0 + 10_000;
    expect((await cancel({ orderNo: order.orderNo })).json).toEqual(handled(0, null, NOW_SECONDS + 10));
  });

  it("accepts a reqTime up to 60.999 s ahead and answers 61 s ahead with 10006 and the future message", async () => {
    const order = sandbox.seed.daxpayOrder();
    clock.now = T0 - 61_000;
    expect((await cancel({ orderNo: order.orderNo })).json).toEqual(gatewayError(10006, FUTURE));
    clock.now = T0 - 60_999;
    expect((await cancel({ orderNo: order.orderNo })).json.data.code).toBe(0);
  });

  it("answers a reqTime in milliseconds as being from the future", async () => {
    const answer = await cancel({ orderNo: "1", reqTime: T0 });
    expect(answer.json).toEqual(gatewayError(10006, FUTURE));
  });

  it("checks the window after the signature, so a stale request with a bad sign answers 20052", async () => {
    clock.now = T0 + 60_000;
    expect((await cancel({ orderNo: "1" }, { sign: "0".repeat(64) })).json.code).toBe(20052);
  });
});

describe("DaxPay parameter validation (10006, ValidationUtil at 2.0.8)", () => {
  it("counts bizOrderNo in UTF-16 units: 51 emoji are 102 units, over @Size(max=100)", async () => {
    const answer = await cancel({ bizOrderNo: "😀".repeat(51) });
    expect(answer.json).toEqual(gatewayError(10006, "验证参数错误\n商户支付订单号不可超过100位\n"));
    expectGenuine(answer);
  });

  it("cancels an order whose bizOrderNo is 50 emoji: 100 units, exactly the limit", async () => {
    const order = sandbox.seed.daxpayOrder({ bizOrderNo: "😀".repeat(50) });
    const answer = await cancel({ bizOrderNo: order.bizOrderNo });
    expect(answer.json).toEqual(handled(0, null));
  });

  it.each([
    [{ orderNo: "1".repeat(33) }, "支付订单号不可超过32位"],
    [{ orderNo: "😀".repeat(17) }, "支付订单号不可超过32位"],
    [{ bizOrderNo: "1".repeat(101) }, "商户支付订单号不可超过100位"],
    [{ orderNo: "1", clientIp: "localhost" }, "IP地址不合法！"],
    [{ orderNo: "1", nonceStr: "n".repeat(33) }, "随机数不可超过32位"],
    [{ orderNo: "1", reqTime: undefined }, "请求时间必填"],
    [{ orderNo: "1", reqTime: null }, "请求时间必填"],
    [{ orderNo: "1", reqTime: " " }, "请求时间必填"],
  ])("answers %j with 10006: %s", async (fields, message) => {
    const answer = await cancel(fields);
    expect(answer.json).toEqual(gatewayError(10006, `验证参数错误\n${message}\n`));
  });

  it("answers a sign longer than 64 with 10006 before checking it", async () => {
    const answer = await cancel({ orderNo: "1" }, { sign: "0".repeat(65) });
    expect(answer.json).toEqual(gatewayError(10006, "验证参数错误\n签名不可超过64位\n"));
  });

  it("lists every violation in one message, each followed by a line separator", async () => {
    const answer = await cancel({
      bizOrderNo: "1".repeat(101),
      clientIp: `${"1".repeat(65)}`,
      nonceStr: "n".repeat(33),
      reqTime: undefined,
    });
    expect(answer.json).toEqual(
      gatewayError(
        10006,
        "验证参数错误\n商户支付订单号不可超过100位\n客户端ip不可超过64位\nIP地址不合法！\n随机数不可超过32位\n请求时间必填\n",
      ),
    );
  });

  it("validates before the signature, so an unsigned request with a bad field answers 10006", async () => {
    const answer = await cancel({ orderNo: "1".repeat(33) }, { sign: null });
    expect(answer.json.code).toBe(10006);
  });

  it("accepts an IPv6 clientIp and a blank one", async () => {
    const first = sandbox.seed.daxpayOrder();
    const second = sandbox.seed.daxpayOrder();
    expect((await cancel({ orderNo: first.orderNo, clientIp: "::1" })).json).toEqual(handled(0, null));
    expect((await cancel({ orderNo: second.orderNo, clientIp: " " })).json).toEqual(handled(0, null));
  });
});

describe("DaxPay unreadable bodies (10005) and media types (10001)", () => {
  function raw(body: string, contentType = "application/json") {
    return post(`${sandbox.url}/unipay/cancel`, body, { "content-type": contentType });
  }

  it.each([
    ['{"orderNo":', "JSON parse error: request body is not valid JSON"],
    ["[]", "JSON parse error: Cannot deserialize value of type PayCancelParam from Array value"],
    ['"x"', "JSON parse error: Cannot deserialize value of type PayCancelParam from scalar value"],
    ["", "Required request body is missing"],
    ["null", "Required request body is missing"],
    [
      '{"orderNo":{"a":1},"reqTime":1}',
      "JSON parse error: Cannot deserialize value of type String from Object value (field orderNo)",
    ],
    ['{"orderNo":"1","reqTime":"abc"}', "JSON parse error: reqTime is not a whole number of seconds"],
    ['{"orderNo":"1","reqTime":1700000000.5}', "JSON parse error: reqTime is not a whole number of seconds"],
    ['{"orderNo":"1","reqTime":true}', "JSON parse error: reqTime is not a whole number of seconds"],
    [
      '{"orderNo":"1","reqTime":9223372036854775808}',
      "JSON parse error: reqTime is not a whole number of seconds",
    ],
  ])("answers %j with HTTP 200 and 10005", async (body, message) => {
    const answer = await raw(body);
    expect(answer.json).toEqual(gatewayError(10005, message));
    expectGenuine(answer);
  });

  it("answers a form-encoded body with 10001 系统错误 (no converter; the catch-all handler answers)", async () => {
    const answer = await cancel({ orderNo: "1" }, { contentType: "application/x-www-form-urlencoded" });
    expect(answer.json).toEqual(gatewayError(10001, "系统错误"));
    expectGenuine(answer);
  });

  it("answers a body over 1 MiB with 10005", async () => {
    const answer = await cancel({ orderNo: "1", padding: "x".repeat(1024 * 1024) }, { sign: null });
    expect(answer.json).toEqual(
      gatewayError(10005, "JSON parse error: request body is larger than 1048576 bytes"),
    );
  });
});
