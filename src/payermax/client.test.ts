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
  failWith,
  hang,
  rejectionOf,
  resetMidBody,
  scriptedFetch,
} from "../core/test-support.js";
import { createPayerMaxClient, type PayerMaxClientOptions, payerMaxRequestTime } from "./client.js";
import { signPayerMax, verifyPayerMaxSignature } from "./sign.js";
import {
  OTHER_TEST_PUBLIC_KEY_PEM,
  TEST_PRIVATE_KEY_BASE64,
  TEST_PRIVATE_KEY_PEM,
  TEST_PUBLIC_KEY_BASE64,
  TEST_PUBLIC_KEY_PEM,
} from "./test-keys.js";

const NOW = 1_700_000_000_000;
const REQUEST = { requestId: "R20241106001", outTradeNo: "P20241106001" };
const PINNED_BODY =
  '{"version":"1.5","keyVersion":"1","requestTime":"2023-11-14T22:13:20.000Z","appId":"test-app-id",' +
  '"merchantNo":"SDP01010114048086","data":{"requestId":"R20241106001","outTradeNo":"P20241106001"}}';
// printf '%s' "$PINNED_BODY" | openssl dgst -sha256 -sign key.pem | base64 -w0   (key.pem = TEST_PRIVATE_KEY_PEM)
const PINNED_SIGN =
  "fyrqLhfrewKzXsixufQm0XypGOFBC4Lee/n7q+/uuxTK/cxkcd+aqGcH0vpIyByH76MATI7bH27m/OTP5WljVYiFi3plW06ua/MhJtpQ" +
  "vk5bf5nB1iV7jexHfbu7x38BqprZKZSsX4R0ceGq2FaROIuDmNbswogB9FCyQRhu9wtc1WEpcf9+vzPoVYTcH7Dr7q4SmpYF0IjDU+k8" +
  "9jD/WZyNN2Xgm24Y52qmlN0KftSJCpBmWtGYso1GyU616BnJAZJ/t0ipaC7/ltSI92kgYy6FnJ9Xu8Z8quS/owVD4hPVrJr0jVKUz97s" +
  "BFymdTDfdZnFAJrAEHovp6whHSjdCw==";

function cancelData(status: string, extra: Record<string, unknown> = {}) {
  return {
    cancelNo: "20231114221320ED7856775040587834005",
    requestId: REQUEST.requestId,
    outTradeNo: REQUEST.outTradeNo,
    status,
    createdTime: "2023-11-14T22:13:20 +0000",
    succeededTime: null,
    failedTime: null,
    errorCode: null,
    errorMsg: null,
    ...extra,
  };
}

/** An answer signed as PayerMax signs: the `sign` header over the exact text (test key as the platform key). */
function signed(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  const text = JSON.stringify(body);
  return answerText(status, text, {
    accept: "application/json",
    "content-type": "application/json",
    sign: signPayerMax(text, TEST_PRIVATE_KEY_PEM),
    ...headers,
  });
}
const PENDING = { code: "APPLY_SUCCESS", msg: "Success.", data: cancelData("PENDING") };

function payerMax(answers: Answer[], options: Partial<PayerMaxClientOptions> = {}) {
  const { fetch, sent } = scriptedFetch(...answers);
  const client = createPayerMaxClient({
    appId: "test-app-id",
    merchantNo: "SDP01010114048086",
    privateKey: TEST_PRIVATE_KEY_PEM,
    platformPublicKey: TEST_PUBLIC_KEY_PEM,
    fetch,
    now: () => NOW,
    retry: { baseDelayMs: 0 },
    ...options,
  });
  return { client, sent };
}

describe("payerMaxRequestTime", () => {
  it("formats epoch ms as yyyy-MM-dd'T'HH:mm:ss.SSSXXX in UTC", () => {
    expect(payerMaxRequestTime(NOW)).toBe("2023-11-14T22:13:20.000Z");
    expect(payerMaxRequestTime(NOW + 7)).toBe("2023-11-14T22:13:20.007Z");
  });
});

