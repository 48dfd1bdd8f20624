// signGatePay and verifyGatePaySignature on a runtime whose node:crypto cannot compute HMAC-SHA512:
// the failure must come out as a typed error naming provider, field and rule, and a verification
// that could not run must throw rather than answer false.

import { afterEach, describe, expect, it, vi } from "vitest";
import { ValidationError } from "../core/errors.js";
import { signGatePay, verifyGatePaySignature } from "./sign.js";

const runtime = vi.hoisted(() => ({ broken: false }));

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return {
    ...actual,
    createHmac: (...args: Parameters<typeof actual.createHmac>) => {
      if (runtime.broken) throw new TypeError("Digest method not supported: the-secret-was-here");
      return actual.createHmac(...args);
    },
  };
});

afterEach(() => {
  runtime.broken = false;
});

const parts = { secret: "gatepay-test-secret", timestamp: "1700000000000", nonce: "abc123XYZ", body: "{}" };

describe("on a node:crypto that cannot compute HMAC-SHA512", () => {
  it("signing throws a ValidationError on secret with the runtime's error as cause", () => {
    runtime.broken = true;
    expect(() => signGatePay(parts)).toThrow(ValidationError);
    expect(() => signGatePay(parts)).toThrow(
      expect.objectContaining({
        provider: "gatepay",
        field: "secret",
        rule: "hmac-sha512",
        message: "[gatepay] secret: this runtime's node:crypto could not compute HMAC-SHA512 (TypeError)",
        cause: expect.any(TypeError),
      }),
    );
  });

  it("verifying throws the same error instead of answering false", () => {
    const signature = signGatePay(parts);
    runtime.broken = true;
    expect(() => verifyGatePaySignature({ ...parts, signature })).toThrow(ValidationError);
    expect(() => verifyGatePaySignature({ ...parts, signature })).toThrow(
      expect.objectContaining({
        provider: "gatepay",
        field: "secret",
        rule: "hmac-sha512",
        message: expect.not.stringContaining("the-secret-was-here"),
      }),
    );
  });
});
