import { describe, expect, it } from "vitest";
import { ValidationError } from "./core/errors.js";
import { createMemoryReplayStore } from "./core/replay.js";
import {
  answer,
  DAXPAY_SECRET,
  daxpayRequest,
  gatepayRequest,
  handlerWith,
  NOW,
  payermaxRequest,
} from "./notification-test-support.js";
import { createNotificationHandler, type NotificationEvent } from "./notifications.js";
import { TEST_PUBLIC_KEY_PEM } from "./payermax/test-keys.js";

describe("createNotificationHandler", () => {
  it("acknowledges each provider with its exact success body, detected by headers", async () => {
    const events: NotificationEvent[] = [];
    const handle = handlerWith((event) => {
      events.push(event);
    });
    expect(await answer(await handle(gatepayRequest()))).toStrictEqual({
      status: 200,
      type: "application/json",
      body: '{"returnCode":"SUCCESS","returnMessage":""}',
    });
    expect(await answer(await handle(payermaxRequest()))).toStrictEqual({
      status: 200,
      type: "application/json",
      body: '{"code":"SUCCESS","msg":"Success"}',
    });
    expect(await answer(await handle(daxpayRequest()))).toStrictEqual({
      status: 200,
      type: "text/plain; charset=utf-8",
      body: "SUCCESS",
    });
    expect(events.map((event) => event.provider)).toStrictEqual(["gatepay", "payermax", "daxpay"]);
    expect(events[0]).toMatchObject({
      notification: { bizStatus: "PAY_CLOSE", data: { merchantTradeNo: "M1" } },
    });
  });

  it("answers only after onNotification has resolved", async () => {
    let release: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handle = handlerWith(() => done);
    let answered = false;
    const pending = handle(daxpayRequest()).then((response) => {
      answered = true;
      return response;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    release();
    expect((await pending).status).toBe(200);
  });

  it("answers 500 without the acknowledgement when onNotification throws, and processes the provider's identical retry", async () => {
    let calls = 0;
    const handle = handlerWith(() => {
      calls += 1;
      if (calls === 1) throw new Error(`database down; secret ${DAXPAY_SECRET}`);
    });
    const first = await answer(await handle(daxpayRequest()));
    expect(first).toStrictEqual({
      status: 500,
      type: "application/json",
      body: '{"error":"processing_failed"}',
    });
    expect((await answer(await handle(daxpayRequest()))).body).toBe("SUCCESS");
    expect(calls).toBe(2);
  });

  it("acknowledges again, without processing it again, a duplicate of a notification it has processed", async () => {
    const events: NotificationEvent[] = [];
    const handle = handlerWith((event) => {
      events.push(event);
    });
    for (const request of [gatepayRequest, payermaxRequest, daxpayRequest]) {
      const first = await answer(await handle(request()));
      expect(first.status).toBe(200);
      // The provider's at-least-once delivery: the identical notification again.
      expect(await answer(await handle(request()))).toStrictEqual(first);
    }
    expect(events.map((event) => event.provider)).toStrictEqual(["gatepay", "payermax", "daxpay"]);
  });

  it("refuses (409) a duplicate that arrives while the first is still being processed, and acknowledges it once that has finished", async () => {
    let finish: () => void = () => {};
    const processing = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let calls = 0;
    const handle = handlerWith(() => {
      calls += 1;
      return processing;
    });
    const first = handle(daxpayRequest());
    expect(await answer(await handle(daxpayRequest()))).toStrictEqual({
      status: 409,
      type: "application/json",
      body: '{"error":"signature_replayed"}',
    });
    finish();
    expect((await answer(await first)).body).toBe("SUCCESS");
    expect((await answer(await handle(daxpayRequest()))).body).toBe("SUCCESS");
    expect(calls).toBe(1);
  });

  it("refuses (409) a duplicate that another handler sharing the replay store processed: only the one that processed it knows it is done", async () => {
    const shared = createMemoryReplayStore({ now: () => NOW });
    let calls = 0;
    const count = () => {
      calls += 1;
    };
    const one = handlerWith(count, shared);
    const other = handlerWith(count, shared);
    expect((await answer(await one(gatepayRequest()))).status).toBe(200);
    expect(await answer(await other(gatepayRequest()))).toMatchObject({
      status: 409,
      body: '{"error":"signature_replayed"}',
    });
    expect(calls).toBe(1);
  });

  it("without a replayStore, remembers what it processed in its own memory", async () => {
    let calls = 0;
    const handle = createNotificationHandler({
      daxpay: { secret: DAXPAY_SECRET, now: () => NOW },
      onNotification: () => {
        calls += 1;
      },
    });
    expect((await answer(await handle(daxpayRequest()))).body).toBe("SUCCESS");
    expect((await answer(await handle(daxpayRequest()))).body).toBe("SUCCESS");
    expect(calls).toBe(1);
  });

  it("refuses a bad or missing signature (401) and a wrong shape (400), never calling onNotification", async () => {
    let calls = 0;
    const handle = handlerWith(() => {
      calls += 1;
    });
    await handle(gatepayRequest());
    const tampered = gatepayRequest("other1");
    const forged = new Request(tampered, {
      body: (await tampered.text()).replace("PAY_CLOSE", "PAY_SUCCESS"),
    });
    expect(await answer(await handle(forged))).toMatchObject({
      status: 401,
      body: '{"error":"signature_invalid"}',
    });
    const unsigned = new Request("http://merchant.test/notify", { method: "POST", body: '{"orderNo":"D1"}' });
    expect(await answer(await handle(unsigned))).toMatchObject({
      status: 401,
      body: '{"error":"signature_missing"}',
    });
    const notJson = new Request("http://merchant.test/notify", { method: "POST", body: "hello" });
    expect(await answer(await handle(notJson))).toMatchObject({
      status: 400,
      body: '{"error":"wrong_shape"}',
    });
    expect(await answer(await handle(new Request("http://merchant.test/notify")))).toMatchObject({
      status: 405,
    });
    expect(calls).toBe(1);
  });

  it("with one provider configured, treats every request as that provider's", async () => {
    const handle = createNotificationHandler({
      payermax: {
        platformPublicKey: TEST_PUBLIC_KEY_PEM,
        now: () => NOW,
        replayStore: createMemoryReplayStore(),
      },
      onNotification: () => {},
    });
    expect(await answer(await handle(daxpayRequest()))).toMatchObject({
      status: 401,
      body: '{"error":"signature_missing"}',
    });
  });

  it("refuses to be created without a provider or without onNotification", () => {
    expect(() => createNotificationHandler({ onNotification: () => {} })).toThrow(
      expect.objectContaining({ type: "validation", field: "gatepay|payermax|daxpay", rule: "required" }),
    );
    expect(() => createNotificationHandler({ gatepay: { secret: "s" } } as never)).toThrow(
      expect.objectContaining({ type: "validation", field: "onNotification", rule: "function" }),
    );
  });

  // Each of these used to be accepted, and every real notification was then refused (400, 401 or
  // 500) with nothing logged: the endpoint looked up while the provider retried for a day.
  it.each([
    [
      "an empty GatePay secret (a missing environment variable)",
      { gatepay: { secret: "" } },
      "gatepay.secret",
      "required",
    ],
    ["a GatePay secret that is not a string", { gatepay: { secret: 42 } }, "gatepay.secret", "required"],
    [
      "a PayerMax public key that does not parse",
      { payermax: { platformPublicKey: "abc" } },
      "payermax.platformPublicKey",
      "key",
    ],
    ["a missing PayerMax public key", { payermax: {} }, "payermax.platformPublicKey", "required"],
    [
      "a DaxPay signType it does not know",
      { daxpay: { secret: "s", signType: "SHA1" } },
      "daxpay.signType",
      "enum:HMAC_SHA256|MD5",
    ],
    ["a misspelt provider", { gatePay: { secret: "s" }, daxpay: { secret: "s" } }, "gatePay", "unknown"],
    [
      "an unknown provider option",
      { gatepay: { secret: "s", tolerance: 1000 } },
      "gatepay.tolerance",
      "unknown",
    ],
    [
      "a negative toleranceMs",
      { daxpay: { secret: "s", toleranceMs: -1 } },
      "daxpay.toleranceMs",
      "range:0..",
    ],
    ["a now that is not a function", { gatepay: { secret: "s", now: 5 } }, "gatepay.now", "function"],
    [
      "a replayStore without forget",
      { daxpay: { secret: "s", replayStore: { seen: async () => false } } },
      "daxpay.replayStore",
      "ReplayStore",
    ],
    ["provider options that are not an object", { daxpay: "secret" }, "daxpay", "object"],
    ["a maxBodyBytes of 0", { daxpay: { secret: "s" }, maxBodyBytes: 0 }, "maxBodyBytes", "range:1.."],
  ])("refuses to be created with %s, naming the field", (_case, options, field, rule) => {
    expect(() =>
      createNotificationHandler({ ...(options as object), onNotification: () => {} } as never),
    ).toThrow(expect.objectContaining({ type: "validation", field, rule }));
  });

  it("answers 500 configuration_error, not 400, when a verifier fails for a reason that is not the notification's", async () => {
    const store = {
      seen: async () => {
        throw new ValidationError({ field: "replayStore", rule: "reachable", reason: "Redis is down" });
      },
      forget: async () => {},
    };
    let calls = 0;
    const handle = handlerWith(() => {
      calls += 1;
    }, store);
    expect(await answer(await handle(daxpayRequest()))).toStrictEqual({
      status: 500,
      type: "application/json",
      body: '{"error":"configuration_error"}',
    });
    expect(calls).toBe(0);
  });
});
