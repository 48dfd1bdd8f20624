// The guided tour behind `npm start`: every operation of every provider through the real clients,
// against a local sandbox, the success paths and at least one rejection per provider, then the
// callbacks the sandbox sends, verified by createNotificationHandler.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import {
  cancelOrder,
  createDaxPayClient,
  createGatePayClient,
  createNotificationHandler,
  createPayerMaxClient,
  type NotificationEvent,
  PayClientError,
  ProviderRejectedError,
  toNodeHandler,
} from "../src/index.js";
import type { Sandbox } from "../src/sandbox/index.js";

/** One line of the tour's table. */
export interface TourRow {
  provider: "gatepay" | "daxpay" | "payermax";
  /** The client method called, by its name; `notification` for a callback verified by createNotificationHandler. */
  operation: string;
  scenario: string;
  /** What happened, in a few words (the provider's code for a rejection). */
  outcome: string;
  /** What the tour expected; a row whose outcome differs makes the tour fail. */
  expected: string;
  latencyMs: number;
}

/** Runs a call, timing it, and describes its result or its PayClientError as an outcome. */
async function step(
  row: Omit<TourRow, "outcome" | "latencyMs">,
  call: () => Promise<string>,
): Promise<TourRow> {
  const started = performance.now();
  let outcome: string;
  try {
    outcome = await call();
  } catch (error) {
    if (error instanceof ProviderRejectedError) outcome = `rejected ${error.providerCode}`;
    else if (error instanceof PayClientError) outcome = `error ${error.type}`;
    else throw error;
  }
  return { ...row, outcome, latencyMs: performance.now() - started };
}

