import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validateCancelResponse4xx, validateCancelResponse200 } from "../../generated/payermax.validators.js";
import { ProviderRejectedError } from "../core/errors.js";
import { createPayerMaxClient } from "../payermax/client.js";
import { signPayerMax, verifyPayerMaxSignature } from "../payermax/sign.js";
import { SandboxInputError } from "./input.js";
import { parseRequestTime } from "./payermax.js";
import type { Sandbox } from "./server.js";
import { startSandbox } from "./server.js";
import {
  type Answer,
  expectConforms,
  payermaxEnvelope,
  payermaxPost,
  post,
  T0,
  TestClock,
  tally,
  testCredentials,
} from "./test-support.js";

const credentials = testCredentials("two pairs");
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

/** Asserts that the answer is signed with the platform key over its exact text, and conforms to the spec. */
function expectSigned(answer: Answer): void {
  const sign = answer.headers.get("sign") ?? "";
  expect(sign).toHaveLength(344);
  expect(verifyPayerMaxSignature(answer.text, sign, sandbox.credentials.payermax.platformPublicKey)).toBe(
    true,
  );
  expectConforms(answer, validateCancelResponse200, validateCancelResponse4xx);
}

function cancel(requestId: unknown, outTradeNo: unknown, overrides: Record<string, unknown> = {}) {
  return payermaxPost(sandbox, payermaxEnvelope(sandbox, clock.now, { requestId, outTradeNo }, overrides));
}

const CREATED = "2023-11-14T22:13:20 +0000";

