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
import { createDaxPayClient, type DaxPayClientOptions } from "./client.js";
import { signDaxPay } from "./sign.js";

const SECRET = "123456";
const NOW = 1_700_000_000_000;
const BASE_URL = "http://127.0.0.1:9000";
// openssl: printf 'bizOrderNo=P0001&clientIp=127.0.0.1&nonceStr=abc123XYZ&reqTime=1700000000&key=123456' \
//   | openssl dgst -sha256 -hmac 123456        (and | openssl dgst -md5 for MD5)
const PINNED_HMAC = "661f452185be6c376eeb75bd1ca813fbce89ac8f4b4fcbabb84d4b6eeed1afed";
const PINNED_MD5 = "6179ada3f67aa855a1e3c0052f16e141";
const TRACE_ID = "JQWKpAeCJGlX";

/** A handled answer whose `data` is signed with `secret` (the platform's secret, the same as ours). */
function handled(data: Record<string, unknown>, secret = SECRET) {
  return { code: 0, msg: "success", data: { ...data, sign: signDaxPay(data, secret) }, traceId: TRACE_ID };
}
const CANCELLED = handled({ code: 0, resTime: 1_700_000_001 });

function daxPay(answers: Answer[], options: Partial<DaxPayClientOptions> = {}) {
  const { fetch, sent } = scriptedFetch(...answers);
  const client = createDaxPayClient({
    baseUrl: BASE_URL,
    secret: SECRET,
    fetch,
    now: () => NOW,
    nonce: countingNonce(),
    retry: { baseDelayMs: 0 },
    ...options,
  });
  return { client, sent };
}

describe("cancel signing", () => {
  it("sends reqTime in seconds, nonceStr and sign in the body (pinned openssl HMAC-SHA256)", async () => {
    const { client, sent } = daxPay([answerJson(200, CANCELLED)], {
      nonce: () => "abc123XYZ",
      now: () => NOW + 999,
    });
    await client.cancel({ bizOrderNo: "P0001", clientIp: "127.0.0.1" });
    expect(sent).toStrictEqual([
      {
        url: "http://127.0.0.1:9000/unipay/cancel",
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/json" },
        body: `{"bizOrderNo":"P0001","clientIp":"127.0.0.1","nonceStr":"abc123XYZ","reqTime":1700000000,"sign":"${PINNED_HMAC}"}`,
        redirect: "manual",
      },
    ]);
  });

  it("signs with MD5 when the platform is configured for it (pinned openssl MD5)", async () => {
    const platform = handled({ code: 0, resTime: 1_700_000_001 });
    const md5Answer = {
      ...platform,
      data: {
        code: 0,
        resTime: 1_700_000_001,
        sign: signDaxPay({ code: 0, resTime: 1_700_000_001 }, SECRET, "MD5"),
      },
    };
    const { client, sent } = daxPay([answerJson(200, md5Answer)], {
      nonce: () => "abc123XYZ",
      signType: "MD5",
    });
    await client.cancel({ bizOrderNo: "P0001", clientIp: "127.0.0.1" });
    expect(JSON.parse(sent[0]?.body ?? "{}")).toMatchObject({ sign: PINNED_MD5 });
  });

  it("sends orderNo and bizOrderNo when both are given, in the spec's order, and signs every field", async () => {
    const { client, sent } = daxPay([answerJson(200, CANCELLED)]);
    await client.cancel({ bizOrderNo: "P0001", orderNo: "1753370980523384832" });
    const body = JSON.parse(sent[0]?.body ?? "{}") as Record<string, unknown>;
    expect(Object.keys(body)).toStrictEqual(["orderNo", "bizOrderNo", "nonceStr", "reqTime", "sign"]);
    const { sign, ...signed } = body;
    expect(sign).toBe(signDaxPay(signed, SECRET));
  });

  it("re-signs a retry with a new nonceStr and reqTime", async () => {
    let clock = NOW;
    const { client, sent } = daxPay([answerText(503, ""), answerJson(200, CANCELLED)], {
      now: () => {
        clock += 1000;
        return clock;
      },
    });
    await client.cancel({ orderNo: "O1" });
    const bodies = sent.map((request) => JSON.parse(request.body) as Record<string, unknown>);
    expect(bodies.map((body) => body.nonceStr)).toStrictEqual(["nonce1", "nonce2"]);
    expect(bodies[0]?.reqTime).not.toBe(bodies[1]?.reqTime);
    for (const { sign, ...signed } of bodies) expect(sign).toBe(signDaxPay(signed, SECRET));
  });
});

