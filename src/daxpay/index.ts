// Entry point for apps that use DaxPay only (`payclients/daxpay`): the client, the pure signing
// functions, the notification verifier, and the shared errors and types.

export * from "../core/public.js";
export {
  createDaxPayClient,
  type DaxPayCancelData,
  type DaxPayCancelRequest,
  type DaxPayCancelResponse,
  type DaxPayCancelResult,
  type DaxPayClient,
  type DaxPayClientOptions,
} from "./client.js";
export {
  DAXPAY_NOTIFICATION_ACKNOWLEDGEMENT,
  DAXPAY_NOTIFICATION_TOLERANCE_MS,
  type DaxPayNotificationOptions,
  type DaxPayPayNotice,
  verifyDaxPayNotification,
} from "./notification.js";
export { type DaxPaySignType, daxPaySignString, signDaxPay, verifyDaxPaySignature } from "./sign.js";