describe("cancel signing", () => {
  it("sends the 1.5 envelope with the sign header over exactly those bytes (pinned openssl value)", async () => {
    const { client, sent } = payerMax([signed(200, PENDING)]);
    await client.cancel(REQUEST);
    expect(sent).toStrictEqual([
      {
        url: "https://pay-gate-uat.payermax.com/aggregate-pay/api/gateway/cancel",
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/json", sign: PINNED_SIGN },
        body: PINNED_BODY,
        redirect: "manual",
      },
    ]);
  });

  it("accepts keys as bare Base64 DER, producing the same signature", async () => {
    const { client, sent } = payerMax([signed(200, PENDING)], {
      privateKey: TEST_PRIVATE_KEY_BASE64,
      platformPublicKey: TEST_PUBLIC_KEY_BASE64,
    });
    await client.cancel(REQUEST);
    expect(sent[0]?.headers.sign).toBe(PINNED_SIGN);
  });

  it("leaves merchantNo out when it is not configured", async () => {
    const { client, sent } = payerMax([signed(200, PENDING)], { merchantNo: undefined });
    await client.cancel(REQUEST);
    expect(sent[0]?.body).toBe(
      '{"version":"1.5","keyVersion":"1","requestTime":"2023-11-14T22:13:20.000Z","appId":"test-app-id",' +
        '"data":{"requestId":"R20241106001","outTradeNo":"P20241106001"}}',
    );
  });

  it("re-signs a retry with a new requestTime", async () => {
    let clock = NOW;
    const { client, sent } = payerMax([answerText(503, ""), signed(200, PENDING)], {
      now: () => (clock += 1000),
    });
    await client.cancel(REQUEST);
    const times = sent.map((request) => (JSON.parse(request.body) as { requestTime: string }).requestTime);
    expect(new Set(times).size).toBe(2);
    for (const request of sent) {
      expect(verifyPayerMaxSignature(request.body, request.headers.sign ?? "", TEST_PUBLIC_KEY_PEM)).toBe(
        true,
      );
    }
  });

  it("calls production when asked, and a given baseUrl instead of either", async () => {
    const production = payerMax([signed(200, PENDING)], { environment: "production" });
    await production.client.cancel(REQUEST);
    expect(production.sent[0]?.url).toBe("https://pay-gate.payermax.com/aggregate-pay/api/gateway/cancel");
    const local = payerMax([signed(200, PENDING)], { baseUrl: "http://127.0.0.1:4020" });
    await local.client.cancel(REQUEST);
    expect(local.sent[0]?.url).toBe("http://127.0.0.1:4020/aggregate-pay/api/gateway/cancel");
  });
});