/** Tours every operation against `sandbox` and returns one row per call. */
export async function runTour(
  sandbox: Sandbox,
  transport: { fetch?: typeof fetch } = {},
): Promise<TourRow[]> {
  const { url, credentials, seed } = sandbox;
  const gatepay = createGatePayClient({ ...credentials.gatepay, baseUrl: url, ...transport });
  const daxpay = createDaxPayClient({ ...credentials.daxpay, baseUrl: url, ...transport });
  const payermax = createPayerMaxClient({ ...credentials.payermax, baseUrl: url, ...transport });
  const rows: TourRow[] = [];

  seed.gatepayPrepayOrder({ merchantTradeNo: "TOUR-CLOSE-1" });
  seed.gatepayPrepayOrder({ merchantTradeNo: "TOUR-CLOSE-PAID", status: "PAID" });
  rows.push(
    await step(
      {
        provider: "gatepay",
        operation: "closeOrder",
        scenario: "close an unpaid prepay order",
        expected: "closed",
      },
      async () => {
        const result = await gatepay.closeOrder({ merchantTradeNo: "TOUR-CLOSE-1" });
        return result.data?.result === "SUCCESS" ? "closed" : `closed (${String(result.data?.result)})`;
      },
    ),
    await step(
      {
        provider: "gatepay",
        operation: "closeOrder",
        scenario: "close it again",
        expected: "rejected 400204",
      },
      async () => {
        await gatepay.closeOrder({ merchantTradeNo: "TOUR-CLOSE-1" });
        return "closed";
      },
    ),
    await step(
      {
        provider: "gatepay",
        operation: "closeOrder",
        scenario: "close a paid order",
        expected: "rejected 400204",
      },
      async () => {
        await gatepay.closeOrder({ merchantTradeNo: "TOUR-CLOSE-PAID" });
        return "closed";
      },
    ),
  );

  const { quoteToken, currency, amount, fiatCurrency, fiatAmount } = sandbox.mintQuote();
  const recharge = { quoteToken, bankId: "ba_123456789", currency, amount, fiatCurrency, fiatAmount };
  let orderId = "";
  rows.push(
    await step(
      {
        provider: "gatepay",
        operation: "createRecharge",
        scenario: "create a deposit with a fresh quote",
        expected: "created",
      },
      async () => {
        const { data } = await gatepay.createRecharge(recharge);
        orderId = data.orderId ?? "";
        return orderId === "" ? "created without orderId" : "created";
      },
    ),
    await step(
      {
        provider: "gatepay",
        operation: "createRecharge",
        scenario: "reuse the spent quote",
        expected: "rejected 400001",
      },
      async () => {
        await gatepay.createRecharge(recharge);
        return "created";
      },
    ),
    await step(
      {
        provider: "gatepay",
        operation: "cancelRecharge",
        scenario: "cancel the unpaid deposit",
        expected: "cancelled",
      },
      async () => {
        const { data } = await gatepay.cancelRecharge({ orderId });
        return data?.success === true ? "cancelled" : "not cancelled";
      },
    ),
  );
  const paid = seed.gatepayRecharge({ status: "PAID" });
  rows.push(
    await step(
      {
        provider: "gatepay",
        operation: "cancelRecharge",
        scenario: "cancel a paid deposit",
        expected: "rejected 400204",
      },
      async () => {
        await gatepay.cancelRecharge({ orderId: paid.orderId });
        return "cancelled";
      },
    ),
  );

  seed.daxpayOrder({ orderNo: "TOURDAX0001", bizOrderNo: "TOUR-BIZ-1" });
  seed.daxpayOrder({ orderNo: "TOURDAX0002", status: "success" });
  rows.push(
    await step(
      {
        provider: "daxpay",
        operation: "cancel",
        scenario: "cancel an unpaid order by bizOrderNo",
        expected: "cancelled",
      },
      async () => {
        const result = await daxpay.cancel({ bizOrderNo: "TOUR-BIZ-1", clientIp: "127.0.0.1" });
        return result.status;
      },
    ),
    await step(
      { provider: "daxpay", operation: "cancel", scenario: "cancel a paid order", expected: "rejected 1" },
      async () => {
        const result = await daxpay.cancel({ orderNo: "TOURDAX0002" });
        return result.status;
      },
    ),
    await step(
      {
        provider: "daxpay",
        operation: "cancel",
        scenario: "cancel an order that does not exist",
        // DaxPay 2.0.8 refuses an unknown order as it refuses a paid one: signed data.code 1, told
        // apart only by data.msg (支付订单不存在, "payment order does not exist").
        expected: "rejected 1",
      },
      async () => {
        const result = await daxpay.cancel({ orderNo: "TOURDAX9999" });
        return result.status;
      },
    ),
  );

  seed.payermaxOrder({ outTradeNo: "TOUR_PMX_1" });
  seed.payermaxOrder({ outTradeNo: "TOUR_PMX_2", status: "CAPTURED" });
  rows.push(
    await step(
      {
        provider: "payermax",
        operation: "cancel",
        scenario: "cancel an authorised order",
        expected: "PENDING",
      },
      async () => {
        return (await payermax.cancel({ requestId: "TOUR-REQ-1", outTradeNo: "TOUR_PMX_1" })).status;
      },
    ),
    await step(
      {
        provider: "payermax",
        operation: "cancel",
        scenario: "ask again with the same requestId",
        expected: "SUCCESS",
      },
      async () => {
        return (await payermax.cancel({ requestId: "TOUR-REQ-1", outTradeNo: "TOUR_PMX_1" })).status;
      },
    ),
    await step(
      { provider: "payermax", operation: "cancel", scenario: "cancel a captured order", expected: "FAILED" },
      async () => {
        return (await payermax.cancel({ requestId: "TOUR-REQ-2", outTradeNo: "TOUR_PMX_2" })).status;
      },
    ),
    await step(
      {
        provider: "payermax",
        operation: "cancel",
        scenario: "cancel an unknown order",
        expected: "rejected PARAMS_INVALID",
      },
      async () => {
        return (await payermax.cancel({ requestId: "TOUR-REQ-3", outTradeNo: "TOUR_PMX_404" })).status;
      },
    ),
  );

  seed.gatepayPrepayOrder({ merchantTradeNo: "TOUR-ANY-1" });
  const deposit = seed.gatepayRecharge();
  seed.daxpayOrder({ orderNo: "TOURDAX0003" });
  seed.payermaxOrder({ outTradeNo: "TOUR_PMX_3" });
  const clients = { gatepay, daxpay, payermax };
  rows.push(
    await step(
      {
        provider: "gatepay",
        operation: "cancelOrder",
        scenario: "cross-provider cancel",
        expected: "cancelled",
      },
      async () => {
        return (await cancelOrder(clients, { provider: "gatepay", merchantTradeNo: "TOUR-ANY-1" })).outcome;
      },
    ),
    await step(
      {
        provider: "gatepay",
        operation: "cancelOrder",
        scenario: "cross-provider cancel of an OTC deposit",
        expected: "cancelled",
      },
      async () => (await cancelOrder(clients, { provider: "gatepay", orderId: deposit.orderId })).outcome,
    ),
    await step(
      {
        provider: "daxpay",
        operation: "cancelOrder",
        scenario: "cross-provider cancel",
        expected: "cancelled",
      },
      async () => {
        return (await cancelOrder(clients, { provider: "daxpay", orderNo: "TOURDAX0003" })).outcome;
      },
    ),
    await step(
      {
        provider: "payermax",
        operation: "cancelOrder",
        scenario: "cross-provider cancel",
        expected: "pending",
      },
      async () => {
        return (
          await cancelOrder(clients, {
            provider: "payermax",
            requestId: "TOUR-REQ-4",
            outTradeNo: "TOUR_PMX_3",
          })
        ).outcome;
      },
    ),
  );
  rows.push(...(await tourNotifications(sandbox)));
  return rows;
}

