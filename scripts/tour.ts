// The guided tour behind `npm start`: every operation of every provider through the real clients,
// against a local sandbox, the success paths and at least one rejection per provider.
import { performance } from "node:perf_hooks";
import {
  cancelOrder,
  createDaxPayClient,
  createGatePayClient,
  createPayerMaxClient,
  PayClientError,
  ProviderRejectedError,
} from "../src/index.js";
import type { Sandbox } from "../src/sandbox/index.js";

/** One line of the tour's table. */
export interface TourRow {
  provider: "gatepay" | "daxpay" | "payermax";
  /** The client method called, by its name. */
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
export async function runTour(sandbox: Sandbox): Promise<TourRow[]> {
  const { url, credentials, seed } = sandbox;
  const gatepay = createGatePayClient({ ...credentials.gatepay, baseUrl: url });
  const daxpay = createDaxPayClient({ ...credentials.daxpay, baseUrl: url });
  const payermax = createPayerMaxClient({ ...credentials.payermax, baseUrl: url });
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

  seed.payermaxOrder({ outTradeNo: "TOUR-PMX-1" });
  seed.payermaxOrder({ outTradeNo: "TOUR-PMX-2", status: "CAPTURED" });
  rows.push(
    await step(
      {
        provider: "payermax",
        operation: "cancel",
        scenario: "cancel an authorised order",
        expected: "PENDING",
      },
      async () => {
        return (await payermax.cancel({ requestId: "TOUR-REQ-1", outTradeNo: "TOUR-PMX-1" })).status;
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
        return (await payermax.cancel({ requestId: "TOUR-REQ-1", outTradeNo: "TOUR-PMX-1" })).status;
      },
    ),
    await step(
      { provider: "payermax", operation: "cancel", scenario: "cancel a captured order", expected: "FAILED" },
      async () => {
        return (await payermax.cancel({ requestId: "TOUR-REQ-2", outTradeNo: "TOUR-PMX-2" })).status;
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
        return (await payermax.cancel({ requestId: "TOUR-REQ-3", outTradeNo: "TOUR-PMX-404" })).status;
      },
    ),
  );

  seed.gatepayPrepayOrder({ merchantTradeNo: "TOUR-ANY-1" });
  const deposit = seed.gatepayRecharge();
  seed.daxpayOrder({ orderNo: "TOURDAX0003" });
  seed.payermaxOrder({ outTradeNo: "TOUR-PMX-3" });
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
            outTradeNo: "TOUR-PMX-3",
          })
        ).outcome;
      },
    ),
  );
  return rows;
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