describe("PayerMax cancel", () => {
  it("accepts the first cancel of an authorised order as PENDING, signed with the platform key", async () => {
    const order = sandbox.seed.payermaxOrder({ outTradeNo: "P20241106001" });
    const answer = await cancel("R1", order.outTradeNo);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      code: "APPLY_SUCCESS",
      msg: "Success.",
      data: {
        cancelNo: expect.stringMatching(/^20231114221320SB[0-9]{19}$/),
        requestId: "R1",
        outTradeNo: "P20241106001",
        status: "PENDING",
        createdTime: CREATED,
        succeededTime: null,
        failedTime: null,
        errorCode: null,
        errorMsg: null,
      },
    });
    expectSigned(answer);
    expect(sandbox.orders()[0]).toMatchObject({ status: "CANCELLED", stateChanges: 1 });
  });

  it("answers a repeat with the same requestId as SUCCESS with the same cancelNo", async () => {
    const order = sandbox.seed.payermaxOrder();
    const first = await cancel("R1", order.outTradeNo);
    clock.now = T0 + 5_000;
    const repeat = await cancel("R1", order.outTradeNo);
    expect(repeat.json.data).toEqual({
      ...first.json.data,
      status: "SUCCESS",
      succeededTime: CREATED,
    });
    expectSigned(repeat);
    const [record] = sandbox.orders("payermaxOrder");
    expect(record).toMatchObject({ status: "CANCELLED", stateChanges: 1 });
    expect(record?.cancels).toEqual([
      expect.objectContaining({ requestId: "R1", outcome: "SUCCESS", answers: 2 }),
    ]);
  });

  it("answers a new requestId for a cancelled order as FAILED, order already cancelled", async () => {
    const order = sandbox.seed.payermaxOrder();
    await cancel("R1", order.outTradeNo);
    const answer = await cancel("R2", order.outTradeNo);
    expect(answer.json.data).toMatchObject({
      requestId: "R2",
      status: "FAILED",
      failedTime: CREATED,
      succeededTime: null,
      errorCode: "ORDER_STATUS_INVALID",
      errorMsg: "order already cancelled",
    });
    expect(sandbox.orders()[0]).toMatchObject({ stateChanges: 1 });
  });

  it("answers a captured order as FAILED, order already captured, and repeats that answer", async () => {
    const order = sandbox.seed.payermaxOrder({ status: "CAPTURED" });
    const answer = await cancel("R1", order.outTradeNo);
    expect(answer.json.code).toBe("APPLY_SUCCESS");
    expect(answer.json.data).toMatchObject({
      status: "FAILED",
      errorCode: "ORDER_STATUS_INVALID",
      errorMsg: "order already captured",
    });
    expectSigned(answer);
    const repeat = await cancel("R1", order.outTradeNo);
    expect(repeat.text).toBe(answer.text);
    expect(sandbox.orders()[0]).toMatchObject({ status: "CAPTURED", stateChanges: 0 });
  });

  it("answers an unknown outTradeNo with PARAMS_INVALID, signed", async () => {
    const answer = await cancel("R1", "nobody");
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"code":"PARAMS_INVALID","msg":"outTradeNo is invalid"}');
    expectSigned(answer);
  });

  it("answers a client cancel of ORDER-1, which it refused to seed, exactly as an unknown order", async () => {
    // The client sends any id (PayerMax judges ids); the sandbox holds no order PayerMax could not
    // have created (its order rule: letters, digits and _), so the cancel finds none.
    clock.now = Date.now();
    const payermax = createPayerMaxClient({ ...sandbox.credentials.payermax, baseUrl: sandbox.url });
    expect(() => sandbox.seed.payermaxOrder({ outTradeNo: "ORDER-1" })).toThrow(SandboxInputError);
    const refusal = (outTradeNo: string, requestId: string) =>
      payermax.cancel({ requestId, outTradeNo }).then(
        () => expect.fail(`cancel of ${outTradeNo} succeeded`),
        (error: unknown) => error,
      );
    const [hyphenated, unknown] = await Promise.all([refusal("ORDER-1", "R1"), refusal("ORDER_404", "R2")]);
    for (const error of [hyphenated, unknown]) {
      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(error).toMatchObject({ providerCode: "PARAMS_INVALID", verified: true });
    }
    expect((hyphenated as ProviderRejectedError).message).toBe((unknown as ProviderRejectedError).message);
    expect(sandbox.orders()).toEqual([]);
  });

  it("answers a requestId already used for another order with PARAMS_INVALID", async () => {
    const first = sandbox.seed.payermaxOrder();
    const second = sandbox.seed.payermaxOrder();
    await cancel("R1", first.outTradeNo);
    const answer = await cancel("R1", second.outTradeNo);
    expect(answer.json).toEqual({
      code: "PARAMS_INVALID",
      msg: "requestId was already used for another outTradeNo",
    });
    expect(sandbox.orders().map((order) => order.status)).toEqual(["CANCELLED", "AUTHORIZED"]);
  });

  it("lets exactly one of 50 concurrent cancels with different requestIds cancel the order", async () => {
    const order = sandbox.seed.payermaxOrder();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => cancel(`R${i}`, order.outTradeNo)),
    );
    expect(tally(answers.map((answer) => answer.json.data.status))).toEqual({ PENDING: 1, FAILED: 49 });
    expect(sandbox.orders()[0]).toMatchObject({ status: "CANCELLED", stateChanges: 1 });
  });

  it("answers 50 concurrent cancels with one requestId with one cancelNo: one PENDING, then SUCCESS", async () => {
    const order = sandbox.seed.payermaxOrder();
    const answers = await Promise.all(Array.from({ length: 50 }, () => cancel("R1", order.outTradeNo)));
    expect(tally(answers.map((answer) => answer.json.data.status))).toEqual({ PENDING: 1, SUCCESS: 49 });
    expect(new Set(answers.map((answer) => answer.json.data.cancelNo)).size).toBe(1);
    expect(sandbox.orders()[0]).toMatchObject({ stateChanges: 1 });
  });
});

