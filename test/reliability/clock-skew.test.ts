// Clock skew against the real sandbox: a client whose clock is off by more than a provider's window
// gets that provider's time rejection (GatePay 400003, DaxPay 10006 with one of its two reqTime
// messages, PayerMax REQ_TIME_OVER_TIME) as a ClockSkewError that, from the answer's Date header, states how far off the clock is.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelOrder } from "../../src/cancel.js";
import { ClockSkewError, ProviderRejectedError } from "../../src/core/errors.js";
import type { RequestEvent } from "../../src/core/hooks.js";
import {
  DAXPAY_MESSAGE,
  DAXPAY_VALIDATION_MESSAGE,
  DAXPAY_VALIDATION_PREFIX,
  daxPayValidationMessage,
} from "../../src/daxpay/codes.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { type ClientSet, createClients, rejectionOf } from "./support/clients.js";
import { reliabilityCredentials } from "./support/credentials.js";
import { startFaultServer } from "./support/fault-server.js";
import { writeFigures } from "./support/figures.js";
import { LeakWatch } from "./support/leaks.js";

const startedAt = performance.now();
const credentials = reliabilityCredentials();
const leaks = new LeakWatch(credentials.secretMaterial, credentials.publicMaterial);
const stopWatchingConsole = leaks.watchConsole();
let sandbox: Sandbox;
let skewedCalls = 0;

/** The Date header has one-second resolution, and the answer takes a few ms to arrive. */
const OFFSET_TOLERANCE_MS = 1_500;

beforeAll(async () => {
  sandbox = await startSandbox({ credentials: credentials.input });
});

afterAll(async () => {
  stopWatchingConsole();
  await sandbox.stop();
  writeFigures("clock-skew", { skewedCalls }, startedAt, leaks);
});

/** Clients whose clock reads `skewMs` ahead of the real one (negative: behind), with attempt events. */
function skewedClients(skewMs: number, events: RequestEvent[] = []): ClientSet {
  return createClients(sandbox.url, sandbox.credentials, {
    now: () => Date.now() + skewMs,
    onRequest: (event) => events.push(event),
  });
}

/** A call of one operation on a freshly seeded order (or quote), and the rejection it must get. */
interface SkewCase {
  readonly name: string;
  readonly provider: keyof ClientSet;
  readonly code: string;
  readonly status: number;
  /** The provider's exact message for a clock `skewMs` ahead of the real one (negative: behind). */
  message(skewMs: number): string;
  /** The English gloss the error message adds to it. */
  gloss(skewMs: number): string;
  /** Part of what the call resolves to when the clock is inside the window. */
  readonly accepted: Record<string, unknown>;
  call(clients: ClientSet): Promise<unknown>;
}

function cases(): SkewCase[] {
  return [
    {
      name: "gatepay closeOrder",
      provider: "gatepay",
      code: "400003",
      status: 200,
      message: () => "request timestamp timed out",
      gloss: () => "request timestamp outside GatePay's window",
      accepted: { alreadyClosed: false, data: { result: "SUCCESS" } },
      call: (clients) =>
        clients.gatepay.closeOrder({ merchantTradeNo: sandbox.seed.gatepayPrepayOrder().merchantTradeNo }),
    },
    {
      name: "gatepay createRecharge",
      provider: "gatepay",
      code: "400003",
      status: 200,
      message: () => "request timestamp timed out",
      gloss: () => "request timestamp outside GatePay's window",
      accepted: { data: { bankId: "ba_skew", paid: false, status: "PENDING" } },
      call: (clients) => {
        const quote = sandbox.mintQuote();
        return clients.gatepay.createRecharge({
          quoteToken: quote.quoteToken,
          bankId: "ba_skew",
          currency: quote.currency,
          amount: quote.amount,
          fiatCurrency: quote.fiatCurrency,
          fiatAmount: quote.fiatAmount,
        });
      },
    },
    {
      name: "gatepay cancelRecharge",
      provider: "gatepay",
      code: "400003",
      status: 200,
      message: () => "request timestamp timed out",
      gloss: () => "request timestamp outside GatePay's window",
      accepted: { alreadyCancelled: false, data: { success: true } },
      call: (clients) => clients.gatepay.cancelRecharge({ orderId: sandbox.seed.gatepayRecharge().orderId }),
    },
    {
      name: "daxpay cancel",
      provider: "daxpay",
      code: "10006",
      status: 200,
      // The server's clock is the real one: a client ahead sent a reqTime from the future.
      message: (skewMs) =>
        DAXPAY_VALIDATION_PREFIX + (skewMs > 0 ? DAXPAY_MESSAGE.fromTheFuture : DAXPAY_MESSAGE.expired),
      gloss: (skewMs) =>
        `parameter validation failed; ${skewMs > 0 ? "request time is later than the server's clock" : "request expired, send it again"}`,
      accepted: { status: "cancelled", possiblyAlreadyCancelled: false, verified: true },
      call: (clients) => clients.daxpay.cancel({ orderNo: sandbox.seed.daxpayOrder().orderNo }),
    },
    {
      name: "payermax cancel",
      provider: "payermax",
      code: "REQ_TIME_OVER_TIME",
      status: 200,
      message: () => "requestTime is more than 2 minutes from the server time",
      gloss: () => "requestTime outside PayerMax's 2-minute window",
      accepted: { status: "PENDING", rawStatus: "PENDING" },
      call: (clients) => {
        const order = sandbox.seed.payermaxOrder();
        return clients.payermax.cancel({
          requestId: `skew-${order.outTradeNo}`,
          outTradeNo: order.outTradeNo,
        });
      },
    },
  ];
}

