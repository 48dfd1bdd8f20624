import { describe, expect, it } from "vitest";
import { SignatureError } from "../core/errors.js";
import { answerJson, answerText, rejectionOf, scriptedFetch } from "../core/test-support.js";
import { createPayerMaxClient } from "./client.js";
import { signPayerMax } from "./sign.js";
import { TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from "./test-keys.js";

const ENVELOPE = {
  version: "1.5",
  keyVersion: "1",
  requestTime: "2024-11-06T11:56:13.000+08:00",
  appId: "test-app-id",
  merchantNo: "SDP01010114048086",
  data: { requestId: "R20241106001", outTradeNo: "P20241106001" },
};
// The worked example of sign.ts (openssl over this exact body with TEST_PRIVATE_KEY_PEM).
const EXAMPLE_SIGN =
  "J/Y9NeypbGfyJxu3IZ+nybZwjr3LEB3Hva9HohRLdM2gnvQs0hGqLtxteg25A44hlGV7XyyRH8UXBreqmALqNn" +
  "ZMZnQrjMS7dMYdXlhchuCdQ7ohSidnP0a37aocT7EDWTsLQSA6fjMNiheksULbsfQDJW6zk8yuSynUm0GvxLYw" +
  "J3yNOSOC0c6j0y0nk60az30S7/hTXI7YPZfnJh73LT55akxpmf6p1cGihMU86AkHh0PXfbZh2VRWHkZmB6q9hK" +
  "p8SzSqo/fLNBe6EnJHotHVBiHM9LQG/ZKCTYqslwV2AyGc5z5Iw0PUGwfQXLgHhVxcOQKzDpkGMeNlR8W6/g==";
const ACCEPTED = {
  code: "APPLY_SUCCESS",
  msg: "Success.",
  data: {
    cancelNo: "C1",
    requestId: "R20241106001",
    outTradeNo: "P20241106001",
    status: "PENDING",
    createdTime: "2024-11-06T11:56:13 +0800",
    succeededTime: null,
    failedTime: null,
    errorCode: null,
    errorMsg: null,
  },
};

function rawClient(answer: ReturnType<typeof answerJson>) {
  const { fetch, sent } = scriptedFetch(answer);
  const client = createPayerMaxClient({
    appId: "test-app-id",
    privateKey: TEST_PRIVATE_KEY_PEM,
    platformPublicKey: TEST_PUBLIC_KEY_PEM,
    baseUrl: "http://127.0.0.1:4020",
    fetch,
  });
  return { raw: client.openapi, sent };
}

describe("client.raw (openapi-fetch with the signing middleware)", () => {
  it("signs the caller's envelope, read from a clone, with the sign header (sign.ts worked example)", async () => {
    const text = JSON.stringify(ACCEPTED);
    const { raw, sent } = rawClient(
      answerText(200, text, { sign: signPayerMax(text, TEST_PRIVATE_KEY_PEM) }),
    );
    const { data } = await raw.POST("/aggregate-pay/api/gateway/cancel", { body: ENVELOPE });
    expect(data).toStrictEqual(ACCEPTED);
    expect(sent[0]?.body).toBe(JSON.stringify(ENVELOPE));
    expect(sent[0]?.headers).toStrictEqual({ "content-type": "application/json", sign: EXAMPLE_SIGN });
  });

  it("rejects an unsigned APPLY_SUCCESS", async () => {
    const { raw } = rawClient(answerJson(200, ACCEPTED));
    const error = await rejectionOf(raw.POST("/aggregate-pay/api/gateway/cancel", { body: ENVELOPE }));
    expect(error).toBeInstanceOf(SignatureError);
    expect(error).toMatchObject({ reason: "missing" });
  });

  it("passes an unsigned error answer through as data, for the caller to read", async () => {
    const answer = { code: "PARAMS_INVALID", msg: "x" };
    const { raw } = rawClient(answerJson(200, answer));
    const { data } = await raw.POST("/aggregate-pay/api/gateway/cancel", { body: ENVELOPE });
    expect(data).toStrictEqual(answer);
  });
});
