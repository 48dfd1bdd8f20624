// Entry point for apps that use GatePay only (`payclients/gatepay`): the client, the pure signing
// functions, the notification verifier, and the shared errors and types.

export * from "../core/public.js";
export {
  createGatePayClient,
  GATEPAY_BASE_URL,
  type GatePayCancelRechargeRequest,
  type GatePayCancelRechargeResponse,
  type GatePayCancelRechargeResult,
  type GatePayClient,
  type GatePayClientOptions,
  type GatePayCloseOrderRequest,
  type GatePayCloseOrderResponse,
  type GatePayCloseOrderResult,
  type GatePayCreateRechargeRequest,
  type GatePayCreateRechargeResponse,
  type GatePayCreateRechargeResult,
  type GatePayRecharge,
} from "./client.js";
export { GATEPAY_HEADERS, type GatePayResponseSignatures } from "./middleware.js";
export {
  GATEPAY_NOTIFICATION_ACKNOWLEDGEMENT,
  GATEPAY_NOTIFICATION_TOLERANCE_MS,
  type GatePayNotification,
  type GatePayNotificationOptions,
  type GatePayOtcOrderNotification,
  type GatePayOtherNotification,
  type GatePayPayOrderNotification,
  verifyGatePayNotification,
} from "./notification.js";
export {
  type GatePaySignedParts,
  type GatePaySignParams,
  type GatePayVerifyParams,
  gatePaySignString,
  signGatePay,
  verifyGatePaySignature,
} from "./sign.js";
