import { generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  daxPayCancelAnswer,
  daxPayCancelRequest,
  daxPayLimit,
  gatePayCloseRequest,
  gatePayLimit,
  payerMaxCancelRequest,
  payerMaxLimit,
  payerMaxSign,
} from "./protocols.js";

// The bench's baseline signs without src/, so these vectors come from openssl, not from either side:
//   printf '1700000000000\nabc123XYZ\n{"merchantTradeNo":"M20240001"}\n' | openssl dgst -sha512 -hmac gatepay-test-secret
//   printf 'nonceStr=abc123XYZ&orderNo=1753370980523384832&reqTime=1700000000&key=daxpay-test-secret' \
//     | openssl dgst -sha256 -hmac daxpay-test-secret
//   printf 'code=0&resTime=1700000001&key=daxpay-test-secret' | openssl dgst -sha256 -hmac daxpay-test-secret
const now = 1_700_000_000_000;
const nonce = "abc123XYZ";
const noHeaders = (): string | null => null;

describe("the bench's GatePay protocol", () => {
  const limit = gatePayLimit({
    clientId: "cid",
    secret: "gatepay-test-secret",
    merchantTradeNo: "M20240001",
  });

  it("signs the close-order body with HMAC-SHA512 over timestamp, nonce and body, each line ended", () => {
    expect(
      gatePayCloseRequest(
        { clientId: "cid", key: Buffer.from("gatepay-test-secret", "utf8") },
        "M20240001",
        now,
        nonce,
      ),
    ).toEqual({
      method: "POST",
      path: "/v1/pay/order/close",
      headers: {
        "content-type": "application/json",
        "x-gatepay-certificate-clientid": "cid",
        "x-gatepay-timestamp": "1700000000000",
        "x-gatepay-nonce": "abc123XYZ",
        "x-gatepay-signature":
          "6f002ef62f82d91c865fc4501c839cce649d400cce26fe5ec763985a0eb4ed90" +
          "bffb8be38cde22a9bbdffdc79d4551f2a0d621969b1c577af588993ca9ebe1f4",
      },
      body: '{"merchantTradeNo":"M20240001"}',
    });
  });

  it("accepts an unsigned success answer and returns its data", () => {
    const text = '{"status":"SUCCESS","code":"000000","errorMessage":"","data":{"result":"SUCCESS"}}';
    expect(limit.accept(text, noHeaders)).toEqual({ result: "SUCCESS" });
  });

  it("refuses an answer that is not a success", () => {
    const text = '{"status":"FAIL","code":"400002","errorMessage":"bad signature","data":null}';
    expect(() => limit.accept(text, noHeaders)).toThrow("GatePay limit: not a success");
  });

  it("refuses a signed answer, which its canned server never sends", () => {
    const text = '{"status":"SUCCESS","code":"000000","data":{}}';
    expect(() => limit.accept(text, (name) => (name === "x-gatepay-signature" ? "00" : null))).toThrow(
      "GatePay limit: signed answers not expected",
    );
  });
});

describe("the bench's DaxPay protocol", () => {
  const secret = "daxpay-test-secret";
  const limit = daxPayLimit({ secret, orderNo: "1753370980523384832" });
  const answer = (data: Record<string, unknown>): string => JSON.stringify({ code: 0, msg: "success", data });
  const dataSign = "a05f7896e32319aa60047fa7d722951f5ef5ddc81a9a02fcf54a8f9a290f6871";

  it("puts nonceStr, reqTime in seconds and the HMAC-SHA256 sign of the sorted fields in the body", () => {
    const request = daxPayCancelRequest(
      { secret, key: Buffer.from(secret, "utf8") },
      "1753370980523384832",
      now + 999,
      nonce,
    );
    expect(request.path).toBe("/unipay/cancel");
    expect(request.headers).toEqual({ "content-type": "application/json" });
    expect(request.body).toBe(
      '{"orderNo":"1753370980523384832","nonceStr":"abc123XYZ","reqTime":1700000000,' +
        '"sign":"e4bbd36b6f6d682f35d150ddb8ce3067a4feae02ccea01ed7f5c298b135d6600"}',
    );
  });

  it("accepts an answer whose data.sign matches its data", () => {
    expect(limit.accept(answer({ code: 0, resTime: 1700000001, sign: dataSign }), noHeaders)).toEqual({
      code: 0,
      resTime: 1700000001,
      sign: dataSign,
    });
  });

  it("builds the canned success answer with resTime in seconds and the data.sign openssl gives", () => {
    const canned = daxPayCancelAnswer({ secret, key: Buffer.from(secret, "utf8") }, 1700000001);
    expect(canned.body).toBe(
      `{"code":0,"msg":"success","data":{"code":0,"resTime":1700000001,"sign":"${dataSign}"},` +
        '"traceId":"bench-trace-0001"}',
    );
    expect(limit.accept(canned.body, noHeaders)).toEqual({ code: 0, resTime: 1700000001, sign: dataSign });
  });

  it("refuses an answer whose data was changed after signing", () => {
    expect(() => limit.accept(answer({ code: 0, resTime: 1700000002, sign: dataSign }), noHeaders)).toThrow(
      "DaxPay limit: bad data.sign",
    );
  });

  it("refuses an answer without data", () => {
    expect(() => limit.accept('{"code":0,"msg":"success","data":null}', noHeaders)).toThrow(
      "DaxPay limit: not handled",
    );
  });
});

describe("the bench's PayerMax protocol", () => {
  const merchant = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const platform = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const input = { requestId: "R1", outTradeNo: "P1" };
  const limit = payerMaxLimit({
    appId: "app",
    merchantNo: "SDP1",
    privateKey: merchant.privateKey,
    platformPublicKey: platform.publicKey,
    ...input,
  });
  const body = '{"code":"APPLY_SUCCESS","msg":"Success.","data":{"status":"SUCCESS"}}';
  const signed = payerMaxSign(platform.privateKey, body);

  it("sends the 1.5 envelope with a sign header that verifies over the exact body bytes", () => {
    const request = payerMaxCancelRequest(
      { appId: "app", merchantNo: "SDP1", privateKey: merchant.privateKey },
      input,
      now,
    );
    expect(request.body).toBe(
      '{"version":"1.5","keyVersion":"1","requestTime":"2023-11-14T22:13:20.000Z","appId":"app",' +
        '"merchantNo":"SDP1","data":{"requestId":"R1","outTradeNo":"P1"}}',
    );
    const signature = Buffer.from(request.headers.sign ?? "", "base64");
    expect(verify("sha256", Buffer.from(request.body, "utf8"), merchant.publicKey, signature)).toBe(true);
  });

  it("accepts an answer signed with the platform key and returns its data", () => {
    expect(limit.accept(body, (name) => (name === "sign" ? signed : null))).toEqual({ status: "SUCCESS" });
  });

  it("refuses an answer whose body was changed after signing", () => {
    const tampered = body.replace('SUCCESS"}', 'FAILED"}');
    expect(() => limit.accept(tampered, (name) => (name === "sign" ? signed : null))).toThrow(
      "PayerMax limit: bad sign header",
    );
  });

  it("refuses an answer without a sign header", () => {
    expect(() => limit.accept(body, noHeaders)).toThrow("PayerMax limit: bad sign header");
  });
});
