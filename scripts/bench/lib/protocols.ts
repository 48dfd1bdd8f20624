// Each provider's protocol as the bench's baseline sees it: build the request bytes, do the crypto the
// protocol demands inline with keys parsed once (the request signature; the response verification where
// the provider signs), and nothing else. Deliberately written against node:crypto directly, never
// importing src/, so neither the limit nor the peers (lib/contenders.ts) can inherit a cost from the
// code under test. The sandbox load generator uses the same builders.
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

/** GatePay's four signing headers for `body`: HMAC-SHA512 over `ts\nnonce\nbody\n`, hex. */
export function gatePaySignedHeaders(
  keys: GatePayKeys,
  body: string,
  nowMs: number,
  nonce: string,
): Record<string, string> {
  const timestamp = String(nowMs);
  const signature = createHmac("sha512", keys.key).update(`${timestamp}\n${nonce}\n${body}\n`).digest("hex");
  return {
    "x-gatepay-certificate-clientid": keys.clientId,
    "x-gatepay-timestamp": timestamp,
    "x-gatepay-nonce": nonce,
    "x-gatepay-signature": signature,
  };
}

/** A signed GatePay close-order request. */
export function gatePayCloseRequest(
  keys: GatePayKeys,
  merchantTradeNo: string,
  nowMs: number,
  nonce: string,
): WireRequest {
  const body = JSON.stringify({ merchantTradeNo });
  return {
    method: "POST",
    path: "/v1/pay/order/close",
    headers: { "content-type": "application/json", ...gatePaySignedHeaders(keys, body, nowMs, nonce) },
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

/** The signed DaxPay cancel body for a request time in seconds: nonceStr, reqTime and sign in the body. */
export function daxPaySignedCancelBody(
  keys: DaxPayKeys,
  orderNo: string,
  reqTime: number,
  nonce: string,
): string {
  // The known fields in code-unit order, so the sign string needs no sort.
  const signature = createHmac("sha256", keys.key)
    .update(`nonceStr=${nonce}&orderNo=${orderNo}&reqTime=${reqTime}&key=${keys.secret}`)
    .digest("hex");
  // The key order our client sends (the bytes must match; DaxPay signs sorted fields, not the body).
  return JSON.stringify({ orderNo, nonceStr: nonce, reqTime, sign: signature });
}

/** A signed DaxPay cancel request: reqTime (seconds), nonceStr and sign (HMAC-SHA256) in the body. */
export function daxPayCancelRequest(
  keys: DaxPayKeys,
  orderNo: string,
  nowMs: number,
  nonce: string,
): WireRequest {
  const body = daxPaySignedCancelBody(keys, orderNo, Math.floor(nowMs / 1000), nonce);
  return { method: "POST", path: "/unipay/cancel", headers: { "content-type": "application/json" }, body };
}

/** The HMAC-SHA256 `sign` DaxPay puts on an object (an answer's `data`), hex. */
export function daxPaySign(keys: DaxPayKeys, fields: Record<string, unknown>): string {
  return createHmac("sha256", keys.key).update(daxPayString(fields, keys.secret)).digest("hex");
}

/** DaxPay's success answer to a cancel: `data` = code 0 and `resTime` (seconds), signed with HMAC-SHA256. */
export function daxPayCancelAnswer(
  keys: DaxPayKeys,
  resTime: number,
): { status: number; headers: Record<string, string>; body: string } {
  const data = { code: 0, resTime };
  return {
    status: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      code: 0,
      msg: "success",
      data: { ...data, sign: daxPaySign(keys, data) },
      traceId: "bench-trace-0001",
    }),
  };
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
      if (!hexEquals(daxPaySign(keys, data), data.sign)) throw new Error("DaxPay limit: bad data.sign");
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

/** The PayerMax 1.5 cancel envelope, serialized in the order our client sends. */
export function payerMaxCancelBody(
  keys: Pick<PayerMaxKeys, "appId" | "merchantNo">,
  input: { readonly requestId: string; readonly outTradeNo: string },
  nowMs: number,
): string {
  return JSON.stringify({
    version: "1.5",
    keyVersion: "1",
    requestTime: payerMaxRequestTime(nowMs),
    appId: keys.appId,
    merchantNo: keys.merchantNo,
    data: { requestId: input.requestId, outTradeNo: input.outTradeNo },
  });
}

/** PayerMax's `sign` header for `body`: Base64 RSA-SHA256 (PKCS#1 v1.5) over its UTF-8 bytes. */
export function payerMaxSign(privateKey: KeyObject, body: string): string {
  return sign("sha256", Buffer.from(body, "utf8"), { key: privateKey, padding: PKCS1 }).toString("base64");
}

/** A signed PayerMax cancel request: the 1.5 envelope, `sign` header = Base64 RSA-SHA256 over the body. */
export function payerMaxCancelRequest(
  keys: PayerMaxKeys,
  input: { readonly requestId: string; readonly outTradeNo: string },
  nowMs: number,
): WireRequest {
  const body = payerMaxCancelBody(keys, input, nowMs);
  return {
    method: "POST",
    path: "/aggregate-pay/api/gateway/cancel",
    headers: { "content-type": "application/json", sign: payerMaxSign(keys.privateKey, body) },
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
