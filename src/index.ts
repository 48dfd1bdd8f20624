// payclients: signed, typed clients for GatePay, DaxPay and PayerMax, one error family, and a
// cross-provider cancel. Public exports only; apps using one provider can import
// `payclients/gatepay`, `payclients/daxpay` or `payclients/payermax` instead, which load only it.

export {
  type CancelOrderClients,
  type CancelOrderResult,
  type CancelOrderTarget,
  type CancelOutcome,
  cancelOrder,
} from "./cancel.js";
export * from "./daxpay/index.js";
export * from "./gatepay/index.js";
export {
  createNotificationHandler,
  type NodeNotificationRequest,
  type NotificationEvent,
  type NotificationHandler,
  type NotificationHandlerOptions,
  toNodeHandler,
} from "./notifications.js";
export * from "./payermax/index.js";
