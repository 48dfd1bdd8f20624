import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SandboxInputError } from "./index.js";
import type { Sandbox } from "./server.js";
import { startSandbox } from "./server.js";
import { type Answer, gatepayPost, post, T0, TestClock, testCredentials } from "./test-support.js";

const credentials = testCredentials();
const clock = new TestClock();
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: clock.read, credentials });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  clock.now = T0;
  sandbox.reset();
});

function bearer(): Record<string, string> {
  return { authorization: `Bearer ${sandbox.adminToken}` };
}

function admin(path: string, body: unknown, contentType = "application/json"): Promise<Answer> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return post(`${sandbox.url}/__sandbox/${path}`, text, { "content-type": contentType, ...bearer() });
}

async function adminGet(path: string): Promise<Answer> {
  const response = await fetch(`${sandbox.url}/__sandbox/${path}`, { headers: bearer() });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
}

function invalid(field: string, message: string) {
  return { error: "invalid_request", field, message };
}

describe("programmatic seeding", () => {
  it("seeds each provider's order with generated ids and an unpaid default status", () => {
    expect(sandbox.seed.gatepayPrepayOrder()).toEqual({
      kind: "gatepayPrepayOrder",
      prepayId: expect.stringMatching(/^[1-9][0-9]{16}$/),
      merchantTradeNo: expect.stringMatching(/^SB[0-9]{16}$/),
      status: "PENDING",
      stateChanges: 0,
      history: [{ from: null, to: "PENDING", at: T0, via: "seed" }],
    });
    expect(sandbox.seed.gatepayRecharge()).toMatchObject({
      kind: "gatepayRecharge",
      orderId: expect.stringMatching(/^[0-9]{17}$/),
      quoteToken: null,
      currency: "USDT",
      amount: "1088.42",
      fiatCurrency: "USD",
      fiatAmount: "1000",
      status: "PENDING",
    });
    expect(sandbox.seed.daxpayOrder()).toMatchObject({
      kind: "daxpayOrder",
      orderNo: expect.stringMatching(/^SBXP[0-9]{20}$/),
      bizOrderNo: expect.stringMatching(/^P[0-9]{12}$/),
      channel: "ali_pay",
      status: "progress",
    });
    expect(sandbox.seed.payermaxOrder()).toMatchObject({
      kind: "payermaxOrder",
      outTradeNo: expect.stringMatching(/^SBT[0-9]{17}$/),
      status: "AUTHORIZED",
      cancels: [],
    });
    expect(sandbox.orders().map((order) => order.kind)).toEqual([
      "gatepayPrepayOrder",
      "gatepayRecharge",
      "daxpayOrder",
      "payermaxOrder",
    ]);
  });

  it("seeds orders in any state with the ids given", () => {
    expect(sandbox.seed.daxpayOrder({ orderNo: "O1", bizOrderNo: "B1", status: "success" })).toMatchObject({
      orderNo: "O1",
      bizOrderNo: "B1",
      status: "success",
    });
    expect(sandbox.orders("daxpayOrder")).toHaveLength(1);
  });

  it("returns copies, so changing a record changes nothing in the sandbox", () => {
    const order = sandbox.seed.payermaxOrder();
    (order as { status: string }).status = "CAPTURED";
    expect(sandbox.orders()[0]?.status).toBe("AUTHORIZED");
  });

  it("seeds a DaxPay order on any 2.0.8 channel and counts its ids in UTF-16 units, as DaxPay's @Size does", () => {
    expect(sandbox.seed.daxpayOrder({ channel: "union_pay", bizOrderNo: "😀".repeat(50) })).toMatchObject({
      channel: "union_pay",
      bizOrderNo: "😀".repeat(50),
    });
    expect(() => sandbox.seed.daxpayOrder({ bizOrderNo: "😀".repeat(51) })).toThrow(
      "bizOrderNo must be at most 100 UTF-16 code units",
    );
    expect(() => sandbox.seed.daxpayOrder({ channel: "alipay" } as never)).toThrow(
      "channel must be one of ali_pay, wechat_pay, union_pay, wallet_pay",
    );
  });

  // PayerMax's order page (docs/providers.md, "PayerMax" → "Lengths", P-order) allows letters, digits
  // and _ only: an order PayerMax could never have created is refused, not held.
  it.each(["ORDER-1", "ORDER 1", "订单1", "o.1"])(
    "refuses the PayerMax outTradeNo %j, which PayerMax's order rule forbids",
    (outTradeNo) => {
      expect(() => sandbox.seed.payermaxOrder({ outTradeNo })).toThrow(
        expect.objectContaining({
          name: "SandboxInputError",
          field: "outTradeNo",
          message: "outTradeNo must be letters, digits and _ only (PayerMax's order rule)",
        }),
      );
      expect(() => sandbox.seed.payermaxOrder({ outTradeNo })).toThrow(SandboxInputError);
      expect(sandbox.orders()).toEqual([]);
    },
  );

  it("accepts a PayerMax outTradeNo of letters, digits and _", () => {
    expect(sandbox.seed.payermaxOrder({ outTradeNo: "ORDER_1" })).toMatchObject({
      kind: "payermaxOrder",
      outTradeNo: "ORDER_1",
      status: "AUTHORIZED",
    });
  });

  it.each([
    [
      () => sandbox.seed.daxpayOrder({ status: "paid" } as never),
      "status",
      "status must be one of progress, success, close, cancel, fail",
    ],
    [
      () => sandbox.seed.payermaxOrder({ outTradeNo: 7 } as never),
      "outTradeNo",
      "outTradeNo must be a string (got a number)",
    ],
    [
      () => sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: "订".repeat(11) }),
      "merchantTradeNo",
      "merchantTradeNo must be at most 32 UTF-8 bytes",
    ],
    [
      () => sandbox.seed.gatepayRecharge({ amount: "1,000" }),
      "amount",
      'amount must be a decimal string such as "1088.42"',
    ],
    [
      () => sandbox.seed.gatepayRecharge({ stauts: "PAID" } as never),
      "stauts",
      "stauts is not a known field",
    ],
    [() => sandbox.seed.daxpayOrder("O1" as never), "input", "input must be an object (got a string)"],
  ])("throws a SandboxInputError naming the field (%#)", (seed, field, message) => {
    expect(seed).toThrow(expect.objectContaining({ name: "SandboxInputError", field, message }));
    // The class the entry point exports, so an app's test can catch it with instanceof.
    expect(seed).toThrow(SandboxInputError);
    expect(sandbox.orders()).toEqual([]);
  });

  it("refuses an id that another order already has", () => {
    sandbox.seed.daxpayOrder({ bizOrderNo: "B1" });
    expect(() => sandbox.seed.daxpayOrder({ bizOrderNo: "B1" })).toThrow(
      "bizOrderNo is already used by another order",
    );
  });

  it("mints quotes with defaults, or with the amounts and ttl given", () => {
    expect(sandbox.mintQuote()).toEqual({
      quoteToken: expect.stringMatching(/^qt_[A-Z0-9]{20}$/),
      currency: "USDT",
      amount: "1088.42",
      fiatCurrency: "USD",
      fiatAmount: "1000",
      cfRate: "1.08842",
      expiresAt: T0 + 60_000,
    });
    expect(
      sandbox.mintQuote({
        quoteToken: "qt_fixed",
        currency: "USDC",
        amount: "50",
        fiatAmount: "50",
        ttlMs: 5,
      }),
    ).toEqual({
      quoteToken: "qt_fixed",
      currency: "USDC",
      amount: "50",
      fiatCurrency: "USD",
      fiatAmount: "50",
      cfRate: "1",
      expiresAt: T0 + 5,
    });
    expect(() => sandbox.mintQuote({ quoteToken: "qt_fixed" })).toThrow("quoteToken is already minted");
    expect(() => sandbox.mintQuote({ ttlMs: 0 })).toThrow("ttlMs must be an integer from 1 to 86400000");
  });

  it("sets a status out of band by any of the order's ids, without counting it as a state change", () => {
    const order = sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: "M1" });
    clock.now = T0 + 1;
    expect(sandbox.setStatus("gatepayPrepayOrder", "M1", "PAID")).toMatchObject({
      prepayId: order.prepayId,
      status: "PAID",
      stateChanges: 0,
      history: [
        { from: null, to: "PENDING", at: T0, via: "seed" },
        { from: "PENDING", to: "PAID", at: T0 + 1, via: "setStatus" },
      ],
    });
    expect(() => sandbox.setStatus("gatepayPrepayOrder", "M2", "PAID")).toThrow(
      "id does not name a gatepayPrepayOrder",
    );
    expect(() => sandbox.setStatus("gatepayPrepayOrder", "M1", "cancel" as never)).toThrow(
      "status must be one of PENDING, PAID, CLOSED",
    );
    expect(() => sandbox.orders("orders" as never)).toThrow("kind must be one of");
  });

  it("records every change, so a load test can see none lost and none applied twice", async () => {
    const order = sandbox.seed.gatepayPrepayOrder();
    clock.now = T0 + 5;
    await gatepayPost(sandbox, clock.now, "/v1/pay/order/close", { prepayId: order.prepayId });
    await gatepayPost(sandbox, clock.now, "/v1/pay/order/close", { prepayId: order.prepayId });
    expect(sandbox.orders()).toEqual([
      {
        kind: "gatepayPrepayOrder",
        prepayId: order.prepayId,
        merchantTradeNo: order.merchantTradeNo,
        status: "CLOSED",
        stateChanges: 1,
        history: [
          { from: null, to: "PENDING", at: T0, via: "seed" },
          { from: "PENDING", to: "CLOSED", at: T0 + 5, via: "closeOrder" },
        ],
      },
    ]);
  });
});

