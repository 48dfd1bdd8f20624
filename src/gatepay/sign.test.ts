import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { gatePaySignString, signGatePay, verifyGatePaySignature } from "./sign.js";

// Expected signatures were computed with openssl, not with this code, e.g.
//   printf '1700000000000\nabc123XYZ\n\n' | openssl dgst -sha512 -hmac gatepay-test-secret
const secret = "gatepay-test-secret";
const timestamp = "1700000000000";
const nonce = "abc123XYZ";
const body = '{"merchantTradeNo":"M20240001"}';

const bodySignature =
  "6f002ef62f82d91c865fc4501c839cce649d400cce26fe5ec763985a0eb4ed90" +
  "bffb8be38cde22a9bbdffdc79d4551f2a0d621969b1c577af588993ca9ebe1f4";
const emptyBodySignature =
  "c3e34bb7620e69ec2ab087e935cf26837b1d88fa37a0d93cd56aa3b7cbc29a5e" +
  "c1b9fb899ba9707f125f5993d0ef956ced6da25acbbd16932f6f37df4daa47ab";
const chineseBody = '{"reason":"用户取消订单"}';
const chineseBodySignature =
  "f3766af93aecd02f7b55348a3a9f3816d0ee30f7a7f8ea9cc9440a1c0c0c439b" +
  "d6b57484d91a7a475009333e1b20cac2b32633df6b2fe440ccd9611df889e8e0";
const nonAsciiSecret = "密钥-secret";
const nonAsciiSecretSignature =
  "d7fd71509ef7ba49b63d70fca9b8d24a4641471ba958d4cf8d339f9c833e9f07" +
  "5536c1f92ad8fff138f109821d4a752067a70ef49846e00762f52c38ba10e0b2";

describe("gatePaySignString", () => {
  it("joins timestamp, nonce and body with newlines and ends with a newline", () => {
    expect(gatePaySignString({ timestamp, nonce, body })).toBe(
      '1700000000000\nabc123XYZ\n{"merchantTradeNo":"M20240001"}\n',
    );
  });

  it("keeps the trailing newline for an empty body", () => {
    expect(gatePaySignString({ timestamp, nonce, body: "" })).toBe("1700000000000\nabc123XYZ\n\n");
  });

  it("throws a ValidationError for a numeric timestamp instead of signing its String() form", () => {
    const numeric = 1_700_000_000_000 as unknown as string;
    expect(() => gatePaySignString({ timestamp: numeric, nonce, body })).toThrow(
      new ValidationError({
        provider: "gatepay",
        field: "timestamp",
        rule: "string",
        reason: "must be a string",
      }),
    );
    expect(() => gatePaySignString({ timestamp: numeric, nonce, body })).toThrow(ValidationError);
  });

  it("throws a ValidationError naming a missing body or nonce", () => {
    const missing = undefined as unknown as string;
    expect(() => gatePaySignString({ timestamp, nonce, body: missing })).toThrow(
      expect.objectContaining({ field: "body", rule: "string" }),
    );
    expect(() => gatePaySignString({ timestamp, nonce: missing, body })).toThrow(
      expect.objectContaining({ field: "nonce", rule: "string" }),
    );
  });
});

describe("signGatePay", () => {
  it("reproduces the worked example from the doc comment (openssl HMAC-SHA512)", () => {
    expect(signGatePay({ secret, timestamp, nonce, body })).toBe(bodySignature);
  });

  it("signs an empty body over '<ts>\\n<nonce>\\n\\n'", () => {
    expect(signGatePay({ secret, timestamp, nonce, body: "" })).toBe(emptyBodySignature);
  });

  it("signs a Chinese body over its UTF-8 bytes", () => {
    expect(signGatePay({ secret, timestamp, nonce, body: chineseBody })).toBe(chineseBodySignature);
  });

  it("uses a non-ASCII secret as its UTF-8 bytes", () => {
    expect(signGatePay({ secret: nonAsciiSecret, timestamp, nonce, body })).toBe(nonAsciiSecretSignature);
  });

  it("returns 128 lowercase hex characters", () => {
    expect(signGatePay({ secret, timestamp, nonce, body })).toMatch(/^[0-9a-f]{128}$/);
  });

  it("throws a ValidationError for a missing secret instead of a TypeError from Buffer", () => {
    const missing = undefined as unknown as string;
    const sign = () => signGatePay({ secret: missing, timestamp, nonce, body });
    expect(sign).toThrow(ValidationError);
    expect(sign).toThrow(expect.objectContaining({ provider: "gatepay", field: "secret", rule: "string" }));
  });
});

