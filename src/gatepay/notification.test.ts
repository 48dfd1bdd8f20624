import { describe, expect, it } from "vitest";
import { SignatureError, UnexpectedResponseError, ValidationError } from "../core/errors.js";
import { createMemoryReplayStore } from "../core/replay.js";
import { rejectionOf } from "../core/test-support.js";
import { GATEPAY_NOTIFICATION_TOLERANCE_MS, verifyGatePayNotification } from "./notification.js";
import { signGatePay } from "./sign.js";

const SECRET = "gatepay-notification-test-secret";
const NOW = 1_700_000_000_000;
const DATA =
  '{"merchantTradeNo":"M20240001","currency":"USDT","orderAmount":"1.2","createTime":1664123708000}';
const BODY = JSON.stringify({
  bizType: "PAY",
  bizId: "1647557960944",
  bizStatus: "PAY_CLOSE",
  client_id: "mZ96D37oKk-HrWJc",
  data: DATA,
});

function headersFor(body: string, timestamp = String(NOW), nonce = "n0nce123") {
  return {
    "X-GatePay-Timestamp": timestamp,
    "X-GatePay-Nonce": nonce,
    "X-GatePay-Signature": signGatePay({ secret: SECRET, timestamp, nonce, body }),
  };
}

function options() {
  return { secret: SECRET, now: () => NOW, replayStore: createMemoryReplayStore({ now: () => NOW }) };
}