describe("PayerMax request signatures and merchant", () => {
  it("answers a wrong signature with SIGN_VERIFY_FAILED, signed, and leaves the order alone", async () => {
    const order = sandbox.seed.payermaxOrder();
    const body = payermaxEnvelope(sandbox, clock.now, { requestId: "R1", outTradeNo: order.outTradeNo });
    const answer = await payermaxPost(sandbox, body, { sign: `${"A".repeat(340)}AA==` });
    expect(answer.text).toBe('{"code":"SIGN_VERIFY_FAILED","msg":"Signature verification failed"}');
    expectSigned(answer);
    expect(sandbox.orders()[0]).toMatchObject({ status: "AUTHORIZED", stateChanges: 0 });
  });

  it("answers a missing sign header with SIGN_VERIFY_FAILED", async () => {
    const body = payermaxEnvelope(sandbox, clock.now, { requestId: "R1", outTradeNo: "x" });
    expect((await payermaxPost(sandbox, body, { sign: null })).json.code).toBe("SIGN_VERIFY_FAILED");
  });

  it("answers a signature by another key (the platform's) with SIGN_VERIFY_FAILED", async () => {
    const body = payermaxEnvelope(sandbox, clock.now, { requestId: "R1", outTradeNo: "x" });
    const answer = await payermaxPost(sandbox, body, { privateKey: credentials.payermax.platformPrivateKey });
    expect(answer.json.code).toBe("SIGN_VERIFY_FAILED");
  });

  it("answers a body changed after signing with SIGN_VERIFY_FAILED", async () => {
    const signedText = JSON.stringify(
      payermaxEnvelope(sandbox, clock.now, { requestId: "R1", outTradeNo: "x" }),
    );
    const sign = signPayerMax(signedText, credentials.payermax.privateKey);
    const answer = await payermaxPost(sandbox, signedText.replace('"x"', '"y"'), { sign });
    expect(answer.json.code).toBe("SIGN_VERIFY_FAILED");
  });

  it("answers an unknown appId with MERCHANT_APP_INVALID", async () => {
    const answer = await cancel("R1", "x", { appId: "8f8b0895b60f41abbdb05405052971c8" });
    expect(answer.text).toBe('{"code":"MERCHANT_APP_INVALID","msg":"appId is invalid"}');
    expectSigned(answer);
  });

  it("answers another merchantNo with MERCHANT_INVALID", async () => {
    const answer = await cancel("R1", "x", { merchantNo: "P01010114178824" });
    expect(answer.json).toEqual({ code: "MERCHANT_INVALID", msg: "merchantNo does not belong to appId" });
  });

  it("accepts a request without the optional merchantNo", async () => {
    const order = sandbox.seed.payermaxOrder();
    const answer = await cancel("R1", order.outTradeNo, { merchantNo: undefined });
    expect(answer.json.data.status).toBe("PENDING");
  });
});

