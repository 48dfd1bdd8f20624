import { connect } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ClockSkewError } from "../core/errors.js";
import { createGatePayClient } from "../gatepay/client.js";
import { verifyPayerMaxSignature } from "../payermax/sign.js";
import type { Sandbox } from "./server.js";
import { startSandbox } from "./server.js";
import {
  daxpayPost,
  gatepayPost,
  payermaxEnvelope,
  payermaxPost,
  post,
  T0,
  TestClock,
  testCredentials,
} from "./test-support.js";

const credentials = testCredentials();
const clock = new TestClock();
let clockFault: "throw" | "nan" | null = null;
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    credentials,
    clock: () => {
      if (clockFault === "throw") throw new Error("clock broke");
      return clockFault === "nan" ? Number.NaN : clock.now;
    },
  });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  clock.now = T0;
  clockFault = null;
  sandbox.reset();
});

/** Sends raw bytes over TCP and resolves with whatever the server writes back before closing. */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString("utf8");
    });
    socket.on("end", () => resolve(received));
    socket.on("error", reject);
  });
}

describe("sandbox routing", () => {
  it("listens on a free loopback port and reports its URL without a trailing slash", () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
  });

  it("answers an unknown path with a 404 JSON", async () => {
    const answer = await post(`${sandbox.url}/v1/pay/order/closed`, "{}", {
      "content-type": "application/json",
    });
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(answer.json).toEqual({
      error: "not_found",
      message: "no sandbox route for POST /v1/pay/order/closed",
    });
  });

  it("answers a GET on a provider path with 405 and Allow: POST", async () => {
    const response = await fetch(`${sandbox.url}/unipay/cancel`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toEqual({
      error: "method_not_allowed",
      message: "/unipay/cancel accepts POST",
    });
  });

  it("ignores a query string on a provider path, as GatePay does not sign it", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    const answer = await gatepayPost(sandbox, clock.now, "/v1/pay/order/close?lang=en", {
      prepayId: order.prepayId,
    });
    expect(answer.json.code).toBe("000000");
  });

  it("answers malformed HTTP with a 400 and closes the connection", async () => {
    const reply = await rawExchange(sandbox.url, "THIS IS NOT HTTP\r\n\r\n");
    expect(reply.startsWith("HTTP/1.1 400 Bad Request\r\n")).toBe(true);
    expect(reply.endsWith('{"error":"bad_request","message":"malformed HTTP request"}')).toBe(true);
  });
});

describe("sandbox error safety", () => {
  it("answers a handler fault with GatePay's payment-API system error, HTTP 500 300000", async () => {
    clockFault = "throw";
    const answer = await gatepayPost(sandbox, T0, "/v1/pay/order/close", { prepayId: "1" });
    expect(answer.status).toBe(500);
    expect(answer.text).toBe('{"status":"FAIL","code":"300000","errorMessage":"system error"}');
  });

  it("answers a handler fault on the OTC API in the OTC envelope", async () => {
    clockFault = "nan";
    const answer = await gatepayPost(sandbox, T0, "/open/otc/api/recharge/cancel", { orderId: "1" });
    expect(answer.status).toBe(500);
    expect(answer.text).toBe('{"code":"300000","status":"FAIL","errorMessage":"system error"}');
  });

  it("answers a handler fault with DaxPay 2.0.8's catch-all 10001 系统错误", async () => {
    clockFault = "throw";
    const answer = await daxpayPost(sandbox, { orderNo: "1", reqTime: T0 / 1000 });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      msg: "系统错误",
      code: 10001,
      data: null,
      traceId: expect.stringMatching(/^[A-Za-z0-9]{12}$/),
    });
  });

  it("answers a handler fault with PayerMax's SYSTEM_ERROR, signed", async () => {
    clockFault = "throw";
    const answer = await payermaxPost(
      sandbox,
      payermaxEnvelope(sandbox, T0, { requestId: "R1", outTradeNo: "x" }),
    );
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"code":"SYSTEM_ERROR","msg":"System error"}');
    expect(
      verifyPayerMaxSignature(
        answer.text,
        answer.headers.get("sign") ?? "",
        sandbox.credentials.payermax.platformPublicKey,
      ),
    ).toBe(true);
  });

  it("keeps serving after handler faults", async () => {
    clockFault = "throw";
    await daxpayPost(sandbox, { orderNo: "1", reqTime: T0 / 1000 });
    clockFault = null;
    const order = sandbox.seed.daxpayOrder();
    expect((await daxpayPost(sandbox, { orderNo: order.orderNo, reqTime: T0 / 1000 })).json.data.code).toBe(
      0,
    );
  });

  it("drops a request whose client disconnects mid-body, without a state change or a crash", async () => {
    const order = sandbox.seed.daxpayOrder();
    const { hostname, port } = new URL(sandbox.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          "POST /unipay/cancel HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n",
        );
        socket.write(`{"orderNo":"${order.orderNo}"`, () => {
          socket.destroy();
          resolve();
        });
      });
    });
    const answer = await daxpayPost(sandbox, { orderNo: order.orderNo, reqTime: T0 / 1000 });
    expect(answer.json.data.code).toBe(0);
    expect(sandbox.orders()[0]).toMatchObject({ status: "cancel", stateChanges: 1 });
  });
});

