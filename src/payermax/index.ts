// Entry point for apps that use PayerMax only (`payclients/payermax`): the client, the pure signing
// functions (also for verifying notifications), key parsing, and the shared errors and types.

export * from "../core/public.js";
export {
  createPayerMaxClient,
  PAYERMAX_BASE_URLS,
  type PayerMaxCancelData,
  type PayerMaxCancelRequest,
  type PayerMaxCancelResponse,
  type PayerMaxCancelResult,
  type PayerMaxCancelStatus,
  type PayerMaxClient,
  type PayerMaxClientOptions,
} from "./client.js";
export {
  parsePayerMaxPrivateKey,
  parsePayerMaxPublicKey,
  signPayerMax,
  verifyPayerMaxSignature,
} from "./sign.js";
