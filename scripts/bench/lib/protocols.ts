// The physical limit of a correct client, per provider: build the request bytes, do the crypto the
// protocol demands inline with keys parsed once (the request signature; the response verification where
// the provider signs), and nothing else. Deliberately written against node:crypto directly, not our
// sign.ts, so the baseline cannot inherit a cost from the code under test. The sandbox load generator
// uses the same builders.
import {
  constants,
  createHmac,
  type KeyObject,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
} from "node:crypto";

/** The bytes of one request, exactly as they go on the wire. */
export interface WireRequest {
  readonly method: "POST";
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Reads one response header by (case-insensitive) name. */
export type HeaderGetter = (name: string) => string | null;

/** One provider operation as the limit sees it. */
export interface LimitProtocol {
  /** Builds and signs the request for this clock reading and nonce. */
  request(nowMs: number, nonce: string): WireRequest;
  /** Verifies (where the provider signs) and parses the answer; throws when it is not a valid success. */
  accept(text: string, header: HeaderGetter): unknown;
}

/** A fresh nonce, 32 characters of [0-9a-f]: valid for GatePay ([A-Za-z0-9]{1,32}) and DaxPay (≤ 32). */
export function limitNonce(): string {
  return randomBytes(16).toString("hex");
}

const PKCS1 = constants.RSA_PKCS1_PADDING;

function hexEquals(expected: string, received: unknown): boolean {
  if (typeof received !== "string") return false;
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(received, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GatePay credentials with the key bytes prepared once. */
export interface GatePayKeys {
  readonly clientId: string;
  readonly key: Buffer;
}

/** A signed GatePay close-order request: four headers, HMAC-SHA512 over `ts\nnonce\nbody\n`. */
export function gatePayCloseRequest(
  keys: GatePayKeys,
  merchantTradeNo: string,
  nowMs: number,
  nonce: string,
): WireRequest {
  const body = JSON.stringify({ merchantTradeNo });
  const timestamp = String(nowMs);
  const signature = createHmac("sha512", keys.key).update(`${timestamp}\n${nonce}\n${body}\n`).digest("hex");
  return {
    method: "POST",
    path: "/v1/pay/order/close",
    headers: {
      "content-type": "application/json",
      "x-gatepay-certificate-clientid": keys.clientId,
      "x-gatepay-timestamp": timestamp,
      "x-gatepay-nonce": nonce,
      "x-gatepay-signature": signature,
    },
    body,
  };
}

/** GatePay close order; answers are unsigned by default, so there is nothing to verify. */
export function gatePayLimit(options: {
  readonly clientId: string;
  readonly secret: string;
  readonly merchantTradeNo: string;
}): LimitProtocol {
  const keys: GatePayKeys = { clientId: options.clientId, key: Buffer.from(options.secret, "utf8") };
  return {
    request: (nowMs, nonce) => gatePayCloseRequest(keys, options.merchantTradeNo, nowMs, nonce),
    accept(text, header) {
      // "if-present": an answer that carries a signature must be verified; the canned one carries none.
      if (header("x-gatepay-signature") !== null)
        throw new Error("GatePay limit: signed answers not expected");
      const json = JSON.parse(text) as { status?: unknown; code?: unknown; data?: unknown };
      if (json.status !== "SUCCESS" || json.code !== "000000")
        throw new Error("GatePay limit: not a success");
      return json.data;
    },
  };
}

/** The DaxPay 2.x sign string of an object's scalar fields (minus `sign`, nulls skipped), keyed. */
function daxPayString(fields: Record<string, unknown>, secret: string): string {
  const parts: string[] = [];
  for (const name of Object.keys(fields).sort()) {
    const value = fields[name];
    if (name === "sign" || value === null || value === undefined) continue;
    parts.push(`${name}=${String(value)}`);
  }
  return `${parts.join("&").replace(/["\\]/g, "")}&key=${secret}`;
}

/** DaxPay credentials with the key bytes prepared once. */
export interface DaxPayKeys {
  readonly secret: string;
  readonly key: Buffer;
}

/** A signed DaxPay cancel request: reqTime (seconds), nonceStr and sign (HMAC-SHA256) in the body. */
export function daxPayCancelRequest(
  keys: DaxPayKeys,
  orderNo: string,
  nowMs: number,
  nonce: string,
): WireRequest {
  const reqTime = Math.floor(nowMs / 1000);
  // The known fields in code-unit order, so the sign string needs no sort.
  const signature = createHmac("sha256", keys.key)
    .update(`nonceStr=${nonce}&orderNo=${orderNo}&reqTime=${reqTime}&key=${keys.secret}`)
    .digest("hex");
  // The key order our client sends (the bytes must match; DaxPay signs sorted fields, not the body).
  const body = JSON.stringify({ orderNo, nonceStr: nonce, reqTime, sign: signature });
  return { method: "POST", path: "/unipay/cancel", headers: { "content-type": "application/json" }, body };
}

/** DaxPay cancel; verifies the answer's `data.sign` (HMAC-SHA256 over `data` minus `sign`). */
export function daxPayLimit(options: { readonly secret: string; readonly orderNo: string }): LimitProtocol {
  const keys: DaxPayKeys = { secret: options.secret, key: Buffer.from(options.secret, "utf8") };
  return {
    request: (nowMs, nonce) => daxPayCancelRequest(keys, options.orderNo, nowMs, nonce),
    accept(text) {
      const json = JSON.parse(text) as { code?: unknown; data?: Record<string, unknown> | null };
      const data = json.data;
      if (json.code !== 0 || typeof data !== "object" || data === null)
        throw new Error("DaxPay limit: not handled");
      const expected = createHmac("sha256", keys.key).update(daxPayString(data, keys.secret)).digest("hex");
      if (!hexEquals(expected, data.sign)) throw new Error("DaxPay limit: bad data.sign");
      if (data.code !== 0) throw new Error("DaxPay limit: not cancelled");
      return data;
    },
  };
}

/** `yyyy-MM-dd'T'HH:mm:ss.SSSZ` in UTC, one of the forms PayerMax accepts. */
export function payerMaxRequestTime(nowMs: number): string {
  return new Date(nowMs).toISOString();
}

/** PayerMax merchant credentials with the private key parsed once. */
export interface PayerMaxKeys {
  readonly appId: string;
  readonly merchantNo: string;
  readonly privateKey: KeyObject;
}

/** A signed PayerMax cancel request: the 1.5 envelope, `sign` header = Base64 RSA-SHA256 over the body. */
export function payerMaxCancelRequest(
  keys: PayerMaxKeys,
  input: { readonly requestId: string; readonly outTradeNo: string },
  nowMs: number,
): WireRequest {
  const body = JSON.stringify({
    version: "1.5",
    keyVersion: "1",
    requestTime: payerMaxRequestTime(nowMs),
    appId: keys.appId,
    merchantNo: keys.merchantNo,
    data: { requestId: input.requestId, outTradeNo: input.outTradeNo },
  });
  const signature = sign("sha256", Buffer.from(body, "utf8"), { key: keys.privateKey, padding: PKCS1 });
  return {
    method: "POST",
    path: "/aggregate-pay/api/gateway/cancel",
    headers: { "content-type": "application/json", sign: signature.toString("base64") },
    body,
  };
}

/** PayerMax cancel; verifies the answer's `sign` header over the raw text with the platform key. */
export function payerMaxLimit(
  options: PayerMaxKeys & {
    readonly platformPublicKey: KeyObject;
    readonly requestId: string;
    readonly outTradeNo: string;
  },
): LimitProtocol {
  return {
    request: (nowMs) => payerMaxCancelRequest(options, options, nowMs),
    accept(text, header) {
      const received = header("sign");
      const ok =
        received !== null &&
        verify(
          "sha256",
          Buffer.from(text, "utf8"),
          { key: options.platformPublicKey, padding: PKCS1 },
          Buffer.from(received, "base64"),
        );
      if (!ok) throw new Error("PayerMax limit: bad sign header");
      const json = JSON.parse(text) as { code?: unknown; data?: unknown };
      if (json.code !== "APPLY_SUCCESS") throw new Error("PayerMax limit: not accepted");
      return json.data;
    },
  };
}