describe("sandbox options", () => {
  it.each([
    [{ prot: 8080 }, "prot", "prot is not a known field"],
    [{ port: 70_000 }, "port", "port must be an integer from 0 to 65535"],
    [{ clock: 1_700_000_000_000 }, "clock", "clock must be a function returning epoch milliseconds"],
    [{ daxpaySignType: "SHA1" }, "daxpaySignType", "daxpaySignType must be one of HMAC_SHA256, MD5"],
    [
      { gatepayResponseSignatures: "yes" },
      "gatepayResponseSignatures",
      "gatepayResponseSignatures must be a boolean",
    ],
    [{ paymentDelayMs: -1 }, "paymentDelayMs", "paymentDelayMs must be an integer from 0 to 600000"],
    [{ maxBodyBytes: 0 }, "maxBodyBytes", "maxBodyBytes must be an integer from 1 to 67108864"],
  ])("refuses %j naming the option", async (options, field, message) => {
    await expect(startSandbox({ credentials, ...options } as never)).rejects.toMatchObject({
      name: "SandboxInputError",
      field,
      message,
    });
  });

  it("rejects when the port is taken", async () => {
    const port = Number(new URL(sandbox.url).port);
    await expect(startSandbox({ credentials, port })).rejects.toMatchObject({ code: "EADDRINUSE" });
  });

  it("applies a smaller maxBodyBytes", async () => {
    const small = await startSandbox({ credentials, maxBodyBytes: 16 });
    try {
      const answer = await daxpayPost(small, { orderNo: "1234567890", reqTime: T0 / 1000 });
      expect(answer.status).toBe(200);
      expect(answer.json.code).toBe(10005);
      expect(answer.json.msg).toBe("JSON parse error: request body is larger than 16 bytes");
    } finally {
      await small.stop();
    }
  });
});

describe("sandbox paymentDelayMs", () => {
  it("delays provider answers after the state change, and not admin answers", async () => {
    // Ordering, not wall-clock bounds: a busy CI machine may take hundreds of ms for any request.
    const slow = await startSandbox({ credentials, clock: clock.read, paymentDelayMs: 1_000 });
    try {
      const order = slow.seed.daxpayOrder();
      const started = performance.now();
      let answered = false;
      const pending = daxpayPost(slow, { orderNo: order.orderNo, reqTime: T0 / 1000 }).finally(() => {
        answered = true;
      });
      // The state changes before the delay: wait until the admin view shows it, then ask again.
      let inFlight: { orders: Array<Record<string, unknown>> } = { orders: [] };
      while (inFlight.orders[0]?.status !== "cancel") {
        inFlight = await fetch(`${slow.url}/__sandbox/orders`, {
          headers: { authorization: `Bearer ${slow.adminToken}` },
        }).then((response) => response.json());
      }
      expect(answered).toBe(false);
      expect(inFlight.orders[0]).toMatchObject({ status: "cancel", stateChanges: 1 });
      const answer = await pending;
      expect(performance.now() - started).toBeGreaterThanOrEqual(990);
      expect(answer.json.data.code).toBe(0);
    } finally {
      await slow.stop();
    }
  });

  it("keeps many delayed answers in flight at once without a listener-leak warning", async () => {
    const slow = await startSandbox({ credentials, clock: clock.read, paymentDelayMs: 200 });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          daxpayPost(slow, { orderNo: slow.seed.daxpayOrder().orderNo, reqTime: T0 / 1000 }),
        ),
      );
      expect(answers.map((answer) => answer.json.data.code)).toStrictEqual(Array(20).fill(0));
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((warning) => warning.name)).toStrictEqual([]);
    } finally {
      process.off("warning", onWarning);
      await slow.stop();
    }
  });

  it("drops delayed answers on stop() instead of waiting for them", async () => {
    const slow = await startSandbox({ credentials, clock: clock.read, paymentDelayMs: 60_000 });
    const order = slow.seed.daxpayOrder();
    const pending = daxpayPost(slow, { orderNo: order.orderNo, reqTime: T0 / 1000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await slow.stop();
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(pending).rejects.toThrow();
  });
});

describe("sandbox stop", () => {
  it("closes the port, and a second stop() resolves too", async () => {
    const short = await startSandbox({ credentials });
    await fetch(`${short.url}/__sandbox/orders`);
    await short.stop();
    await short.stop();
    await expect(fetch(`${short.url}/__sandbox/orders`)).rejects.toThrow();
  });
});

describe("sandbox Date header", () => {
  const THREE_YEARS_MS = 3 * 365 * 24 * 60 * 60 * 1000;

  it("reads the sandbox clock, so a client's ClockSkewError estimates the real offset", async () => {
    // T0 is a whole second, and Date has one-second resolution: the estimate is exact here.
    const behind = await startSandbox({ credentials, clock: () => T0 - THREE_YEARS_MS });
    try {
      const gatepay = createGatePayClient({
        ...behind.credentials.gatepay,
        baseUrl: behind.url,
        now: () => T0,
      });
      const error = await gatepay.closeOrder({ merchantTradeNo: "M1" }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ClockSkewError);
      expect((error as ClockSkewError).estimatedOffsetMs).toBe(-THREE_YEARS_MS);
      expect((error as ClockSkewError).message).toContain(
        `the server clock is about ${THREE_YEARS_MS / 1000} s behind this machine's clock`,
      );
      const admin = await fetch(`${behind.url}/__sandbox/orders`, {
        headers: { authorization: `Bearer ${behind.adminToken}` },
      });
      expect(admin.headers.get("date")).toBe(new Date(T0 - THREE_YEARS_MS).toUTCString());
    } finally {
      await behind.stop();
    }
  });
});
