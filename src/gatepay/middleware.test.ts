import { describe, expect, it } from "vitest";
import { SignatureError, ValidationError } from "../core/errors.js";
import { Secret } from "../core/redact.js";
import { answerJson, answerText, rejectionOf, scriptedFetch } from "../core/test-support.js";
import { createGatePayClient } from "./client.js";
import { checkGatePayResponseSignature, gatePayRequestHeaders } from "./middleware.js";
import { signGatePay } from "./sign.js";

const SECRET = "gatepay-test-secret";
// openssl: printf '1700000000000\nabc123XYZ\n{"merchantTradeNo":"M20240001"}\n' | openssl dgst -sha512 -hmac gatepay-test-secret
const PINNED_SIGNATURE =
  "6f002ef62f82d91c865fc4501c839cce649d400cce26fe5ec763985a0eb4ed90" +
  "bffb8be38cde22a9bbdffdc79d4551f2a0d621969b1c577af588993ca9ebe1f4";
const CLOSED = { status: "SUCCESS", code: "000000", errorMessage: "", data: { result: "SUCCESS" } };
const signer = {
  clientId: "client-1",
  secret: new Secret(SECRET),
  merchantId: "10001",
  now: () => 1_700_000_000_000,
  nonce: () => "abc123XYZ",
};

describe("gatePayRequestHeaders", () => {
  it("builds the four headers for the payment API (pinned openssl signature)", () => {
    expect(gatePayRequestHeaders(signer, '{"merchantTradeNo":"M20240001"}', false)).toStrictEqual({
      "X-GatePay-Certificate-ClientId": "client-1",
      "X-GatePay-Timestamp": "1700000000000",
      "X-GatePay-Nonce": "abc123XYZ",
      "X-GatePay-Signature": PINNED_SIGNATURE,
    });
  });

  it("adds X-GatePay-MerchantId on the OTC API, outside the signed string", () => {
    const headers = gatePayRequestHeaders(signer, '{"merchantTradeNo":"M20240001"}', true);
    expect(headers["X-GatePay-MerchantId"]).toBe("10001");
    expect(headers["X-GatePay-Signature"]).toBe(PINNED_SIGNATURE);
  });

  it("signs an empty body over '<ts>\\n<nonce>\\n\\n'", () => {
    // openssl: printf '1700000000000\nabc123XYZ\n\n' | openssl dgst -sha512 -hmac gatepay-test-secret
    expect(gatePayRequestHeaders(signer, "", false)["X-GatePay-Signature"]).toBe(
      "c3e34bb7620e69ec2ab087e935cf26837b1d88fa37a0d93cd56aa3b7cbc29a5e" +
        "c1b9fb899ba9707f125f5993d0ef956ced6da25acbbd16932f6f37df4daa47ab",
    );
  });
});

describe("checkGatePayResponseSignature", () => {
  const body = '{"status":"SUCCESS"}';
  const ctx = { provider: "gatepay", operation: "closeOrder", status: 200 } as const;
  const valid = new Headers({
    "X-GatePay-Timestamp": "1700000000001",
    "X-GatePay-Nonce": "srv1",
    "X-GatePay-Signature": signGatePay({ secret: SECRET, timestamp: "1700000000001", nonce: "srv1", body }),
  });

  it("passes a valid signature in every mode", () => {
    for (const mode of ["if-present", "required", "off"] as const) {
      expect(() => checkGatePayResponseSignature(mode, signer.secret, valid, body, ctx)).not.toThrow();
    }
  });

  it("fails a valid signature over a different body, except when 'off'", () => {
    expect(() => checkGatePayResponseSignature("if-present", signer.secret, valid, `${body} `, ctx)).toThrow(
      SignatureError,
    );
    expect(() => checkGatePayResponseSignature("off", signer.secret, valid, `${body} `, ctx)).not.toThrow();
  });

  it("fails a signature made with another secret", () => {
    const other = new Headers({
      "X-GatePay-Timestamp": "1",
      "X-GatePay-Nonce": "n",
      "X-GatePay-Signature": signGatePay({ secret: "wrong", timestamp: "1", nonce: "n", body }),
    });
    expect(() => checkGatePayResponseSignature("if-present", signer.secret, other, body, ctx)).toThrow(
      "[gatepay closeOrder] response signature is invalid",
    );
  });
});

describe("client.raw (openapi-fetch with the signing middleware)", () => {
  function rawClient(answer = answerJson(200, CLOSED), merchantId: string | null = "10001") {
    const { fetch, sent } = scriptedFetch(answer);
    const client = createGatePayClient({
      clientId: "client-1",
      secret: SECRET,
      ...(merchantId === null ? {} : { merchantId }),
      fetch,
      now: () => 1_700_000_000_000,
      nonce: () => "abc123XYZ",
    });
    return { raw: client.raw, sent };
  }

  it("signs the body openapi-fetch serialized, read from a clone, and returns { data }", async () => {
    const { raw, sent } = rawClient();
    const { data, error } = await raw.payments.POST("/v1/pay/order/close", {
      body: { merchantTradeNo: "M20240001" },
    });
    expect(data).toStrictEqual(CLOSED);
    expect(error).toBeUndefined();
    expect(sent[0]?.body).toBe('{"merchantTradeNo":"M20240001"}');
    expect(sent[0]?.headers).toStrictEqual({
      "content-type": "application/json",
      "x-gatepay-certificate-clientid": "client-1",
      "x-gatepay-nonce": "abc123XYZ",
      "x-gatepay-signature": PINNED_SIGNATURE,
      "x-gatepay-timestamp": "1700000000000",
    });
  });

  it("adds X-GatePay-MerchantId on the OTC client", async () => {
    const { raw, sent } = rawClient(
      answerJson(200, { code: "000000", status: "SUCCESS", data: { success: true } }),
    );
    await raw.otc.POST("/open/otc/api/recharge/cancel", { body: { orderId: "1" } });
    expect(sent[0]?.headers["x-gatepay-merchantid"]).toBe("10001");
    expect(sent[0]?.headers["x-gatepay-signature"]).toBe(
      signGatePay({
        secret: SECRET,
        timestamp: "1700000000000",
        nonce: "abc123XYZ",
        body: '{"orderId":"1"}',
      }),
    );
  });

  it("returns a 400 envelope as { error }", async () => {
    const answer = { status: "FAIL", code: "400002", errorMessage: "signature verification failed" };
    const { raw } = rawClient(answerJson(400, answer));
    const { data, error } = await raw.payments.POST("/v1/pay/order/close", { body: { prepayId: "1" } });
    expect(data).toBeUndefined();
    expect(error).toStrictEqual(answer);
  });

  it("rejects an answer whose signature does not verify", async () => {
    const headers = {
      "X-GatePay-Timestamp": "1",
      "X-GatePay-Nonce": "n",
      "X-GatePay-Signature": "0".repeat(128),
    };
    const { raw } = rawClient(answerText(200, JSON.stringify(CLOSED), headers));
    const error = await rejectionOf(raw.payments.POST("/v1/pay/order/close", { body: { prepayId: "1" } }));
    expect(error).toBeInstanceOf(SignatureError);
  });

  it("refuses an OTC call without merchantId", async () => {
    const { raw, sent } = rawClient(answerJson(200, CLOSED), null);
    const error = await rejectionOf(
      raw.otc.POST("/open/otc/api/recharge/cancel", { body: { orderId: "1" } }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(sent).toHaveLength(0);
  });
});