describe("verifyGatePayNotification", () => {
  it("accepts a signed prepay close notification and returns it typed with data parsed", async () => {
    const notification = await verifyGatePayNotification(BODY, headersFor(BODY), options());
    expect(notification).toStrictEqual({
      kind: "payOrder",
      bizType: "PAY",
      bizId: "1647557960944",
      bizStatus: "PAY_CLOSE",
      clientId: "mZ96D37oKk-HrWJc",
      data: { merchantTradeNo: "M20240001", currency: "USDT", orderAmount: "1.2", createTime: 1664123708000 },
    });
  });

  it("accepts an OTC recharge notification sent with clientId, and Headers, arrays or any header case", async () => {
    const body = JSON.stringify({
      bizType: "OTC",
      bizId: "71347515709194240",
      bizStatus: "RECHARGE_SUCCESS",
      clientId: "merchant_client_id",
      data: '{"orderId":"71347515709194240","type":"BUY","fiatAmount":"100.00"}',
    });
    const signed = headersFor(body);
    const asHeaders = new Headers(signed);
    const asNode = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), [v]]));
    for (const headers of [asHeaders, asNode]) {
      const notification = await verifyGatePayNotification(body, headers, options());
      expect(notification).toMatchObject({
        kind: "otcOrder",
        bizStatus: "RECHARGE_SUCCESS",
        clientId: "merchant_client_id",
      });
      expect(notification.data).toStrictEqual({
        orderId: "71347515709194240",
        type: "BUY",
        fiatAmount: "100.00",
      });
    }
  });

  it("returns a verified notification of an unmodelled bizType as kind other, data parsed", async () => {
    const body = JSON.stringify({
      bizType: "PAY_REFUND",
      bizId: "R1",
      bizStatus: "REFUND_SUCCESS",
      data: '{"refundRequestId":"R1"}',
    });
    expect(await verifyGatePayNotification(body, headersFor(body), options())).toStrictEqual({
      kind: "other",
      bizType: "PAY_REFUND",
      bizId: "R1",
      bizStatus: "REFUND_SUCCESS",
      clientId: undefined,
      data: { refundRequestId: "R1" },
    });
  });

  it("refuses a body with one byte changed as invalid", async () => {
    const tampered = BODY.replace("PAY_CLOSE", "PAY_CLOSF");
    const error = await rejectionOf(verifyGatePayNotification(tampered, headersFor(BODY), options()));
    expect(error).toBeInstanceOf(SignatureError);
    expect(error).toMatchObject({ reason: "invalid", provider: "gatepay" });
  });

  it("refuses a signature with one character changed as invalid", async () => {
    const headers = headersFor(BODY);
    const last = headers["X-GatePay-Signature"].slice(-1);
    headers["X-GatePay-Signature"] = headers["X-GatePay-Signature"].slice(0, -1) + (last === "0" ? "1" : "0");
    expect(await rejectionOf(verifyGatePayNotification(BODY, headers, options()))).toMatchObject({
      reason: "invalid",
    });
  });

  it("refuses a timestamp one millisecond outside the 5-minute window, either way, as stale", async () => {
    for (const [timestamp, detail] of [
      [
        NOW - GATEPAY_NOTIFICATION_TOLERANCE_MS - 1,
        "signed about 300 s before it arrived (window 300000 ms)",
      ],
      [NOW + GATEPAY_NOTIFICATION_TOLERANCE_MS + 1, "signed about 300 s in the future (window 300000 ms)"],
    ] as const) {
      const error = await rejectionOf(
        verifyGatePayNotification(BODY, headersFor(BODY, String(timestamp)), options()),
      );
      expect(error).toMatchObject({
        reason: "stale",
        message: `[gatepay] notification signed time is outside the accepted window: ${detail}`,
      });
    }
    const edge = String(NOW - GATEPAY_NOTIFICATION_TOLERANCE_MS);
    await expect(verifyGatePayNotification(BODY, headersFor(BODY, edge), options())).resolves.toMatchObject({
      kind: "payOrder",
    });
  });

  it("refuses the same signed delivery a second time as replayed, and accepts it again once forgotten", async () => {
    const shared = options();
    await verifyGatePayNotification(BODY, headersFor(BODY), shared);
    expect(await rejectionOf(verifyGatePayNotification(BODY, headersFor(BODY), shared))).toMatchObject({
      reason: "replayed",
    });
    await shared.replayStore.forget(`gatepay:n0nce123:${headersFor(BODY)["X-GatePay-Signature"]}`);
    await expect(verifyGatePayNotification(BODY, headersFor(BODY), shared)).resolves.toMatchObject({
      kind: "payOrder",
    });
  });

  it("refuses a notification without any one of the three headers as missing", async () => {
    for (const name of ["X-GatePay-Timestamp", "X-GatePay-Nonce", "X-GatePay-Signature"] as const) {
      const headers: Record<string, string> = headersFor(BODY);
      delete headers[name];
      expect(await rejectionOf(verifyGatePayNotification(BODY, headers, options()))).toMatchObject({
        reason: "missing",
      });
    }
  });

  it("refuses a signed body whose data is not the prepay order shape, naming the path", async () => {
    const body = JSON.stringify({
      bizType: "PAY",
      bizId: "1",
      bizStatus: "PAY_SUCCESS",
      data: '{"currency":"USDT"}',
    });
    const error = await rejectionOf(verifyGatePayNotification(body, headersFor(body), options()));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error).toMatchObject({
      reason: "wrong_shape",
      message:
        "[gatepay notification] response does not match the expected schema: /data must have required property 'merchantTradeNo'",
    });
  });

  it("refuses options it does not know, or an empty secret, before reading the notification", async () => {
    for (const [bad, field, rule] of [
      [{ ...options(), tolerance: 60_000 }, "tolerance", "unknown"],
      [{ ...options(), secret: "" }, "secret", "required"],
      [{ ...options(), toleranceMs: Number.NaN }, "toleranceMs", "range:0.."],
    ] as const) {
      const error = await rejectionOf(verifyGatePayNotification(BODY, headersFor(BODY), bad as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ provider: "gatepay", operation: "notification", field, rule });
    }
  });

  it("puts no secret, signature or body in the error or its JSON", async () => {
    const headers = headersFor(BODY);
    const error = (await rejectionOf(
      verifyGatePayNotification(`${BODY} `, headers, options()),
    )) as SignatureError;
    const text = `${error.message} ${JSON.stringify(error)} ${error.stack}`;
    for (const secret of [SECRET, headers["X-GatePay-Signature"], "M20240001"])
      expect(text).not.toContain(secret);
  });
});
