import { describe, expect, it } from "vitest";
import { SignatureError } from "../core/errors.js";
import { Secret } from "../core/redact.js";
import { answerJson, rejectionOf, scriptedFetch } from "../core/test-support.js";
import { createDaxPayClient } from "./client.js";
import { checkDaxPayAnswerSignature, withFreshTime, withSign } from "./middleware.js";
import { signDaxPay } from "./sign.js";

const SECRET = "123456";
// openssl: printf 'bizOrderNo=P0001&clientIp=127.0.0.1&nonceStr=abc123XYZ&reqTime=1700000000&key=123456' | openssl dgst -sha256 -hmac 123456
const PINNED_HMAC = "661f452185be6c376eeb75bd1ca813fbce89ac8f4b4fcbabb84d4b6eeed1afed";
const signer = {
  secret: new Secret(SECRET),
  signType: "HMAC_SHA256" as const,
  now: () => 1_700_000_000_500,
  nonce: () => "abc123XYZ",
  window: { pastMs: 10_000, futureMs: 60_000 },
};
const ctx = { provider: "daxpay", operation: "cancel", status: 200 } as const;
const SENT_AT = 1_700_000_000_500;

describe("withFreshTime and withSign", () => {
  it("keep only the fields the server knows, add reqTime in seconds and nonceStr, then sign", () => {
    const body = withSign(
      signer,
      withFreshTime(signer, { bizOrderNo: "P0001", clientIp: "127.0.0.1", appId: "x" }),
    );
    expect(body).toStrictEqual({
      bizOrderNo: "P0001",
      clientIp: "127.0.0.1",
      nonceStr: "abc123XYZ",
      reqTime: 1_700_000_000,
      sign: PINNED_HMAC,
    });
  });

  it("reproduce the seed page's example request signature", () => {
    // Seed 002: bizTradeNo=P0001&clientIp=127.0.0.1&reqTime=1715347558&key=123456
    expect(signDaxPay({ bizTradeNo: "P0001", clientIp: "127.0.0.1", reqTime: 1715347558 }, SECRET)).toBe(
      "458565a54e959fa206dcda9b44eecaf0d5907e8af40f9457d404e533e092a9ed",
    );
  });
});

describe("checkDaxPayAnswerSignature", () => {
  const data = { code: 0, resTime: 1_700_000_001 };
  const signedData = { ...data, sign: signDaxPay(data, SECRET) };

  it("accepts signed data, and an unsigned error without data", () => {
    expect(() =>
      checkDaxPayAnswerSignature(signer, { code: 0, data: signedData }, SENT_AT, ctx),
    ).not.toThrow();
    expect(() =>
      checkDaxPayAnswerSignature(signer, { code: 20052, msg: "验签失败" }, SENT_AT, ctx),
    ).not.toThrow();
  });

  it("rejects changed data, a missing sign, and code 0 without data", () => {
    expect(() =>
      checkDaxPayAnswerSignature(signer, { code: 0, data: { ...signedData, resTime: 2 } }, SENT_AT, ctx),
    ).toThrow("[daxpay cancel] response signature is invalid");
    expect(() => checkDaxPayAnswerSignature(signer, { code: 0, data }, SENT_AT, ctx)).toThrow(
      "[daxpay cancel] response signature is missing",
    );
    expect(() => checkDaxPayAnswerSignature(signer, { code: 0, data: null }, SENT_AT, ctx)).toThrow(
      SignatureError,
    );
  });

  it("rejects genuine signed data whose resTime is outside the window around the request, or not a time", () => {
    const signedAt = (resTime: unknown) => {
      const fields = { code: 0, resTime };
      return { code: 0, data: { ...fields, sign: signDaxPay(fields, SECRET) } };
    };
    // resTime 0: a genuine answer recorded long ago and replayed (issue 13, input 2).
    expect(() => checkDaxPayAnswerSignature(signer, signedAt(0), SENT_AT, ctx)).toThrow(
      "[daxpay cancel] response signed time is outside the accepted window: signed about 1700000000 s before the request it answers (window 10000 ms)",
    );
    expect(() => checkDaxPayAnswerSignature(signer, signedAt("17e8"), SENT_AT, ctx)).toThrow(
      expect.objectContaining({ reason: "stale" }),
    );
    // The window's edges: 10 s before the request's second, 60 s after now.
    expect(() => checkDaxPayAnswerSignature(signer, signedAt(1_699_999_990), SENT_AT, ctx)).not.toThrow();
    expect(() => checkDaxPayAnswerSignature(signer, signedAt(1_699_999_989), SENT_AT, ctx)).toThrow(
      SignatureError,
    );
    expect(() => checkDaxPayAnswerSignature(signer, signedAt(1_700_000_060), SENT_AT, ctx)).not.toThrow();
    expect(() => checkDaxPayAnswerSignature(signer, signedAt(1_700_000_061), SENT_AT, ctx)).toThrow(
      SignatureError,
    );
  });
});

describe("client.raw (openapi-fetch with the signing middleware)", () => {
  function rawClient(answer: unknown) {
    const { fetch, sent } = scriptedFetch(answerJson(200, answer));
    const client = createDaxPayClient({
      baseUrl: "http://127.0.0.1:9000",
      secret: SECRET,
      fetch,
      now: () => 1_700_000_000_000,
      nonce: () => "abc123XYZ",
    });
    return { raw: client.openapi, sent };
  }
  const cancelled = {
    code: 0,
    msg: "success",
    data: { code: 0, resTime: 1_700_000_000, sign: signDaxPay({ code: 0, resTime: 1_700_000_000 }, SECRET) },
    traceId: "T1",
  };

  it("rewrites the body with a fresh reqTime, nonceStr and sign, dropping unknown fields", async () => {
    const { raw, sent } = rawClient(cancelled);
    const { data } = await raw.POST("/unipay/cancel", {
      body: { bizOrderNo: "P0001", clientIp: "127.0.0.1", reqTime: 1, extra: "dropped" } as never,
    });
    expect(data).toStrictEqual(cancelled);
    expect(sent[0]?.body).toBe(
      `{"bizOrderNo":"P0001","clientIp":"127.0.0.1","nonceStr":"abc123XYZ","reqTime":1700000000,"sign":"${PINNED_HMAC}"}`,
    );
  });

  it("rejects an answer whose data.sign does not verify", async () => {
    const { raw } = rawClient({ ...cancelled, data: { ...cancelled.data, code: 1 } });
    const error = await rejectionOf(raw.POST("/unipay/cancel", { body: { orderNo: "O1", reqTime: 1 } }));
    expect(error).toBeInstanceOf(SignatureError);
  });
});