describe("cancel answers", () => {
  it("returns the verified data with status 'cancelled' and the trace id", async () => {
    const { client } = daxPay([answerJson(200, CANCELLED)]);
    // resTime is int64: delivered as its exact decimal text.
    const data = { ...CANCELLED.data, resTime: "1700000001" };
    await expect(client.cancel({ orderNo: "O1" })).resolves.toStrictEqual({
      status: "cancelled",
      possiblyAlreadyCancelled: false,
      data,
      raw: { ...CANCELLED, data },
      traceId: TRACE_ID,
      verified: true,
    });
  });

  it("rejects the signed data.code 1 with the server's reason verbatim and an English gloss", async () => {
    const answer = handled({ code: 1, msg: "订单不是支付中, 无法进行撤销订单", resTime: 1_700_000_001 });
    const { client } = daxPay([answerJson(200, answer)]);
    const error = await rejectionOf(client.cancel({ orderNo: "O1" }));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({
      provider: "daxpay",
      operation: "cancel",
      status: 200,
      traceId: TRACE_ID,
      providerCode: "1",
      providerMessage: "订单不是支付中, 无法进行撤销订单",
      verified: true,
      raw: { ...answer, data: { ...answer.data, resTime: "1700000001" } },
      message:
        "[daxpay cancel] rejected by provider: 1 订单不是支付中, 无法进行撤销订单 (order is not in progress (already paid, closed or cancelled), so it cannot be cancelled)",
    });
  });

  it("answers a retry told 'not in progress' as unknown, possibly already cancelled by the lost first attempt (issue 17, input 4)", async () => {
    const answer = handled({ code: 1, msg: "订单不是支付中, 无法进行撤销订单", resTime: 1_700_000_001 });
    const { client, sent } = daxPay([hang(), answerJson(200, answer)], { timeoutMs: 20 });
    await expect(client.cancel({ orderNo: "O1" })).resolves.toMatchObject({
      status: "unknown",
      possiblyAlreadyCancelled: true,
      verified: true,
      data: { code: 1, msg: "订单不是支付中, 无法进行撤销订单" },
    });
    expect(sent).toHaveLength(2);
  });

  it("still rejects a retry told 'order not found' or 'cancel failed': those say nothing about a first attempt", async () => {
    for (const msg of ["支付订单不存在", "撤销订单失败"]) {
      const answer = handled({ code: 1, msg, resTime: 1_700_000_001 });
      const { client } = daxPay([failWith("ECONNRESET"), answerJson(200, answer)]);
      await expect(client.cancel({ orderNo: "O1" })).rejects.toMatchObject({
        providerCode: "1",
        providerMessage: msg,
      });
    }
  });

  it("surfaces a signed data.code it does not know as status 'unknown'", async () => {
    const answer = handled({ code: 7, resTime: 1_700_000_001 });
    const { client } = daxPay([answerJson(200, answer)]);
    await expect(client.cancel({ orderNo: "O1" })).resolves.toMatchObject({
      status: "unknown",
      data: { code: 7 },
    });
  });

  it("rejects a tampered data (valid sign, changed field) with SignatureError 'invalid'", async () => {
    const answer = handled({ code: 1, msg: "订单已支付，无法撤销", resTime: 1_700_000_001 });
    const tampered = { ...answer, data: { ...answer.data, code: 0, msg: null } };
    const { client } = daxPay([answerJson(200, tampered)]);
    const error = await rejectionOf(client.cancel({ orderNo: "O1" }));
    expect(error).toBeInstanceOf(SignatureError);
    expect(error).toMatchObject({ reason: "invalid", traceId: TRACE_ID, status: 200 });
  });

  it("rejects data signed with another secret", async () => {
    const { client } = daxPay([
      answerJson(200, handled({ code: 0, resTime: 1_700_000_001 }, "not-the-secret")),
    ]);
    await expect(client.cancel({ orderNo: "O1" })).rejects.toMatchObject({
      type: "signature",
      reason: "invalid",
    });
  });

  it("refuses a 'handled' answer without signed data (fail closed)", async () => {
    for (const answer of [
      { code: 0, msg: "success", data: null, traceId: TRACE_ID },
      { code: 0, msg: "success", traceId: TRACE_ID },
      { code: 0, msg: "success", data: { code: 0, resTime: 1_700_000_001 }, traceId: TRACE_ID },
    ]) {
      const { client } = daxPay([answerJson(200, answer)]);
      await expect(client.cancel({ orderNo: "O1" })).rejects.toMatchObject({
        type: "signature",
        reason: "missing",
      });
    }
  });

  it("rejects the gateway's 20052 (signature failed) with its code and message", async () => {
    const { client, sent } = daxPay([answerJson(200, { code: 20052, msg: "验签失败", traceId: TRACE_ID })]);
    await expect(client.cancel({ orderNo: "O1" })).rejects.toMatchObject({
      type: "provider_rejected",
      providerCode: "20052",
      providerMessage: "验签失败",
      traceId: TRACE_ID,
    });
    expect(sent).toHaveLength(1);
  });

  it("reads a 10006 parameter problem as a ProviderRejectedError, glossed line by line, not as clock skew (issue 17, input 2)", async () => {
    const answer = { code: 10006, msg: "验证参数错误\n商户支付订单号不可超过100位\n", traceId: "T1" };
    const { client } = daxPay([answerJson(200, answer)]);
    const error = await rejectionOf(client.cancel({ orderNo: "O1" }));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).not.toBeInstanceOf(ClockSkewError);
    expect(error).toMatchObject({
      type: "provider_rejected",
      providerCode: "10006",
      providerMessage: "验证参数错误\\n商户支付订单号不可超过100位\\n",
      traceId: "T1",
      message:
        "[daxpay cancel] rejected by provider: 10006 验证参数错误\\n商户支付订单号不可超过100位\\n (parameter validation failed; bizOrderNo must be at most 100 characters)",
    });
  });

  it("turns each of the two reqTime-window 10006 messages into a ClockSkewError", async () => {
    for (const msg of [
      "验证参数错误\n请求已过期，请重新发送！",
      "验证参数错误\n请求时间晚于服务器接收到的时间，请检查",
    ]) {
      const { client } = daxPay([answerJson(200, { code: 10006, msg, traceId: TRACE_ID })]);
      await expect(client.cancel({ orderNo: "O1" })).rejects.toBeInstanceOf(ClockSkewError);
    }
  });

  it("turns 10006 into a ClockSkewError with the offset from the Date header", async () => {
    const answer = { code: 10006, msg: "验证参数错误\n请求已过期，请重新发送！", traceId: TRACE_ID };
    const { client } = daxPay([answerJson(200, answer, { date: "Tue, 14 Nov 2023 22:12:20 GMT" })]);
    const error = await rejectionOf(client.cancel({ orderNo: "O1" }));
    expect(error).toBeInstanceOf(ClockSkewError);
    expect(error).toMatchObject({ providerCode: "10006", estimatedOffsetMs: -60_000, traceId: TRACE_ID });
  });

  it("rejects the HTTP 400 parameter error (20051)", async () => {
    const { client } = daxPay([
      answerJson(400, { code: 20051, msg: "参数校验失败", traceId: "vHugexb46msh" }),
    ]);
    await expect(client.cancel({ orderNo: "O1" })).rejects.toMatchObject({
      status: 400,
      providerCode: "20051",
      traceId: "vHugexb46msh",
    });
  });

  it("rejects 20041 (trade does not exist) and an unknown gateway code", async () => {
    for (const code of [20041, 20099]) {
      const { client } = daxPay([answerJson(200, { code, msg: "x", traceId: TRACE_ID })]);
      await expect(client.cancel({ orderNo: "O1" })).rejects.toMatchObject({ providerCode: String(code) });
    }
  });

  it("rejects 20042 (trade closed) on the first attempt", async () => {
    const { client } = daxPay([answerJson(200, { code: 20042, msg: "交易已关闭", traceId: TRACE_ID })]);
    await expect(client.cancel({ orderNo: "O1" })).rejects.toMatchObject({ providerCode: "20042" });
  });

  it("rejects a signed answer whose resTime is far from the request: a replayed 'cancelled' (issue 13, input 2)", async () => {
    for (const resTime of [0, 1_699_999_000, 1_700_009_999]) {
      const { client } = daxPay([answerJson(200, handled({ code: 0, resTime }))]);
      await expect(client.cancel({ orderNo: "O1" })).rejects.toMatchObject({
        type: "signature",
        reason: "stale",
      });
    }
  });

  it("can widen the resTime window for a platform with a longer reqTimeout", async () => {
    const { client } = daxPay([answerJson(200, handled({ code: 0, resTime: 1_699_999_900 }))], {
      responseWindowMs: { pastMs: 120_000 },
    });
    await expect(client.cancel({ orderNo: "O1" })).resolves.toMatchObject({ status: "cancelled" });
  });

  it("rejects a 500 (30000) once, without retrying", async () => {
    const { client, sent } = daxPay([answerJson(500, { code: 30000, msg: "未知异常", traceId: TRACE_ID })]);
    await expect(client.cancel({ orderNo: "O1" })).rejects.toMatchObject({
      status: 500,
      providerCode: "30000",
    });
    expect(sent).toHaveLength(1);
  });

  it("retries an HTML 502 and then rejects with ProviderUnavailableError", async () => {
    const { client, sent } = daxPay([answerText(502, "<html>bad gateway</html>")]);
    await expect(client.cancel({ orderNo: "O1" })).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(sent).toHaveLength(3);
  });

  it("rejects an HTML 500 from a proxy as ProviderUnavailableError, once", async () => {
    const { client, sent } = daxPay([answerText(500, "<html>oops</html>", { "content-type": "text/html" })]);
    await expect(client.cancel({ orderNo: "O1" })).rejects.toMatchObject({
      type: "unavailable",
      status: 500,
    });
    expect(sent).toHaveLength(1);
  });

  it("rejects empty, truncated, wrongly shaped and oversized answers as UnexpectedResponseError", async () => {
    const cases: Array<[Answer, string]> = [
      [answerText(200, ""), "empty"],
      [answerText(200, '{"code":0,"msg":"succ'), "not_json"],
      [answerJson(200, { code: "0", msg: "success" }), "wrong_shape"],
      [answerJson(200, { ...CANCELLED, msg: "x".repeat(300) }), "too_large"],
    ];
    for (const [answer, reason] of cases) {
      const { client } = daxPay([answer], { maxResponseBytes: 256 });
      const error = await rejectionOf(client.cancel({ orderNo: "O1" }));
      expect(error).toBeInstanceOf(UnexpectedResponseError);
      expect(error).toMatchObject({ reason, provider: "daxpay", operation: "cancel", status: 200 });
    }
  });

  it("times out and retries, then rejects with TimeoutError", async () => {
    const { client, sent } = daxPay([hang()], { timeoutMs: 20, retry: { retries: 1, baseDelayMs: 0 } });
    await expect(client.cancel({ orderNo: "O1" })).rejects.toBeInstanceOf(TimeoutError);
    expect(sent).toHaveLength(2);
  });

  it("retries refused and reset connections, but not a reset mid-body", async () => {
    const refused = daxPay([failWith("ECONNREFUSED"), answerJson(200, CANCELLED)]);
    await expect(refused.client.cancel({ orderNo: "O1" })).resolves.toMatchObject({ status: "cancelled" });
    expect(refused.sent).toHaveLength(2);
    const midBody = daxPay([resetMidBody(200, '{"code":0')]);
    await expect(midBody.client.cancel({ orderNo: "O1" })).rejects.toBeInstanceOf(NetworkError);
    expect(midBody.sent).toHaveLength(1);
  });
});