describe("admin HTTP routes", () => {
  it("POST /__sandbox/seed creates orders of every kind in one call and answers 201 with their records", async () => {
    const answer = await admin("seed", {
      gatepayPrepayOrders: [{ prepayId: "1001", status: "PAID" }],
      gatepayRecharges: [{ orderId: "2001" }],
      daxpayOrders: [{ orderNo: "O1" }, { bizOrderNo: "B2", status: "close" }],
      payermaxOrders: [{ outTradeNo: "T1", status: "CAPTURED" }],
    });
    expect(answer.status).toBe(201);
    expect(
      answer.json.orders.map((order: { kind: string; status: string }) => `${order.kind}:${order.status}`),
    ).toEqual([
      "gatepayPrepayOrder:PAID",
      "gatepayRecharge:PENDING",
      "daxpayOrder:progress",
      "daxpayOrder:close",
      "payermaxOrder:CAPTURED",
    ]);
    expect(sandbox.orders()).toEqual(answer.json.orders);
  });

  it.each([
    [[], "body", "body must be an object (got an array)"],
    [{ daxpayorders: [] }, "daxpayorders", "daxpayorders is not a known field"],
    [{ daxpayOrders: {} }, "daxpayOrders", "daxpayOrders must be an array"],
    [
      { daxpayOrders: [{}, { status: "paid" }] },
      "daxpayOrders[1].status",
      "daxpayOrders[1].status must be one of progress, success, close, cancel, fail",
    ],
    [{ daxpayOrders: [null] }, "daxpayOrders[0]", "daxpayOrders[0] must be an object (got null)"],
    [
      { payermaxOrders: [{ outTradeNo: "" }] },
      "payermaxOrders[0].outTradeNo",
      "payermaxOrders[0].outTradeNo must not be empty",
    ],
    [
      { payermaxOrders: [{ outTradeNo: "T".repeat(65) }] },
      "payermaxOrders[0].outTradeNo",
      "payermaxOrders[0].outTradeNo must be at most 64 characters",
    ],
    [
      { payermaxOrders: [{ outTradeNo: "T1" }, { outTradeNo: "ORDER-1" }] },
      "payermaxOrders[1].outTradeNo",
      "payermaxOrders[1].outTradeNo must be letters, digits and _ only (PayerMax's order rule)",
    ],
    [
      { gatepayRecharges: [{ currency: "BTC" }] },
      "gatepayRecharges[0].currency",
      "gatepayRecharges[0].currency must be one of USDT, USDC",
    ],
    [
      { gatepayPrepayOrders: [{ prepayId: "1", extra: true }] },
      "gatepayPrepayOrders[0].extra",
      "gatepayPrepayOrders[0].extra is not a known field",
    ],
  ])("POST /__sandbox/seed answers %j with 400 naming the field", async (body, field, message) => {
    const answer = await admin("seed", body);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(invalid(field, message));
    expect(sandbox.orders()).toEqual([]);
  });

  it("POST /__sandbox/seed stores nothing when any id in the batch conflicts", async () => {
    const answer = await admin("seed", {
      daxpayOrders: [{ orderNo: "O1" }, { orderNo: "O2" }, { orderNo: "O1" }],
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(
      invalid("daxpayOrders[2].orderNo", "daxpayOrders[2].orderNo is already used by another order"),
    );
    expect(sandbox.orders()).toEqual([]);
  });

  it("POST /__sandbox/seed answers an empty body, malformed JSON and a wrong media type", async () => {
    expect((await admin("seed", "")).json).toEqual(invalid("body", "body must be a JSON object"));
    const malformed = await admin("seed", "{");
    expect(malformed.status).toBe(400);
    expect(malformed.json).toEqual({ error: "invalid_json", message: "body is not valid JSON" });
    const form = await admin("seed", "a=1", "application/x-www-form-urlencoded");
    expect(form.status).toBe(415);
    expect(form.json).toEqual({
      error: "unsupported_media_type",
      message: "Content-Type must be application/json",
    });
  });

  it("answers an admin body over the cap with 413", async () => {
    const answer = await admin("seed", { daxpayOrders: [], padding: "x".repeat(1024 * 1024) });
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({
      error: "payload_too_large",
      message: "body must be at most 1048576 bytes",
    });
  });

  it("POST /__sandbox/quotes mints a quote (body optional) that createRecharge accepts once", async () => {
    const answer = await admin("quotes", "");
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ currency: "USDT", amount: "1088.42", expiresAt: T0 + 60_000 });
    const body = {
      quoteToken: answer.json.quoteToken,
      bankId: "ba_1",
      currency: "USDT",
      amount: "1088.42",
      fiatCurrency: "USD",
      fiatAmount: "1000",
    };
    expect((await gatepayPost(sandbox, clock.now, "/open/otc/api/recharge", body)).json.code).toBe("000000");
    expect((await gatepayPost(sandbox, clock.now, "/open/otc/api/recharge", body)).json.code).toBe("400001");
  });

  it("POST /__sandbox/quotes answers a bad field with 400 naming it", async () => {
    const answer = await admin("quotes", { ttlMs: "60s" });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual(invalid("ttlMs", "ttlMs must be an integer from 1 to 86400000"));
  });

  it("GET /__sandbox/orders lists every order, or one kind", async () => {
    sandbox.seed.daxpayOrder({ orderNo: "O1" });
    sandbox.seed.payermaxOrder({ outTradeNo: "T1" });
    const all = await adminGet("orders");
    expect(all.status).toBe(200);
    expect(all.json.orders).toHaveLength(2);
    const some = await adminGet("orders?kind=payermaxOrder");
    expect(some.json.orders).toEqual([expect.objectContaining({ outTradeNo: "T1" })]);
    const bad = await adminGet("orders?kind=payermax");
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual(
      invalid("kind", "kind must be one of gatepayPrepayOrder, gatepayRecharge, daxpayOrder, payermaxOrder"),
    );
  });

  it("POST /__sandbox/orders/status sets a status, and answers 404 for an unknown order", async () => {
    sandbox.seed.gatepayRecharge({ orderId: "R1" });
    const answer = await admin("orders/status", { kind: "gatepayRecharge", id: "R1", status: "PAID" });
    expect(answer.status).toBe(200);
    expect(answer.json.order).toMatchObject({ orderId: "R1", status: "PAID", stateChanges: 0 });
    const missing = await admin("orders/status", { kind: "gatepayRecharge", id: "R2", status: "PAID" });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      error: "order_not_found",
      field: "id",
      message: "id does not name a gatepayRecharge",
    });
    const bad = await admin("orders/status", { kind: "gatepayRecharge", id: "R1", status: "paid" });
    expect(bad.json).toEqual(invalid("status", "status must be one of PENDING, PAID, CANCELLED"));
    expect((await admin("orders/status", { kind: "gatepayRecharge", id: 1, status: "PAID" })).json).toEqual(
      invalid("id", "id must be a non-empty string"),
    );
  });

  it("POST /__sandbox/reset forgets orders, quotes and GatePay nonces", async () => {
    sandbox.seed.daxpayOrder();
    const quote = sandbox.mintQuote();
    await gatepayPost(sandbox, clock.now, "/v1/pay/order/close", { prepayId: "1" }, { nonce: "once" });
    const answer = await admin("reset", "");
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ reset: true });
    expect(sandbox.orders()).toEqual([]);
    const reused = await gatepayPost(
      sandbox,
      clock.now,
      "/v1/pay/order/close",
      { prepayId: "1" },
      { nonce: "once" },
    );
    expect(reused.json.code).toBe("400202");
    const recharge = await gatepayPost(sandbox, clock.now, "/open/otc/api/recharge", {
      quoteToken: quote.quoteToken,
      bankId: "ba_1",
      currency: "USDT",
      amount: "1088.42",
      fiatCurrency: "USD",
      fiatAmount: "1000",
    });
    expect(recharge.json.errorMessage).toBe("parameter format error: quoteToken is not a known quote");
    expect((await admin("reset", { everything: true })).json).toEqual(
      invalid("everything", "everything is not a known field"),
    );
  });

  it("answers an unknown admin route with 404 and a wrong method with 405", async () => {
    const unknown = await admin("orders/delete", {});
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: "not_found", message: "no admin route /__sandbox/orders/delete" });
    const wrong = await adminGet("seed");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect(wrong.json).toEqual({ error: "method_not_allowed", message: "/__sandbox/seed accepts POST" });
  });

  it("keeps admin paths apart from provider paths: no prefix collides", async () => {
    const answer = await post(`${sandbox.url}/__sandbox`, "{}", {
      "content-type": "application/json",
      ...bearer(),
    });
    expect(answer.status).toBe(404);
    expect(answer.json.error).toBe("not_found");
  });
});