/** Skews past each provider's window (GatePay ±10 s, DaxPay 10 s behind / 60 s ahead, PayerMax ±120 s). */
const SKEWS: Readonly<Record<keyof ClientSet, readonly number[]>> = {
  gatepay: [15_000, -15_000],
  daxpay: [75_000, -15_000],
  payermax: [150_000, -150_000],
};

/** Skews inside every window: requests must go through. */
const TOLERATED: Readonly<Record<keyof ClientSet, number>> = {
  gatepay: 5_000,
  daxpay: -5_000,
  payermax: 90_000,
};

describe("a client whose clock is outside the provider's window", () => {
  const table = cases().flatMap((skewCase) =>
    SKEWS[skewCase.provider].map((skewMs) => ({ ...skewCase, skewMs })),
  );

  it.each(table)(
    "$name with the clock $skewMs ms off gets a ClockSkewError ($code) stating the offset",
    async (skewCase) => {
      const before = sandbox.orders().map((order) => [order.status, order.stateChanges]);
      const events: RequestEvent[] = [];
      const error = await rejectionOf(skewCase.call(skewedClients(skewCase.skewMs, events)));
      skewedCalls += 1;
      leaks.check(`${skewCase.name} clock skew`, error);

      expect(error).toBeInstanceOf(ClockSkewError);
      const skew = error as ClockSkewError;
      expect(skew.type).toBe("clock_skew");
      expect(skew.providerCode).toBe(skewCase.code);
      expect(skew.status).toBe(skewCase.status);
      // The message is kept as sent in `raw`; errors carry it with control characters escaped.
      const message = skewCase.message(skewCase.skewMs);
      expect(Object.values(skew.raw as Record<string, unknown>)).toContain(message);
      expect(skew.providerMessage).toBe(message.replaceAll("\n", "\\n"));
      // The server's clock is the real one: the offset is minus the injected skew, to the Date header's second.
      expect(skew.estimatedOffsetMs).toBeDefined();
      const offset = skew.estimatedOffsetMs ?? Number.NaN;
      expect(Math.abs(offset + skewCase.skewMs)).toBeLessThanOrEqual(OFFSET_TOLERANCE_MS);
      const seconds = Math.round(Math.abs(offset) / 1000);
      const direction = offset >= 0 ? "ahead of" : "behind";
      expect(skew.message).toBe(
        `[${skewCase.name}] request time rejected by provider: ${skewCase.code} ${skew.providerMessage} ` +
          `(${skewCase.gloss(skewCase.skewMs)}); the server clock is about ${seconds} s ${direction} ` +
          `this machine's clock (estimated offset ${offset} ms)`,
      );
      expect(skew.toJSON().estimatedOffsetMs).toBe(offset);
      // A clock error is not retried, and the order (or the quote) was left alone.
      expect(events.map((event) => event.attempt)).toStrictEqual([1]);
      const after = sandbox.orders().map((order) => [order.status, order.stateChanges]);
      expect(after.slice(0, before.length)).toStrictEqual(before);
      expect(after.slice(before.length).every(([, changes]) => changes === 0)).toBe(true);
    },
  );

  it("cancelOrder passes the ClockSkewError on: it says nothing about the order", async () => {
    const clients = skewedClients(-15_000);
    const order = sandbox.seed.daxpayOrder();
    const error = await rejectionOf(cancelOrder(clients, { provider: "daxpay", orderNo: order.orderNo }));
    skewedCalls += 1;
    leaks.check("cancelOrder clock skew", error);
    expect(error).toBeInstanceOf(ClockSkewError);
    expect(sandbox.orders("daxpayOrder").find((record) => record.orderNo === order.orderNo)?.status).toBe(
      "progress",
    );
  });

  it("the quote a skewed createRecharge carried is still unspent, so a corrected clock can use it", async () => {
    const quote = sandbox.mintQuote();
    const input = {
      quoteToken: quote.quoteToken,
      bankId: "ba_skew",
      currency: quote.currency,
      amount: quote.amount,
      fiatCurrency: quote.fiatCurrency,
      fiatAmount: quote.fiatAmount,
    };
    const error = await rejectionOf(skewedClients(15_000).gatepay.createRecharge(input));
    skewedCalls += 1;
    expect(error).toBeInstanceOf(ClockSkewError);
    const created = await skewedClients(0).gatepay.createRecharge(input);
    expect(created.data.status).toBe("PENDING");
  });
});