/**
 * A merchant endpoint on a free local port that verifies the sandbox's notifications with
 * createNotificationHandler; `next` resolves with the first verified notification that matches.
 */
async function startMerchantEndpoint(sandbox: Sandbox) {
  const { credentials } = sandbox;
  const events: NotificationEvent[] = [];
  const waiters: Array<() => void> = [];
  const handler = createNotificationHandler({
    gatepay: { secret: credentials.gatepay.secret },
    payermax: { platformPublicKey: credentials.payermax.platformPublicKey },
    daxpay: { secret: credentials.daxpay.secret, signType: credentials.daxpay.signType },
    onNotification(event) {
      events.push(event);
      for (const wake of waiters.splice(0)) wake();
    },
  });
  const node = toNodeHandler(handler);
  const server = createServer((request, response) => void node(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    async next(matches: (event: NotificationEvent) => boolean, timeoutMs = 5000): Promise<NotificationEvent> {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const found = events.find(matches);
        if (found !== undefined) return found;
        if (performance.now() > deadline) throw new Error("no matching notification arrived");
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The callbacks: a PayerMax cancel answered PENDING settles by a verified notification; a GatePay close is notified. */
async function tourNotifications(sandbox: Sandbox): Promise<TourRow[]> {
  const { url, credentials, seed } = sandbox;
  const gatepay = createGatePayClient({ ...credentials.gatepay, baseUrl: url });
  const payermax = createPayerMaxClient({ ...credentials.payermax, baseUrl: url });
  const merchant = await startMerchantEndpoint(sandbox);
  sandbox.setNotifyUrl(merchant.url);
  try {
    seed.payermaxOrder({ outTradeNo: "TOUR_PMX_N1" });
    seed.gatepayPrepayOrder({ merchantTradeNo: "TOUR-CLOSE-N1" });
    return [
      await step(
        {
          provider: "payermax",
          operation: "cancel",
          scenario: "cancel, to be settled by a notification",
          expected: "PENDING",
        },
        async () => (await payermax.cancel({ requestId: "TOUR-REQ-N1", outTradeNo: "TOUR_PMX_N1" })).status,
      ),
      await step(
        {
          provider: "payermax",
          operation: "notification",
          scenario: "the PENDING cancel settles (verified)",
          expected: "CANCEL SUCCESS",
        },
        async () => {
          const event = await merchant.next(
            (candidate) => candidate.provider === "payermax" && candidate.notification.kind === "cancel",
          );
          return event.provider === "payermax" && event.notification.kind === "cancel"
            ? `CANCEL ${event.notification.data.status}`
            : "unexpected";
        },
      ),
      await step(
        {
          provider: "gatepay",
          operation: "closeOrder",
          scenario: "close, then expect a notification",
          expected: "closed",
        },
        async () => {
          await gatepay.closeOrder({ merchantTradeNo: "TOUR-CLOSE-N1" });
          return "closed";
        },
      ),
      await step(
        {
          provider: "gatepay",
          operation: "notification",
          scenario: "the close is notified (verified)",
          expected: "PAY_CLOSE",
        },
        async () => {
          const event = await merchant.next(
            (candidate) => candidate.provider === "gatepay" && candidate.notification.kind === "payOrder",
          );
          return event.provider === "gatepay" ? String(event.notification.bizStatus) : "unexpected";
        },
      ),
    ];
  } finally {
    sandbox.setNotifyUrl(null);
    await sandbox.notificationsSettled();
    await merchant.close();
  }
}

/** Renders the rows as an aligned text table, marking any row whose outcome was not the expected one. */
export function formatTourTable(rows: readonly TourRow[]): string {
  const header = ["provider", "operation", "scenario", "outcome", "latency"];
  const body = rows.map((row) => [
    row.provider,
    row.operation,
    row.scenario,
    row.outcome === row.expected ? row.outcome : `${row.outcome}  ✗ expected ${row.expected}`,
    `${row.latencyMs.toFixed(1)} ms`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => cells[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === 4 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ");
  return [line(header), widths.map((width) => "─".repeat(width)).join("  "), ...body.map(line)].join("\n");
}