/** A raw request, so the test can send any Host header (fetch forbids setting it). */
function rawAdmin(
  method: string,
  path: string,
  headers: Record<string, string>,
  body = "",
): Promise<{ status: number; headers: Record<string, unknown>; json: unknown }> {
  const url = new URL(`${sandbox.url}/__sandbox/${path}`);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          json: JSON.parse(Buffer.concat(chunks).toString("utf8")),
        }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

describe("admin API access (tests only, loopback, per-run token)", () => {
  const port = () => new URL(sandbox.url).port;

  it("gives every start a new 32-byte Base64url admin token", async () => {
    const other = await startSandbox({ credentials });
    try {
      expect(sandbox.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(other.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(other.adminToken).not.toBe(sandbox.adminToken);
    } finally {
      await other.stop();
    }
  });

  it("refuses a Host that is not the sandbox's own address with 403, even with the token (DNS rebinding)", async () => {
    sandbox.seed.daxpayOrder({ orderNo: "KEEP" });
    const answer = await rawAdmin(
      "POST",
      "reset",
      { host: `rebound.example:${port()}`, "content-type": "application/json", ...bearer() },
      "{}",
    );
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({
      error: "forbidden_host",
      message: `Host must be one of 127.0.0.1:${port()}, localhost:${port()}`,
    });
    expect(sandbox.orders().map((order) => order.kind)).toEqual(["daxpayOrder"]);
    const otherPort = await rawAdmin("GET", "orders", { host: "127.0.0.1:1", ...bearer() });
    expect(otherPort.status).toBe(403);
  });

  it("accepts the Host localhost:<port> and the address it listens on", async () => {
    for (const host of [`localhost:${port()}`, `127.0.0.1:${port()}`]) {
      const answer = await rawAdmin("GET", "orders", { host, ...bearer() });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ orders: [] });
    }
  });

  it("refuses a request without the token, or with another, with 401", async () => {
    const missing = await rawAdmin("GET", "orders", { host: `127.0.0.1:${port()}` });
    expect(missing.status).toBe(401);
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="payclients-sandbox"');
    expect(missing.json).toEqual({
      error: "unauthorized",
      message: "Authorization: Bearer <adminToken> is required (the token startSandbox() returns)",
    });
    const wrong = await rawAdmin("GET", "orders", {
      host: `127.0.0.1:${port()}`,
      authorization: `Bearer ${"A".repeat(43)}`,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({
      error: "unauthorized",
      message: "Authorization does not carry this sandbox's admin token",
    });
    const unknownRoute = await rawAdmin("GET", "nothing", { host: `127.0.0.1:${port()}` });
    expect(unknownRoute.status).toBe(401);
  });

  it.each([
    ["reset", "text/plain"],
    ["quotes", "text/plain"],
    ["reset", undefined],
    ["seed", "application/x-www-form-urlencoded"],
  ])(
    "refuses an empty POST /__sandbox/%s with Content-Type %s with 415 and changes nothing",
    async (path, type) => {
      sandbox.seed.daxpayOrder({ orderNo: "KEEP" });
      const headers: Record<string, string> = { host: `127.0.0.1:${port()}`, ...bearer() };
      if (type !== undefined) headers["content-type"] = type;
      const answer = await rawAdmin("POST", path, headers);
      expect(answer.status).toBe(415);
      expect(answer.json).toEqual({
        error: "unsupported_media_type",
        message: "Content-Type must be application/json",
      });
      expect(sandbox.orders().map((order) => order.kind)).toEqual(["daxpayOrder"]);
    },
  );

  it("keeps the in-process helpers free of the token", () => {
    sandbox.seed.payermaxOrder({ outTradeNo: "T1" });
    expect(sandbox.mintQuote().amount).toBe("1088.42");
    sandbox.reset();
    expect(sandbox.orders()).toEqual([]);
  });
});