describe("PayerMax requestTime window", () => {
  it.each([
    ["120 s old", -120_000],
    ["120 s ahead", 120_000],
  ])("accepts a requestTime exactly %s", async (_label, offset) => {
    const order = sandbox.seed.payermaxOrder();
    const answer = await cancel("R1", order.outTradeNo, { requestTime: new Date(T0 + offset).toISOString() });
    expect(answer.json.data.status).toBe("PENDING");
  });

  it.each([
    ["120.001 s old", -120_001],
    ["120.001 s ahead", 120_001],
  ])("answers a requestTime %s with REQ_TIME_OVER_TIME, signed", async (_label, offset) => {
    const order = sandbox.seed.payermaxOrder();
    const answer = await cancel("R1", order.outTradeNo, { requestTime: new Date(T0 + offset).toISOString() });
    expect(answer.text).toBe(
      '{"code":"REQ_TIME_OVER_TIME","msg":"requestTime is more than 2 minutes from the server time"}',
    );
    expectSigned(answer);
    expect(sandbox.orders()[0]?.status).toBe("AUTHORIZED");
  });

  it("reads the offset of a +08:00 requestTime", async () => {
    const order = sandbox.seed.payermaxOrder();
    // T0 is 22:13:20Z, which is 06:13:20 the next day at +08:00.
    const answer = await cancel("R1", order.outTradeNo, { requestTime: "2023-11-15T06:13:20.000+08:00" });
    expect(answer.json.data.status).toBe("PENDING");
  });

  it("answers an impossible date with PARAMS_INVALID", async () => {
    const answer = await cancel("R1", "x", { requestTime: "2023-02-30T10:00:00.000Z" });
    expect(answer.json).toEqual({ code: "PARAMS_INVALID", msg: "requestTime is not a valid time" });
  });

  it.each([
    ["2023-11-14T22:13:20Z"],
    ["2023-11-14T22:13:20.9Z"],
    ["2023-11-14T22:13:20.94Z"],
    ["2023-11-14T22:13:20.940Z"],
  ])(
    "accepts the requestTime %s: 0 to 3 fraction digits, as PayerMax's Go SDK writes them",
    async (requestTime) => {
      const order = sandbox.seed.payermaxOrder();
      const answer = await cancel("R1", order.outTradeNo, { requestTime });
      expect(answer.json.code).toBe("APPLY_SUCCESS");
      expect(sandbox.orders()[0]?.status).toBe("CANCELLED");
    },
  );

  it("answers a requestTime with 4 fraction digits with PARAMS_INVALID", async () => {
    const answer = await cancel("R1", "x", { requestTime: "2023-11-14T22:13:20.9400Z" });
    expect(answer.json).toEqual({ code: "PARAMS_INVALID", msg: "requestTime has an invalid format" });
  });

  it("parses yyyy-MM-dd'T'HH:mm:ss.SSSXXX with Z or an offset, and nothing else", () => {
    expect(parseRequestTime("2024-11-06T11:56:13.000+08:00")).toBe(Date.UTC(2024, 10, 6, 3, 56, 13));
    expect(parseRequestTime("2024-11-06T03:56:13.250Z")).toBe(Date.UTC(2024, 10, 6, 3, 56, 13, 250));
    expect(parseRequestTime("2024-11-05T22:56:13.000-05:00")).toBe(Date.UTC(2024, 10, 6, 3, 56, 13));
    expect(parseRequestTime("2026-11-30T01:45:15.94Z")).toBe(Date.UTC(2026, 10, 30, 1, 45, 15, 940));
    expect(parseRequestTime("2026-11-30T01:45:15.9Z")).toBe(Date.UTC(2026, 10, 30, 1, 45, 15, 900));
    expect(parseRequestTime("2026-11-30T01:45:15Z")).toBe(Date.UTC(2026, 10, 30, 1, 45, 15));
    for (const bad of [
      "2026-11-30T01:45:15.Z",
      "2026-11-30T01:45:15.9400Z",
      "2024-13-01T00:00:00.000Z",
      "2024-11-06T24:00:00.000Z",
      "2024-11-06T11:56:13.000+19:00",
      "2024-11-06 11:56:13.000Z",
    ]) {
      expect(parseRequestTime(bad), bad).toBeNaN();
    }
  });
});

describe("PayerMax cancel as PayerMax's own SDKs send it", () => {
  function sdkEnvelope(fields: Record<string, unknown>, outTradeNo: string): string {
    return JSON.stringify({ ...fields, data: { outTradeNo, requestId: `SDK-${outTradeNo}` } });
  }

  it("accepts the Go SDK's envelope: version 1.1, keys sorted, merchantNo empty, requestTime with 2 fraction digits", async () => {
    const order = sandbox.seed.payermaxOrder();
    const { appId } = sandbox.credentials.payermax;
    const body = JSON.stringify({
      appId,
      data: { outTradeNo: order.outTradeNo, requestId: "GO-1" },
      keyVersion: "1",
      merchantNo: "",
      requestTime: "2023-11-14T22:13:20.94Z",
      version: "1.1",
    });
    const answer = await payermaxPost(sandbox, body);
    expect(answer.json.code).toBe("APPLY_SUCCESS");
    expect(answer.json.data).toMatchObject({ requestId: "GO-1", status: "PENDING" });
    expectSigned(answer);
  });

  it("accepts the PHP SDK's envelope: version 1.2, an offset requestTime, spMerchantNo null", async () => {
    const order = sandbox.seed.payermaxOrder();
    const { appId, merchantNo } = sandbox.credentials.payermax;
    const body = sdkEnvelope(
      {
        requestTime: "2023-11-15T06:13:20.000+08:00",
        version: "1.2",
        appId,
        merchantNo,
        spMerchantNo: null,
        keyVersion: "1",
      },
      order.outTradeNo,
    );
    expect((await payermaxPost(sandbox, body)).json.code).toBe("APPLY_SUCCESS");
  });

  it("accepts the Java SDK's envelope: version 1.4, fastjson's sorted keys, requestTime with Z", async () => {
    const order = sandbox.seed.payermaxOrder();
    const { appId, merchantNo } = sandbox.credentials.payermax;
    const body = sdkEnvelope(
      { appId, keyVersion: "1", merchantNo, requestTime: "2023-11-14T22:13:20.000Z", version: "1.4" },
      order.outTradeNo,
    );
    expect((await payermaxPost(sandbox, body)).json.code).toBe("APPLY_SUCCESS");
  });

  it("treats a null merchantNo as not sent", async () => {
    const order = sandbox.seed.payermaxOrder();
    const answer = await cancel("R1", order.outTradeNo, { merchantNo: null });
    expect(answer.json.code).toBe("APPLY_SUCCESS");
  });

  it("still checks a merchantNo that is sent", async () => {
    const answer = await cancel("R1", "x", { merchantNo: "OTHER01" });
    expect(answer.json).toEqual({ code: "MERCHANT_INVALID", msg: "merchantNo does not belong to appId" });
  });
});