describe("verifyGatePaySignature", () => {
  it("accepts the known-answer signature for the exact body", () => {
    expect(verifyGatePaySignature({ secret, timestamp, nonce, body, signature: bodySignature })).toBe(true);
  });

  it("accepts the known-answer signature for an empty body", () => {
    expect(
      verifyGatePaySignature({ secret, timestamp, nonce, body: "", signature: emptyBodySignature }),
    ).toBe(true);
  });

  it("accepts a webhook callback signed over the raw Chinese body", () => {
    expect(
      verifyGatePaySignature({
        secret,
        timestamp,
        nonce,
        body: chineseBody,
        signature: chineseBodySignature,
      }),
    ).toBe(true);
  });

  it("rejects a body with one character changed", () => {
    const tampered = body.replace("M20240001", "M20240002");
    expect(
      verifyGatePaySignature({ secret, timestamp, nonce, body: tampered, signature: bodySignature }),
    ).toBe(false);
  });

  it("rejects a body that differs only in whitespace, because GatePay does not canonicalize", () => {
    const reformatted = '{"merchantTradeNo": "M20240001"}';
    expect(
      verifyGatePaySignature({ secret, timestamp, nonce, body: reformatted, signature: bodySignature }),
    ).toBe(false);
  });

  it("rejects a different timestamp", () => {
    expect(
      verifyGatePaySignature({ secret, timestamp: "1700000000001", nonce, body, signature: bodySignature }),
    ).toBe(false);
  });

  it("rejects a different nonce", () => {
    expect(
      verifyGatePaySignature({ secret, timestamp, nonce: "abc123XYz", body, signature: bodySignature }),
    ).toBe(false);
  });

  it("rejects a signature made with a different secret", () => {
    expect(
      verifyGatePaySignature({ secret: "wrong-secret", timestamp, nonce, body, signature: bodySignature }),
    ).toBe(false);
  });

  it("rejects a signature one character short", () => {
    expect(
      verifyGatePaySignature({ secret, timestamp, nonce, body, signature: bodySignature.slice(0, -1) }),
    ).toBe(false);
  });

  it("rejects a signature with an extra character", () => {
    expect(verifyGatePaySignature({ secret, timestamp, nonce, body, signature: `${bodySignature}0` })).toBe(
      false,
    );
  });

  it("rejects a 64-character HMAC-SHA256-length prefix of the right signature", () => {
    expect(
      verifyGatePaySignature({ secret, timestamp, nonce, body, signature: bodySignature.slice(0, 64) }),
    ).toBe(false);
  });

  it("rejects the right signature written in uppercase hex", () => {
    expect(
      verifyGatePaySignature({ secret, timestamp, nonce, body, signature: bodySignature.toUpperCase() }),
    ).toBe(false);
  });

  it("rejects a non-hex signature of the right length", () => {
    expect(verifyGatePaySignature({ secret, timestamp, nonce, body, signature: "z".repeat(128) })).toBe(
      false,
    );
  });

  it("rejects an empty signature", () => {
    expect(verifyGatePaySignature({ secret, timestamp, nonce, body, signature: "" })).toBe(false);
  });

  it("returns false instead of throwing when an untyped caller passes no signature", () => {
    const missing = undefined as unknown as string;
    expect(verifyGatePaySignature({ secret, timestamp, nonce, body, signature: missing })).toBe(false);
  });

  it("throws, rather than answering false, when the check cannot run for want of a secret", () => {
    const missing = undefined as unknown as string;
    const verify = () =>
      verifyGatePaySignature({ secret: missing, timestamp, nonce, body, signature: bodySignature });
    expect(verify).toThrow(ValidationError);
    expect(verify).toThrow(expect.objectContaining({ provider: "gatepay", field: "secret", rule: "string" }));
  });
});
