// The credentials, order numbers and prebuilt answers every contender of the peers section shares, made
// once by the parent process and handed to each runtime's child as plain data (strings only), so the
// Node 20 and Node 24 runs sign with the same keys against the same canned server. The answers are
// signed here with the bench's own protocol code (./protocols.ts), never with src/.
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import type { CannedResponse, CannedRoute, FreshDaxPayAnswer } from "./canned-server.js";
import { payerMaxSign } from "./protocols.js";

/** The provider operations the peers section measures, one per provider. */
export const PEER_OPERATIONS = [
  { provider: "gatepay", operation: "closeOrder", path: "/v1/pay/order/close" },
  { provider: "daxpay", operation: "cancel", path: "/unipay/cancel" },
  { provider: "payermax", operation: "cancel", path: "/aggregate-pay/api/gateway/cancel" },
] as const;

export type PeerProvider = (typeof PEER_OPERATIONS)[number]["provider"];

export interface PeerFixture {
  readonly gatepay: { readonly clientId: string; readonly secret: string; readonly merchantTradeNo: string };
  readonly daxpay: { readonly secret: string; readonly orderNo: string };
  readonly payermax: {
    readonly appId: string;
    readonly merchantNo: string;
    /** The merchant's throwaway RSA-2048 key, PKCS#8 PEM, made for this run. */
    readonly privateKeyPem: string;
    /** The platform's throwaway public key, SPKI PEM, made for this run. */
    readonly platformPublicKeyPem: string;
    readonly requestId: string;
    readonly outTradeNo: string;
  };
  /** Each provider's success answer, signed where the provider signs (DaxPay's afresh each second). */
  readonly answers: {
    readonly gatepay: CannedResponse;
    readonly daxpay: FreshDaxPayAnswer;
    readonly payermax: CannedResponse;
  };
}

/** Fresh keys and the three success answers. */
export function makePeerFixture(): PeerFixture {
  const merchant = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const platform = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = {
    merchantPrivate: merchant.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    platformPrivate: platform.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    platformPublic: platform.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
  const daxSecret = "bench-daxpay-secret-0123456789abcdef";
  const payermax = {
    appId: "bench-app-id",
    merchantNo: "SDP01010114048086",
    privateKeyPem: pem.merchantPrivate,
    platformPublicKeyPem: pem.platformPublic,
    requestId: "R20241106001",
    outTradeNo: "P20241106001",
  };
  const json = { "content-type": "application/json" };
  // PayerMax answers carry a `sign` header over the raw body, made with the platform's key.
  const payermaxBody = JSON.stringify({
    code: "APPLY_SUCCESS",
    msg: "Success.",
    data: {
      cancelNo: "20241106235954ED7856775040587834005",
      requestId: payermax.requestId,
      outTradeNo: payermax.outTradeNo,
      status: "SUCCESS",
      createdTime: "2024-11-06T03:56:13.000Z",
      succeededTime: "2024-11-06T03:56:14.000Z",
      failedTime: null,
      errorCode: null,
      errorMsg: null,
    },
  });
  return {
    gatepay: {
      clientId: "bench-client-id",
      secret: "bench-gatepay-secret-0123456789abcdef",
      merchantTradeNo: "M20240001",
    },
    daxpay: { secret: daxSecret, orderNo: "1753370980523384832" },
    payermax,
    answers: {
      // GatePay signs answers only when the merchant turns it on; the default answer is unsigned.
      gatepay: {
        status: 200,
        headers: json,
        body: JSON.stringify({
          status: "SUCCESS",
          code: "000000",
          errorMessage: "",
          data: { result: "SUCCESS" },
        }),
      },
      // DaxPay answers carry `data.sign` over `data`, whose resTime clients hold to a window of seconds.
      daxpay: { freshDaxPay: { secret: daxSecret } },
      payermax: {
        status: 200,
        headers: { ...json, sign: payerMaxSign(createPrivateKey(pem.platformPrivate), payermaxBody) },
        body: payermaxBody,
      },
    },
  };
}

/** The canned server's routes: each operation's path to its provider's answer. */
export function peerRoutes(fixture: PeerFixture): Record<string, CannedRoute> {
  return Object.fromEntries(PEER_OPERATIONS.map((op) => [op.path, fixture.answers[op.provider]] as const));
}
