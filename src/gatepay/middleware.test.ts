import { describe, expect, it } from "vitest";
import { SignatureError, ValidationError } from "../core/errors.js";
import { Secret } from "../core/redact.js";
import { ExpiringKeys } from "../core/replay.js";
import { answerJson, answerText, rejectionOf, scriptedFetch } from "../core/test-support.js";
import { createGatePayClient } from "./client.js";
import {
  checkGatePayResponseSignature,
  type GatePayResponseSignatures,
  gatePayRequestHeaders,
} from "./middleware.js";
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
  const SENT_AT = 1_700_000_000_000;
  const signedHeaders = (timestamp: string, nonce = "srv1", secret = SECRET) =>
    new Headers({
      "X-GatePay-Timestamp": timestamp,
      "X-GatePay-Nonce": nonce,
      "X-GatePay-Signature": signGatePay({ secret, timestamp, nonce, body }),
    });
  const verifier = (mode: GatePayResponseSignatures, now = SENT_AT + 50) => ({
    mode,
    secret: signer.secret,
    window: { pastMs: 10_000, futureMs: 10_000 },
    nonces: new ExpiringKeys(),
    now: () => now,
  });
  const check = (mode: GatePayResponseSignatures, headers: Headers, text = body) =>
    checkGatePayResponseSignature(verifier(mode), headers, text, SENT_AT, ctx);

  it("passes a valid, fresh signature in every mode, and says whether it verified one", () => {
    expect(check("if-present", signedHeaders("1700000000001"))).toBe(true);
    expect(check("required", signedHeaders("1700000000001"))).toBe(true);
    expect(check("off", signedHeaders("1700000000001"))).toBe(false);
    expect(check("if-present", new Headers())).toBe(false);
  });

  it("fails a valid signature over a different body, except when 'off'", () => {
    expect(() => check("if-present", signedHeaders("1700000000001"), `${body} `)).toThrow(SignatureError);
    expect(() => check("off", signedHeaders("1700000000001"), `${body} `)).not.toThrow();
  });

  it("fails a signature made with another secret, and an unsigned answer under 'required'", () => {
    expect(() => check("if-present", signedHeaders("1700000000001", "n", "wrong"))).toThrow(
      "[gatepay closeOrder] response signature is invalid",
    );
    expect(() => check("required", new Headers())).toThrow(
      "[gatepay closeOrder] response signature is missing",
    );
  });

  it("refuses a genuine signature whose timestamp is old, malformed or far ahead (issue 13, input 2)", () => {
    for (const timestamp of ["978307200000", "x", "1700000000000.5", "-1700000000000"]) {
      expect(() => check("required", signedHeaders(timestamp))).toThrow(
        expect.objectContaining({ type: "signature", reason: "stale" }),
      );
    }
    expect(() => check("required", signedHeaders("978307200000"))).toThrow(
      "[gatepay closeOrder] response signed time is outside the accepted window: signed about 721692800 s before the request it answers (window 10000 ms)",
    );
    // The window's edges: 10 s before the request, 10 s after the answer was read.
    expect(() => check("required", signedHeaders("1699999990000"))).not.toThrow();
    expect(() => check("required", signedHeaders("1699999989999"))).toThrow(SignatureError);
    expect(() => check("required", signedHeaders("1700000010050"))).not.toThrow();
    expect(() => check("required", signedHeaders("1700000010051"))).toThrow(SignatureError);
  });

  it("refuses the same signed answer a second time inside the window: its nonce was already used", () => {
    const same = verifier("required");
    const headers = signedHeaders("1700000000001", "replayMe");
    expect(checkGatePayResponseSignature(same, headers, body, SENT_AT, ctx)).toBe(true);
    expect(() => checkGatePayResponseSignature(same, headers, body, SENT_AT, ctx)).toThrow(
      expect.objectContaining({
        reason: "replayed",
        message:
          "[gatepay closeOrder] response signature was already used (replayed): its nonce was already used",
      }),
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
    return { raw: client.openapi, sent };
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
