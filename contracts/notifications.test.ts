import { describe, expect, it } from "vitest";
import { type PactMessage, verifyNotificationMessages } from "./notifications.js";
import { readBundledSpec } from "./pacts.js";

const SIGNATURE = "a".repeat(128);

function payClose(content: Record<string, unknown>, metadata: Record<string, unknown> = {}): PactMessage {
  return {
    type: "Asynchronous/Messages",
    description: "a PAY_CLOSE notification",
    contents: { content, contentType: "application/json" },
    metadata: {
      webhook: "payOrderNotification",
      "X-GatePay-Timestamp": "1767225600000",
      "X-GatePay-Nonce": "ContractNonce0001",
      "X-GatePay-Signature": SIGNATURE,
      ...metadata,
    },
  };
}

const GOOD = { bizType: "PAY", bizId: "1", bizStatus: "PAY_CLOSE", data: '{"merchantTradeNo":"M-1"}' };

describe("verifyNotificationMessages", () => {
  const spec = readBundledSpec("gatepay-payments");

  it("finds nothing wrong with a notification the webhook describes", () => {
    expect(verifyNotificationMessages("gatepay-payments", [payClose(GOOD)], spec)).toStrictEqual([]);
  });

  it("names a missing body field, a data text that breaks its contentSchema and a malformed signing header", () => {
    const findings = verifyNotificationMessages(
      "gatepay-payments",
      [
        payClose(
          { ...GOOD, bizId: undefined, data: '{"currency":"USDT"}' },
          { "X-GatePay-Signature": "xyz" },
        ),
      ],
      spec,
    );
    expect(findings.map(({ code, message }) => ({ code, message }))).toStrictEqual([
      { code: "message.content", message: "(root) must have required property 'bizId'" },
      { code: "message.content", message: "/data must have required property 'merchantTradeNo'" },
      {
        code: "message.header",
        message: expect.stringMatching(/^signing header X-GatePay-Signature is missing or not /),
      },
    ]);
  });

  it("refuses a message that names no webhook of the spec", () => {
    const findings = verifyNotificationMessages(
      "gatepay-payments",
      [payClose(GOOD, { webhook: "refund" })],
      spec,
    );
    expect(findings).toMatchObject([
      { code: "message.webhook.unknown", message: 'no webhook "refund" in the gatepay-payments spec' },
    ]);
  });
});