describe("input validation, before any network call", () => {
  async function invalid(request: unknown, options: Partial<DaxPayClientOptions> = {}) {
    const { client, sent } = daxPay([answerJson(200, CANCELLED)], options);
    const error = await rejectionOf(client.cancel(request as never));
    expect(sent).toHaveLength(0);
    expect(error).toBeInstanceOf(ValidationError);
    const { field, rule, provider, operation } = error as ValidationError;
    return { field, rule, provider, operation };
  }

  it("requires orderNo or bizOrderNo", async () => {
    expect(await invalid({ clientIp: "127.0.0.1" })).toStrictEqual({
      field: "orderNo|bizOrderNo",
      rule: "oneOf:orderNo|bizOrderNo",
      provider: "daxpay",
      operation: "cancel",
    });
  });

  it("counts lengths in UTF-16 code units, as the server's @Size does: 51 emoji are 102 units (issue 17, input 3)", async () => {
    expect(await invalid({ bizOrderNo: "😀".repeat(51) })).toMatchObject({
      field: "bizOrderNo",
      rule: "maxLength:100",
      provider: "daxpay",
    });
    const { client, sent } = daxPay([answerJson(200, CANCELLED)]);
    await client.cancel({ bizOrderNo: "😀".repeat(50) });
    expect(sent).toHaveLength(1);
  });

  it("limits orderNo to 32 and bizOrderNo to 100 characters", async () => {
    expect(await invalid({ orderNo: "1".repeat(33) })).toMatchObject({
      field: "orderNo",
      rule: "maxLength:32",
    });
    expect(await invalid({ bizOrderNo: "P".repeat(101) })).toMatchObject({
      field: "bizOrderNo",
      rule: "maxLength:100",
    });
  });

  it("rejects a clientIp that is not IPv4 or IPv6", async () => {
    for (const clientIp of ["1.2.3", "256.1.1.1", "fe80::1%eth0", "localhost"]) {
      expect(await invalid({ orderNo: "O1", clientIp })).toMatchObject({ field: "clientIp", rule: "ip" });
    }
  });

  it("accepts IPv6 clientIp", async () => {
    const { client, sent } = daxPay([answerJson(200, CANCELLED)]);
    await client.cancel({ orderNo: "O1", clientIp: "2001:db8::1" });
    expect(JSON.parse(sent[0]?.body ?? "{}")).toMatchObject({ clientIp: "2001:db8::1" });
  });

  it("rejects unknown fields and empty strings (DaxPay would sign them as key=)", async () => {
    expect(await invalid({ orderNo: "O1", appId: "a" })).toMatchObject({ field: "appId", rule: "unknown" });
    expect(await invalid({ orderNo: "O1", clientIp: "" })).toMatchObject({
      field: "clientIp",
      rule: "nonEmpty",
    });
  });

  it("rejects a nonce() longer than nonceStr allows", async () => {
    expect(await invalid({ orderNo: "O1" }, { nonce: () => "n".repeat(33) })).toMatchObject({
      field: "nonceStr",
      rule: "maxLength:32",
    });
  });
});

describe("options", () => {
  function optionError(options: unknown) {
    try {
      createDaxPayClient(options as DaxPayClientOptions);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const { field, rule } = error as ValidationError;
      return { field, rule };
    }
    throw new Error("expected a ValidationError");
  }

  it("requires baseUrl (DaxPay is self-hosted) and secret", () => {
    expect(optionError({ secret: SECRET })).toStrictEqual({ field: "baseUrl", rule: "required" });
    expect(optionError({ baseUrl: BASE_URL })).toStrictEqual({ field: "secret", rule: "required" });
  });

  it("checks signType and rejects unknown options", () => {
    expect(optionError({ baseUrl: BASE_URL, secret: SECRET, signType: "SHA1" })).toStrictEqual({
      field: "signType",
      rule: "enum:HMAC_SHA256|MD5",
    });
    expect(optionError({ baseUrl: BASE_URL, secret: SECRET, appId: "x" })).toStrictEqual({
      field: "appId",
      rule: "unknown",
    });
  });
});