describe("a client whose clock is off but inside every window", () => {
  it.each(cases())("$name goes through", async (skewCase) => {
    const result = await skewCase.call(skewedClients(TOLERATED[skewCase.provider]));
    expect(result).toMatchObject(skewCase.accepted);
  });
});

describe("a clock rejection without a Date header", () => {
  const answers = [
    {
      name: "gatepay closeOrder",
      status: 200,
      body: { status: "FAIL", code: "400003", errorMessage: "request timestamp timed out" },
      call: (clients: ClientSet) => clients.gatepay.closeOrder({ merchantTradeNo: "M1" }),
    },
    {
      name: "daxpay cancel",
      status: 200,
      body: { code: 10006, msg: DAXPAY_VALIDATION_PREFIX + DAXPAY_MESSAGE.expired, traceId: "t1" },
      call: (clients: ClientSet) => clients.daxpay.cancel({ orderNo: "O1" }),
    },
    {
      name: "payermax cancel",
      status: 200,
      body: { code: "REQ_TIME_OVER_TIME", msg: "requestTime is more than 2 minutes from the server time" },
      call: (clients: ClientSet) => clients.payermax.cancel({ requestId: "R1", outTradeNo: "P1" }),
    },
  ];

  it.each(answers)(
    "$name is a ClockSkewError that says to check this machine's clock, with no offset",
    async (answer) => {
      const server = await startFaultServer(({ response }) => {
        response.sendDate = false;
        response.writeHead(answer.status, { "content-type": "application/json" });
        response.end(JSON.stringify(answer.body));
      });
      try {
        const error = await rejectionOf(answer.call(createClients(server.url, credentials.clients)));
        skewedCalls += 1;
        leaks.check(`${answer.name} clock skew without Date`, error);
        expect(error).toBeInstanceOf(ClockSkewError);
        expect((error as ClockSkewError).estimatedOffsetMs).toBeUndefined();
        expect((error as ClockSkewError).message).toMatch(/; check this machine's clock$/);
        expect(server.arrivals).toHaveLength(1);
      } finally {
        await server.close();
      }
    },
  );
});

describe("a DaxPay 10006 that is not about the clock", () => {
  // DaxPay 2.0.8 answers every parameter problem and its reqTime window with the same 10006; only
  // the two window messages mean the clock.
  it("is a ProviderRejectedError naming the parameter, not a ClockSkewError", async () => {
    const msg = daxPayValidationMessage([DAXPAY_VALIDATION_MESSAGE.orderNo]);
    const server = await startFaultServer(({ response }) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ code: 10006, msg, traceId: "t2" }));
    });
    try {
      const error = await rejectionOf(
        createClients(server.url, credentials.clients).daxpay.cancel({ orderNo: "O1" }),
      );
      leaks.check("daxpay 10006 parameter", error);
      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(error).not.toBeInstanceOf(ClockSkewError);
      expect((error as ProviderRejectedError).type).toBe("provider_rejected");
      expect((error as ProviderRejectedError).providerCode).toBe("10006");
      expect((error as ProviderRejectedError).message).toBe(
        "[daxpay cancel] rejected by provider: 10006 验证参数错误\\n支付订单号不可超过32位\\n " +
          "(parameter validation failed; orderNo must be at most 32 characters)",
      );
      expect(server.arrivals).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe("secrets under clock skew", () => {
  it("no secret or key material appears in any clock error, console line or serialized client", () => {
    for (const client of Object.values(skewedClients(15_000)))
      leaks.check(`${client.provider} client`, client);
    expect(leaks.findings()).toStrictEqual([]);
    expect(leaks.checked).toBeGreaterThanOrEqual(skewedCalls);
  });
});
