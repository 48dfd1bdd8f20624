// Entry point for apps that use PayerMax only (`payclients/payermax`): the client, the pure signing
// functions, the notification verifier, key parsing, and the shared errors and types.

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
  PAYERMAX_NOTIFICATION_ACKNOWLEDGEMENT,
  PAYERMAX_NOTIFICATION_TOLERANCE_MS,
  type PayerMaxCancelNotification,
  type PayerMaxNotification,
  type PayerMaxNotificationOptions,
  type PayerMaxOtherNotification,
  type PayerMaxPaymentNotification,
  verifyPayerMaxNotification,
} from "./notification.js";
export {
  parsePayerMaxPrivateKey,
  parsePayerMaxPublicKey,
  signPayerMax,
  verifyPayerMaxSignature,
} from "./sign.js";