describe("PayerMax request bodies", () => {
  it("answers malformed JSON with PARAMS_INVALID, signed", async () => {
    const answer = await payermaxPost(sandbox, '{"version":');
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"code":"PARAMS_INVALID","msg":"Request body is not valid JSON"}');
    expectSigned(answer);
  });

  it.each([
    [{ version: "1.3" }, "version must be one of 1.1, 1.2, 1.4, 1.5"],
    // 33 code points but 66 UTF-16 code units: the limits count units (docs/providers.md, "PayerMax").
    [
      { data: { requestId: "😀".repeat(33), outTradeNo: "x" } },
      "data.requestId must be at most 64 characters",
    ],
    [
      { data: { requestId: "R1", outTradeNo: "😀".repeat(33) } },
      "data.outTradeNo must be at most 64 characters",
    ],
    [{ version: "" }, "version must be one of 1.1, 1.2, 1.4, 1.5"],
    [{ keyVersion: "2" }, "keyVersion must be 1"],
    [{ version: 1.5 }, "version must be string"],
    [{ data: undefined }, "data is required"],
    [{ data: { outTradeNo: "x" } }, "data.requestId is required"],
    [{ data: { requestId: "R1", outTradeNo: 7 } }, "data.outTradeNo must be string"],
    [
      { data: { requestId: "R".repeat(65), outTradeNo: "x" } },
      "data.requestId must be at most 64 characters",
    ],
    [{ merchantNo: "M".repeat(33) }, "merchantNo must be at most 32 characters"],
  ])("answers %j with PARAMS_INVALID: %s", async (overrides, msg) => {
    const answer = await cancel("R1", "x", overrides);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ code: "PARAMS_INVALID", msg });
    expectSigned(answer);
  });

  it("answers a body without appId with PARAMS_INVALID before checking the signature", async () => {
    const answer = await cancel("R1", "x", { appId: undefined });
    expect(answer.json).toEqual({ code: "PARAMS_INVALID", msg: "appId is required" });
  });

  it("answers a numeric appId with PARAMS_INVALID", async () => {
    const answer = await cancel("R1", "x", { appId: 42 });
    expect(answer.json).toEqual({ code: "PARAMS_INVALID", msg: "appId must be string" });
  });

  it("answers a non-JSON media type with PARAMS_INVALID", async () => {
    const body = payermaxEnvelope(sandbox, clock.now, { requestId: "R1", outTradeNo: "x" });
    const answer = await payermaxPost(sandbox, body, { contentType: "text/plain" });
    expect(answer.json).toEqual({ code: "PARAMS_INVALID", msg: "Content-Type must be application/json" });
  });

  it("answers a body over 1 MiB with PARAMS_INVALID, signed", async () => {
    const answer = await cancel("R1", "x", { padding: "x".repeat(1024 * 1024) });
    expect(answer.text).toBe('{"code":"PARAMS_INVALID","msg":"Request body is larger than 1048576 bytes"}');
    expectSigned(answer);
  });

  it("answers a body that is not UTF-8 with PARAMS_INVALID", async () => {
    const answer = await post(
      `${sandbox.url}/aggregate-pay/api/gateway/cancel`,
      new Uint8Array([0xc3, 0x28]),
      {
        "content-type": "application/json",
      },
    );
    expect(answer.json).toEqual({ code: "PARAMS_INVALID", msg: "Request body is not valid UTF-8" });
  });
});