describe("cancel answers", () => {
  it("returns PENDING with the data, the raw status and the whole answer", async () => {
    const { client } = payerMax([signed(200, PENDING)]);
    await expect(client.cancel(REQUEST)).resolves.toStrictEqual({
      status: "PENDING",
      verified: true,
      rawStatus: "PENDING",
      data: PENDING.data,
      raw: PENDING,
    });
  });

  it("returns SUCCESS and FAILED as they are", async () => {
    const success = { code: "APPLY_SUCCESS", msg: "Success.", data: cancelData("SUCCESS") };
    await expect(payerMax([signed(200, success)]).client.cancel(REQUEST)).resolves.toMatchObject({
      status: "SUCCESS",
    });
    const failed = {
      code: "APPLY_SUCCESS",
      msg: "Success.",
      data: cancelData("FAILED", { errorCode: "ORDER_STATUS_INVALID", errorMsg: "order already captured" }),
    };
    await expect(payerMax([signed(200, failed)]).client.cancel(REQUEST)).resolves.toMatchObject({
      status: "FAILED",
      data: { errorCode: "ORDER_STATUS_INVALID", errorMsg: "order already captured" },
    });
  });

  it("surfaces a status the spec does not list as 'unknown', keeping the raw value", async () => {
    const answer = { code: "APPLY_SUCCESS", msg: "Success.", data: cancelData("REVERSED") };
    await expect(payerMax([signed(200, answer)]).client.cancel(REQUEST)).resolves.toMatchObject({
      status: "unknown",
      verified: true,
      rawStatus: "REVERSED",
      data: { status: "REVERSED" },
    });
  });

  it("refuses an unsigned APPLY_SUCCESS (fail closed)", async () => {
    const { client } = payerMax([answerJson(200, PENDING)]);
    const error = await rejectionOf(client.cancel(REQUEST));
    expect(error).toBeInstanceOf(SignatureError);
    expect(error).toMatchObject({
      reason: "missing",
      provider: "payermax",
      operation: "cancel",
      status: 200,
      traceId: REQUEST.requestId,
    });
  });

  it("refuses an answer changed after signing", async () => {
    const text = JSON.stringify(PENDING);
    const sign = signPayerMax(text, TEST_PRIVATE_KEY_PEM);
    const { client } = payerMax([answerText(200, text.replace("PENDING", "SUCCESS"), { sign })]);
    await expect(client.cancel(REQUEST)).rejects.toMatchObject({ type: "signature", reason: "invalid" });
  });

  it("refuses an answer signed by another key than the platform's", async () => {
    const { client } = payerMax([signed(200, PENDING)], { platformPublicKey: OTHER_TEST_PUBLIC_KEY_PEM });
    await expect(client.cancel(REQUEST)).rejects.toMatchObject({ type: "signature", reason: "invalid" });
  });

  it("refuses a genuinely signed answer about another cancel (a replayed answer), whichever id differs", async () => {
    for (const other of [{ requestId: "R-OTHER" }, { outTradeNo: "P-OTHER" }]) {
      const replayed = { ...PENDING, data: cancelData("SUCCESS", other) };
      const { client } = payerMax([signed(200, replayed)]);
      await expect(client.cancel(REQUEST)).rejects.toMatchObject({
        type: "unexpected_response",
        reason: "wrong_shape",
        message:
          "[payermax cancel] response does not match the expected schema: the signed answer is about another cancel (its requestId or outTradeNo differs)",
      });
    }
  });

  it("rejects PARAMS_INVALID with the provider's code and message, signed or not", async () => {
    const answer = { code: "PARAMS_INVALID", msg: "outTradeNo not found" };
    for (const respond of [signed(200, answer), answerJson(200, answer)]) {
      const { client, sent } = payerMax([respond]);
      const error = await rejectionOf(client.cancel(REQUEST));
      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(error).toMatchObject({
        type: "provider_rejected",
        status: 200,
        providerCode: "PARAMS_INVALID",
        providerMessage: "outTradeNo not found",
        traceId: REQUEST.requestId,
        raw: answer,
      });
      expect(sent).toHaveLength(1);
    }
  });

  it("refuses an error answer whose signature is present but wrong", async () => {
    const answer = { code: "PARAMS_INVALID", msg: "x" };
    const { client } = payerMax([answerJson(200, answer, { sign: PINNED_SIGN })]);
    await expect(client.cancel(REQUEST)).rejects.toBeInstanceOf(SignatureError);
  });

  it("turns REQ_TIME_OVER_TIME into a ClockSkewError with the offset from the Date header", async () => {
    const answer = { code: "REQ_TIME_OVER_TIME", msg: "request time over time" };
    const { client } = payerMax([signed(200, answer, { date: "Tue, 14 Nov 2023 22:16:20 GMT" })]);
    const error = await rejectionOf(client.cancel(REQUEST));
    expect(error).toBeInstanceOf(ClockSkewError);
    expect(error).toMatchObject({ providerCode: "REQ_TIME_OVER_TIME", estimatedOffsetMs: 180_000 });
  });

  it("rejects an error code the spec does not list, without crashing", async () => {
    const answer = { code: "BRAND_NEW_CODE", msg: "something new" };
    await expect(payerMax([signed(200, answer)]).client.cancel(REQUEST)).rejects.toMatchObject({
      providerCode: "BRAND_NEW_CODE",
    });
  });

  it("rejects an HTTP 400 error answer with status 400", async () => {
    const { client } = payerMax([
      signed(400, { code: "PARAMS_INVALID", msg: "Request body is not valid JSON" }),
    ]);
    await expect(client.cancel(REQUEST)).rejects.toMatchObject({
      status: 400,
      providerCode: "PARAMS_INVALID",
    });
  });

  it("rejects APPLY_SUCCESS without data as 'wrong_shape'", async () => {
    const { client } = payerMax([signed(200, { code: "APPLY_SUCCESS", msg: "Success." })]);
    await expect(client.cancel(REQUEST)).rejects.toMatchObject({ reason: "wrong_shape" });
  });

  it("retries an HTML 502 and then rejects with ProviderUnavailableError", async () => {
    const { client, sent } = payerMax([answerText(502, "<html>bad gateway</html>")]);
    await expect(client.cancel(REQUEST)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(sent).toHaveLength(3);
  });

  it("rejects empty, truncated, wrongly shaped and oversized answers as UnexpectedResponseError", async () => {
    const cases: Array<[Answer, string]> = [
      [answerText(200, ""), "empty"],
      [answerText(200, '{"code":"APPLY_SUCC'), "not_json"],
      [signed(200, { code: "APPLY_SUCCESS", msg: "Success.", data: { status: "PENDING" } }), "wrong_shape"],
      [signed(200, { ...PENDING, msg: "x".repeat(600) }), "too_large"],
    ];
    for (const [answer, reason] of cases) {
      const { client } = payerMax([answer], { maxResponseBytes: 512 });
      const error = await rejectionOf(client.cancel(REQUEST));
      expect(error).toBeInstanceOf(UnexpectedResponseError);
      expect(error).toMatchObject({ reason, provider: "payermax", operation: "cancel" });
    }
  });

  it("times out, retries, then rejects with TimeoutError", async () => {
    const { client, sent } = payerMax([hang()], { timeoutMs: 20 });
    await expect(client.cancel(REQUEST)).rejects.toBeInstanceOf(TimeoutError);
    expect(sent).toHaveLength(3);
  });

  it("retries refused and reset connections, but not a reset mid-body", async () => {
    const reset = payerMax([failWith("ECONNRESET"), failWith("ECONNREFUSED"), signed(200, PENDING)]);
    await expect(reset.client.cancel(REQUEST)).resolves.toMatchObject({ status: "PENDING" });
    expect(reset.sent).toHaveLength(3);
    const midBody = payerMax([resetMidBody(200, '{"code":"APPLY_SUCCESS"')]);
    await expect(midBody.client.cancel(REQUEST)).rejects.toBeInstanceOf(NetworkError);
    expect(midBody.sent).toHaveLength(1);
  });
});

describe("input validation, before any network call", () => {
  async function invalid(request: unknown, options: Partial<PayerMaxClientOptions> = {}) {
    const { client, sent } = payerMax([signed(200, PENDING)], options);
    const error = await rejectionOf(client.cancel(request as never));
    expect(sent).toHaveLength(0);
    expect(error).toBeInstanceOf(ValidationError);
    const { field, rule, provider, operation } = error as ValidationError;
    return { field, rule, provider, operation };
  }

  it("requires requestId and outTradeNo, naming them as the caller wrote them", async () => {
    expect(await invalid({ outTradeNo: "P1" })).toStrictEqual({
      field: "requestId",
      rule: "required",
      provider: "payermax",
      operation: "cancel",
    });
    expect(await invalid({ requestId: "R1" })).toMatchObject({ field: "outTradeNo", rule: "required" });
  });

  it("limits requestId and outTradeNo to 64 characters", async () => {
    expect(await invalid({ ...REQUEST, outTradeNo: "P".repeat(65) })).toMatchObject({
      field: "outTradeNo",
      rule: "maxLength:64",
    });
  });

  it("rejects unknown fields, empty strings and numbers", async () => {
    expect(await invalid({ ...REQUEST, amount: "1" })).toMatchObject({ field: "amount", rule: "unknown" });
    expect(await invalid({ ...REQUEST, requestId: "" })).toMatchObject({
      field: "requestId",
      rule: "nonEmpty",
    });
    expect(await invalid({ ...REQUEST, requestId: 1 })).toMatchObject({
      field: "requestId",
      rule: "type:string",
    });
  });

  it("limits the configured merchantNo to 32 characters", async () => {
    expect(await invalid(REQUEST, { merchantNo: "M".repeat(33) })).toMatchObject({
      field: "merchantNo",
      rule: "maxLength:32",
    });
  });
});

describe("options", () => {
  function optionError(options: Partial<PayerMaxClientOptions> & Record<string, unknown>) {
    try {
      createPayerMaxClient({
        appId: "test-app-id",
        privateKey: TEST_PRIVATE_KEY_PEM,
        platformPublicKey: TEST_PUBLIC_KEY_PEM,
        ...options,
      } as PayerMaxClientOptions);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const { field, rule, message } = error as ValidationError;
      return { field, rule, message };
    }
    throw new Error("expected a ValidationError");
  }

  it("rejects a private key that does not parse, without echoing it", () => {
    const pasted = "MIIEvAIBADANBgkqhkiG9w0BAQEFAASC-broken";
    const { field, rule, message } = optionError({ privateKey: pasted });
    expect({ field, rule }).toStrictEqual({ field: "privateKey", rule: "key" });
    expect(message).not.toContain(pasted);
  });

  it("rejects a private key given as the platform's public key", () => {
    expect(optionError({ platformPublicKey: TEST_PRIVATE_KEY_PEM })).toMatchObject({
      field: "platformPublicKey",
      rule: "key",
    });
  });

  it("requires appId and both keys", () => {
    expect(optionError({ appId: undefined })).toMatchObject({ field: "appId", rule: "required" });
    expect(optionError({ privateKey: undefined })).toMatchObject({ field: "privateKey", rule: "required" });
    expect(optionError({ platformPublicKey: undefined })).toMatchObject({
      field: "platformPublicKey",
      rule: "required",
    });
  });

  it("checks environment and baseUrl", () => {
    expect(optionError({ environment: "staging" as never })).toMatchObject({
      field: "environment",
      rule: "enum:uat|production",
    });
    expect(optionError({ baseUrl: "https://pay-gate.payermax.com/aggregate-pay/api/gateway" })).toMatchObject(
      {
        field: "baseUrl",
        rule: "host",
      },
    );
  });

  it("rejects unknown options", () => {
    expect(optionError({ secret: "x" })).toMatchObject({ field: "secret", rule: "unknown" });
  });
});
