// TEST MATERIAL, never real: the credentials the consumer tests give the clients, and the provider
// verification gives the sandbox (startSandbox's `credentials` option), so that the ids pinned in the
// pacts (client id, merchant id, appId, merchantNo) are the sandbox's too. Signatures are still made
// afresh by the verification's request filter: the pacts only pin their format.
import { createPublicKey } from "node:crypto";
import type { SandboxCredentialsInput } from "../../src/sandbox/index.js";
import { CONTRACT_MERCHANT_PRIVATE_KEY, CONTRACT_PLATFORM_PRIVATE_KEY } from "./test-keys.js";

/** GatePay: the Payment API client id, secret, and the merchant id the OTC calls send. */
export const GATEPAY = {
  clientId: "contract-client-id",
  secret: "contract-gatepay-secret",
  merchantId: 10002,
} as const;

/** DaxPay: the platform's sign secret (HMAC_SHA256, the default sign type). */
export const DAXPAY = { secret: "contract-daxpay-secret", signType: "HMAC_SHA256" } as const;

/** PayerMax: app, merchant and the two key pairs (merchant signs requests, platform signs answers). */
export const PAYERMAX = {
  appId: "0c0a7ac7c0a7ac7c0a7ac7c0a7ac7c0a",
  merchantNo: "P01010000000001",
  privateKey: CONTRACT_MERCHANT_PRIVATE_KEY,
  platformPrivateKey: CONTRACT_PLATFORM_PRIVATE_KEY,
  platformPublicKey: createPublicKey(CONTRACT_PLATFORM_PRIVATE_KEY)
    .export({ type: "spki", format: "pem" })
    .toString(),
} as const;

/** The same credentials as the sandbox takes them. */
export const SANDBOX_CREDENTIALS: SandboxCredentialsInput = {
  gatepay: GATEPAY,
  daxpay: { secret: DAXPAY.secret },
  payermax: {
    appId: PAYERMAX.appId,
    merchantNo: PAYERMAX.merchantNo,
    privateKey: PAYERMAX.privateKey,
    platformPrivateKey: PAYERMAX.platformPrivateKey,
  },
};
