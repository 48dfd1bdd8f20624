// Fixtures for the notification handler's tests (not exported from any entry point): one signed
// notification per provider, made with test material, and a handler that accepts all three at NOW.
import { createMemoryReplayStore, type ReplayStore } from "./core/replay.js";
import { signDaxPay } from "./daxpay/sign.js";
import { signGatePay } from "./gatepay/sign.js";
import { createNotificationHandler, type NotificationEvent } from "./notifications.js";
import { signPayerMax } from "./payermax/sign.js";
import { TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from "./payermax/test-keys.js";

/** The tests' clock. */
export const NOW = Date.parse("2024-11-06T03:58:13.000Z");
export const GATEPAY_SECRET = "gatepay-handler-secret";
export const DAXPAY_SECRET = "daxpay-handler-secret";

/** A signed GatePay PAY_CLOSE notification. */
export function gatepayRequest(nonce = "abc123"): Request {
  const body = JSON.stringify({
    bizType: "PAY",
    bizId: "P1",
    bizStatus: "PAY_CLOSE",
    data: JSON.stringify({ merchantTradeNo: "M1" }),
  });
  const timestamp = String(NOW);
  return new Request("http://merchant.test/notify", {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "X-GatePay-Timestamp": timestamp,
      "X-GatePay-Nonce": nonce,
      "X-GatePay-Signature": signGatePay({ secret: GATEPAY_SECRET, timestamp, nonce, body }),
    },
  });
}

/** A signed PayerMax CANCEL SUCCESS notification. */
export function payermaxRequest(): Request {
  const body = JSON.stringify({
    code: "APPLY_SUCCESS",
    msg: "Success.",
    keyVersion: "1",
    appId: "app",
    notifyTime: "2024-11-06T03:58:13.000Z",
    notifyType: "CANCEL",
    data: { requestId: "R1", outTradeNo: "O1", status: "SUCCESS" },
  });
  return new Request("http://merchant.test/notify", {
    method: "POST",
    body,
    headers: { "content-type": "application/json", sign: signPayerMax(body, TEST_PRIVATE_KEY_PEM) },
  });
}

/** A signed DaxPay payment notice (status close), as text. */
export function daxpayBody(): string {
  const fields = { code: 0, resTime: NOW / 1000, orderNo: "D1", status: "close" };
  return JSON.stringify({ ...fields, sign: signDaxPay(fields, DAXPAY_SECRET) });
}

/** That notice as a request. */
export function daxpayRequest(): Request {
  return new Request("http://merchant.test/notify", {
    method: "POST",
    body: daxpayBody(),
    headers: { "content-type": "application/json" },
  });
}

/** A handler for all three providers at NOW, each with a fresh replay store. */
export function handlerWith(
  onNotification: (event: NotificationEvent) => void | Promise<void>,
  replayStore: ReplayStore = createMemoryReplayStore({ now: () => NOW }),
) {
  const common = { now: () => NOW, replayStore };
  return createNotificationHandler({
    gatepay: { secret: GATEPAY_SECRET, ...common },
    payermax: { platformPublicKey: TEST_PUBLIC_KEY_PEM, ...common },
    daxpay: { secret: DAXPAY_SECRET, ...common },
    onNotification,
  });
}

/** A response as status, content type and body text. */
export async function answer(response: Response) {
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
}
