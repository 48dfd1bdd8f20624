import { describe, expect, it } from "vitest";
import { SignatureError, ValidationError } from "../core/errors.js";
import { createMemoryReplayStore } from "../core/replay.js";
import { rejectionOf } from "../core/test-support.js";
import { PAYERMAX_NOTIFICATION_TOLERANCE_MS, verifyPayerMaxNotification } from "./notification.js";
import { signPayerMax } from "./sign.js";
import { OTHER_TEST_PUBLIC_KEY_PEM, TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from "./test-keys.js";

const NOW = Date.parse("2024-11-06T03:58:13.000Z");

function bodyOf(
  notifyType: string,
  data: Record<string, unknown>,
  notifyTime = "2024-11-06T11:58:13.000+08:00",
) {
  return JSON.stringify({
    code: "APPLY_SUCCESS",
    msg: "Success.",
    keyVersion: "1",
    appId: "test-app-id",
    merchantNo: "SDP01010114048086",
    notifyTime,
    notifyType,
    data,
  });
}

const CANCEL = bodyOf("CANCEL", {
  cancelNo: "20241106035813SB0000000000000000001",
  requestId: "R20241106001",
  outTradeNo: "P20241106001",
  status: "SUCCESS",
  createdTime: "2024-11-06T03:58:03 +0000",
  succeededTime: "2024-11-06T03:58:13 +0000",
  failedTime: null,
  errorCode: null,
  errorMsg: null,
});

function options() {
  return {
    platformPublicKey: TEST_PUBLIC_KEY_PEM,
    now: () => NOW,
    replayStore: createMemoryReplayStore({ now: () => NOW }),
  };
}

describe("verifyPayerMaxNotification", () => {
  it("accepts a signed cancel result and returns it typed", async () => {
    const notification = await verifyPayerMaxNotification(
      CANCEL,
      { sign: signPayerMax(CANCEL, TEST_PRIVATE_KEY_PEM) },
      options(),
    );
    expect(notification.kind).toBe("cancel");
    expect(notification).toMatchObject({
      notifyType: "CANCEL",
      data: { requestId: "R20241106001", status: "SUCCESS" },
    });
  });

  it("accepts a signed payment result with a number amount, kept as sent", async () => {
    const body = bodyOf("PAYMENT", {
      outTradeNo: "P1",
      tradeToken: "T1",
      status: "SUCCESS",
      totalAmount: 10,
      currency: "USD",
    });
    const notification = await verifyPayerMaxNotification(
      body,
      new Headers({ Sign: signPayerMax(body, TEST_PRIVATE_KEY_PEM) }),
      options(),
    );
    expect(notification).toMatchObject({ kind: "payment", data: { status: "SUCCESS", totalAmount: 10 } });
  });

  it("refuses a body with one byte changed, and a signature made with another key, as invalid", async () => {
    const sign = signPayerMax(CANCEL, TEST_PRIVATE_KEY_PEM);
    const tampered = CANCEL.replace('"SUCCESS"', '"SUCCESs"');
    expect(await rejectionOf(verifyPayerMaxNotification(tampered, { sign }, options()))).toMatchObject({
      reason: "invalid",
    });
    const wrongKey = { ...options(), platformPublicKey: OTHER_TEST_PUBLIC_KEY_PEM };
    expect(await rejectionOf(verifyPayerMaxNotification(CANCEL, { sign }, wrongKey))).toMatchObject({
      reason: "invalid",
    });
  });

  it("refuses a signature with one character changed as invalid", async () => {
    const sign = signPayerMax(CANCEL, TEST_PRIVATE_KEY_PEM);
    const changed = `${sign[0] === "A" ? "B" : "A"}${sign.slice(1)}`;
    expect(await rejectionOf(verifyPayerMaxNotification(CANCEL, { sign: changed }, options()))).toMatchObject(
      {
        reason: "invalid",
      },
    );
  });

  it("refuses a notifyTime older than 14 hours, or more than 2 minutes ahead, as stale", async () => {
    const old = new Date(NOW - PAYERMAX_NOTIFICATION_TOLERANCE_MS - 1000).toISOString();
    const ahead = new Date(NOW + 121_000).toISOString();
    for (const notifyTime of [old, ahead]) {
      const body = bodyOf("PAYMENT", { outTradeNo: "P1", tradeToken: "T1", status: "FAILED" }, notifyTime);
      const error = await rejectionOf(
        verifyPayerMaxNotification(body, { sign: signPayerMax(body, TEST_PRIVATE_KEY_PEM) }, options()),
      );
      expect(error).toMatchObject({ reason: "stale", provider: "payermax" });
    }
  });

  it("refuses the same delivery a second time as replayed", async () => {
    const shared = options();
    const headers = { sign: signPayerMax(CANCEL, TEST_PRIVATE_KEY_PEM) };
    await verifyPayerMaxNotification(CANCEL, headers, shared);
    const error = await rejectionOf(verifyPayerMaxNotification(CANCEL, headers, shared));
    expect(error).toBeInstanceOf(SignatureError);
    expect(error).toMatchObject({
      reason: "replayed",
      message: "[payermax] notification signature was already used (replayed)",
    });
  });

  it("refuses a notification without the sign header as missing", async () => {
    expect(await rejectionOf(verifyPayerMaxNotification(CANCEL, {}, options()))).toMatchObject({
      reason: "missing",
    });
    expect(await rejectionOf(verifyPayerMaxNotification(CANCEL, { sign: "" }, options()))).toMatchObject({
      reason: "missing",
    });
  });

  it("throws a configuration error naming the expected key format when the public key is unusable", async () => {
    const error = await rejectionOf(
      verifyPayerMaxNotification(CANCEL, { sign: "x" }, { ...options(), platformPublicKey: "nope" }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      provider: "payermax",
      operation: "notification",
      field: "platformPublicKey",
      rule: "key",
    });
    expect((error as Error).message).toContain("PayerMax public key could not be parsed");
  });

  it("puts no signature or body in the error", async () => {
    const sign = signPayerMax(CANCEL, TEST_PRIVATE_KEY_PEM);
    const error = (await rejectionOf(
      verifyPayerMaxNotification(`${CANCEL}\n`, { sign }, options()),
    )) as SignatureError;
    const text = `${error.message} ${JSON.stringify(error)}`;
    expect(text).not.toContain(sign.slice(0, 20));
    expect(text).not.toContain("R20241106001");
  });
});
