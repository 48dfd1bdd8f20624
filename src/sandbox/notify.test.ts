import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { createDaxPayClient } from "../daxpay/client.js";
import { createGatePayClient } from "../gatepay/client.js";
import { createNotificationHandler, type NotificationEvent, toNodeHandler } from "../notifications.js";
import { createPayerMaxClient } from "../payermax/client.js";
import { SandboxInputError } from "./input.js";
import { type Sandbox, type SandboxOptions, startSandbox } from "./server.js";
import { testCredentials } from "./test-support.js";

// One key pair for the file: generating one per sandbox would dominate the run time.
const credentials = testCredentials();

/** A sandbox with the file's credentials. */
function sandboxWith(options: SandboxOptions): Promise<Sandbox> {
  return startSandbox({ credentials, ...options });
}

interface Merchant {
  readonly url: string;
  readonly events: NotificationEvent[];
  /** How many of the next notifications onNotification fails (the handler then answers 500). */
  failNext: number;
  close(): Promise<void>;
}

/** A merchant endpoint verifying with the sandbox's credentials; `sandbox` is read lazily so it can start second. */
async function startMerchant(sandboxOf: () => Sandbox): Promise<Merchant> {
  const events: NotificationEvent[] = [];
  let handle: ReturnType<typeof toNodeHandler> | undefined;
  const merchant = { events, failNext: 0 } as Merchant;
  const server: Server = createServer((request, response) => {
    if (handle === undefined) {
      const { credentials } = sandboxOf();
      handle = toNodeHandler(
        createNotificationHandler({
          gatepay: { secret: credentials.gatepay.secret },
          payermax: { platformPublicKey: credentials.payermax.platformPublicKey },
          daxpay: { secret: credentials.daxpay.secret, signType: credentials.daxpay.signType },
          onNotification(event) {
            events.push(event);
            if (merchant.failNext > 0) {
              merchant.failNext -= 1;
              throw new Error("the merchant's database is down");
            }
          },
        }),
      );
    }
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(merchant, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

const FAST = { retryDelaysMs: [10, 10, 10], payermaxCancelSettleMs: 30 };

describe("the sandbox's notifications, verified by createNotificationHandler", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(): Promise<{ sandbox: Sandbox; merchant: Merchant }> {
    let sandbox: Sandbox | undefined;
    const merchant = await startMerchant(() => sandbox as Sandbox);
    sandbox = await sandboxWith({ notifyUrl: merchant.url, notifications: FAST });
    cleanups.push(merchant.close, sandbox.stop);
    return { sandbox, merchant };
  }

  it("delivers a GatePay close as a verified PAY_CLOSE, acknowledged on the first attempt", async () => {
    const { sandbox, merchant } = await setup();
    sandbox.seed.gatepayPrepayOrder({ prepayId: "PREPAY1", merchantTradeNo: "M-CLOSE-1" });
    const gatepay = createGatePayClient({ ...sandbox.credentials.gatepay, baseUrl: sandbox.url });
    await gatepay.closeOrder({ merchantTradeNo: "M-CLOSE-1" });
    await sandbox.notificationsSettled();
    expect(merchant.events).toMatchObject([
      {
        provider: "gatepay",
        notification: {
          kind: "payOrder",
          bizId: "PREPAY1",
          bizStatus: "PAY_CLOSE",
          data: { merchantTradeNo: "M-CLOSE-1" },
        },
      },
    ]);
    const [delivery] = sandbox.notifications();
    expect(delivery).toMatchObject({
      provider: "gatepay",
      event: "PAY_CLOSE",
      orderId: "PREPAY1",
      state: "acknowledged",
    });
    expect(delivery?.attempts.map(({ status, acknowledged }) => ({ status, acknowledged }))).toStrictEqual([
      { status: 200, acknowledged: true },
    ]);
  });

  it("retries a DaxPay cancel notice after the handler first answers 500, and the identical retry is accepted", async () => {
    const { sandbox, merchant } = await setup();
    merchant.failNext = 1;
    sandbox.seed.daxpayOrder({ orderNo: "DAX0001", bizOrderNo: "BIZ-1" });
    const daxpay = createDaxPayClient({ ...sandbox.credentials.daxpay, baseUrl: sandbox.url });
    await daxpay.cancel({ orderNo: "DAX0001" });
    await sandbox.notificationsSettled();
    const [delivery] = sandbox.notifications();
    expect(delivery).toMatchObject({ provider: "daxpay", event: "cancel", state: "acknowledged" });
    expect(delivery?.attempts.map(({ status, acknowledged }) => ({ status, acknowledged }))).toStrictEqual([
      { status: 500, acknowledged: false },
      { status: 200, acknowledged: true },
    ]);
    expect(merchant.events.map((event) => event.notification)).toMatchObject([
      { orderNo: "DAX0001", status: "cancel" },
      { orderNo: "DAX0001", status: "cancel" },
    ]);
  });

  it("settles a PayerMax cancel answered PENDING with a verified CANCEL SUCCESS notification after the delay", async () => {
    const { sandbox, merchant } = await setup();
    sandbox.seed.payermaxOrder({ outTradeNo: "PMX_1" });
    const payermax = createPayerMaxClient({ ...sandbox.credentials.payermax, baseUrl: sandbox.url });
    const answer = await payermax.cancel({ requestId: "REQ-1", outTradeNo: "PMX_1" });
    expect(answer.status).toBe("PENDING");
    expect(merchant.events).toStrictEqual([]);
    await sandbox.notificationsSettled();
    expect(merchant.events).toMatchObject([
      {
        provider: "payermax",
        notification: {
          kind: "cancel",
          data: { requestId: "REQ-1", outTradeNo: "PMX_1", status: "SUCCESS" },
        },
      },
    ]);
  });

  it("notifies payments set out of band: a paid OTC recharge and a captured PayerMax order", async () => {
    const { sandbox, merchant } = await setup();
    sandbox.seed.gatepayRecharge({ orderId: "71347515709194240" });
    sandbox.seed.payermaxOrder({ outTradeNo: "PMX_PAY" });
    sandbox.setStatus("gatepayRecharge", "71347515709194240", "PAID");
    sandbox.setStatus("payermaxOrder", "PMX_PAY", "CAPTURED");
    await sandbox.notificationsSettled();
    expect(sandbox.notifications().map(({ event, state }) => ({ event, state }))).toStrictEqual([
      { event: "RECHARGE_SUCCESS", state: "acknowledged" },
      { event: "PAYMENT:SUCCESS", state: "acknowledged" },
    ]);
    expect(merchant.events).toMatchObject([
      { provider: "gatepay", notification: { kind: "otcOrder", data: { orderId: "71347515709194240" } } },
      {
        provider: "payermax",
        notification: { kind: "payment", data: { outTradeNo: "PMX_PAY", status: "SUCCESS" } },
      },
    ]);
  });

  it("gives up after its retries when nobody acknowledges, recording each attempt", async () => {
    // A port that was just free: nothing listens there, so every attempt is refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const sandbox = await sandboxWith({
      notifyUrl: `http://127.0.0.1:${port}/closed`,
      notifications: { retryDelaysMs: [5, 5] },
    });
    cleanups.push(sandbox.stop);
    sandbox.seed.daxpayOrder({ orderNo: "DAXFAIL" });
    sandbox.setStatus("daxpayOrder", "DAXFAIL", "success");
    await sandbox.notificationsSettled();
    const [delivery] = sandbox.notifications();
    expect(delivery?.state).toBe("failed");
    expect(delivery?.attempts.map(({ status, error }) => ({ status, error }))).toStrictEqual([
      { status: null, error: "ECONNREFUSED" },
      { status: null, error: "ECONNREFUSED" },
      { status: null, error: "ECONNREFUSED" },
    ]);
  });

  it("times out each attempt at an endpoint that never answers, even with garbage collected meanwhile", async () => {
    // Node 20's AbortSignal.any()/timeout() stop aborting once the composed signal is collected; the
    // delivery used them and then waited for ever on a silent endpoint.
    v8.setFlagsFromString("--expose-gc");
    const collectGarbage = vm.runInNewContext("gc") as () => void;
    const silent = createServer((request) => request.resume());
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(async () => {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const sandbox = await sandboxWith({
      notifyUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/silent`,
      notifications: { retryDelaysMs: [5], timeoutMs: 100 },
    });
    cleanups.push(sandbox.stop);
    const collector = setInterval(collectGarbage, 20);
    cleanups.push(async () => clearInterval(collector));
    sandbox.seed.daxpayOrder({ orderNo: "DAXSILENT" });
    sandbox.setStatus("daxpayOrder", "DAXSILENT", "success");
    await sandbox.notificationsSettled();
    const [delivery] = sandbox.notifications();
    expect(delivery?.state).toBe("failed");
    expect(delivery?.attempts.map(({ status, error }) => ({ status, error }))).toStrictEqual([
      { status: null, error: "timeout" },
      { status: null, error: "timeout" },
    ]);
  });

  it("delivers only to loopback unless allowed, and the admin route sets the URL", async () => {
    await expect(sandboxWith({ notifyUrl: "http://example.com/notify" })).rejects.toThrow(
      new SandboxInputError(
        "notifyUrl",
        "must be a loopback address (127.0.0.0/8, ::1, localhost) unless notifications.allowNonLoopback is set",
      ),
    );
    const sandbox = await sandboxWith({ notifications: { allowNonLoopback: true } });
    cleanups.push(sandbox.stop);
    const authorization = `Bearer ${sandbox.adminToken}`;
    const set = await fetch(`${sandbox.url}/__sandbox/notify-url`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify({ notifyUrl: "http://example.com/notify" }),
    });
    expect(await set.json()).toStrictEqual({ notifyUrl: "http://example.com/notify" });
    const listed = await fetch(`${sandbox.url}/__sandbox/notifications`, { headers: { authorization } });
    expect(await listed.json()).toStrictEqual({ notifications: [] });
  });

  it("keeps every secret out of the delivery records and the events", async () => {
    const { sandbox, merchant } = await setup();
    sandbox.seed.daxpayOrder({ orderNo: "DAXSECRET" });
    sandbox.setStatus("daxpayOrder", "DAXSECRET", "close");
    sandbox.seed.gatepayPrepayOrder({ prepayId: "PREPAYS" });
    sandbox.setStatus("gatepayPrepayOrder", "PREPAYS", "PAID");
    await sandbox.notificationsSettled();
    const text = JSON.stringify([sandbox.notifications(), merchant.events]);
    const { gatepay, daxpay, payermax } = sandbox.credentials;
    for (const secret of [gatepay.secret, daxpay.secret, payermax.privateKey.slice(40, 100)]) {
      expect(text).not.toContain(secret);
    }
    expect(merchant.events).toHaveLength(2);
  });
});
