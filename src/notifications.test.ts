import { describe, expect, it } from "vitest";
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

  it("refuses a replay (409), a bad or missing signature (401) and a wrong shape (400), never calling onNotification", async () => {
    let calls = 0;
    const handle = handlerWith(() => {
      calls += 1;
    });
    await handle(gatepayRequest());
    expect(await answer(await handle(gatepayRequest()))).toMatchObject({
      status: 409,
      body: '{"error":"signature_replayed"}',
    });
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
});
