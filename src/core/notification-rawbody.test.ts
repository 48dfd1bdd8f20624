// A notification is verified over the body exactly as received: a body the app already parsed is a
// ValidationError naming rawBody, for every provider, never a TypeError or a silent mismatch.

import { describe, expect, it } from "vitest";
import { verifyDaxPayNotification } from "../daxpay/notification.js";
import { verifyGatePayNotification } from "../gatepay/notification.js";
import { verifyPayerMaxNotification } from "../payermax/notification.js";
import { TEST_PUBLIC_KEY_PEM } from "../payermax/test-keys.js";
import { requireRawBody } from "./notification.js";

const parsed = { bizType: "PAY", data: "{}" } as unknown as string;

describe("rawBody", () => {
  it("is refused when it is not text, naming the field and the provider", async () => {
    const refusal = (provider: string) =>
      expect.objectContaining({ type: "validation", field: "rawBody", rule: "string", provider });
    await expect(
      verifyGatePayNotification(
        parsed,
        { "X-GatePay-Timestamp": "1", "X-GatePay-Nonce": "n", "X-GatePay-Signature": "s" },
        { secret: "s" },
      ),
    ).rejects.toEqual(refusal("gatepay"));
    await expect(
      verifyPayerMaxNotification(parsed, { sign: "s" }, { platformPublicKey: TEST_PUBLIC_KEY_PEM }),
    ).rejects.toEqual(refusal("payermax"));
    await expect(verifyDaxPayNotification(parsed, { secret: "s" })).rejects.toEqual(refusal("daxpay"));
  });

  it("is returned unchanged when it is text", () => {
    expect(requireRawBody('{"a":1}', "gatepay")).toBe('{"a":1}');
  });
});
