// The published request examples and the requests of the providers' own SDKs
// (test/fixtures/provider-examples), replayed verbatim against the sandbox: what the providers serve,
// the sandbox must serve too. Each runs with the sandbox clock at the example's own time.

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRequestTime } from "./payermax.js";
import type { Sandbox } from "./server.js";
import { startSandbox } from "./server.js";
import { gatepayPost, payermaxPost, post, TestClock, testCredentials } from "./test-support.js";

function fixtureBody(path: string): string {
  return (JSON.parse(readFileSync(`test/fixtures/provider-examples/${path}`, "utf8")) as { body: string })
    .body;
}

const base = testCredentials();
const clock = new TestClock();
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    clock: clock.read,
    credentials: {
      ...base,
      // The ids the examples print; the keys and secrets stay test material.
      daxpay: { secret: "123456" },
      payermax: {
        ...base.payermax,
        appId: "8f8b0895b60f41abbdb05405052971c8",
        merchantNo: "P01010114178824",
      },
    },
  });
});
afterAll(async () => {
  await sandbox.stop();
});

describe("published and SDK requests replayed against the sandbox", () => {
  it.each([
    ["gatepay/close-order-request-page.json"],
    ["gatepay/close-order-request-go-sdk.json"],
    ["gatepay/close-order-request-java-sdk.json"],
  ])("closes the order of %s by its merchantTradeNo", async (path) => {
    sandbox.reset();
    sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: "118223456797" });
    const answer = await gatepayPost(sandbox, clock.now, "/v1/pay/order/close", fixtureBody(path));
    expect(answer.json).toEqual({
      status: "SUCCESS",
      code: "000000",
      errorMessage: "",
      data: { result: "SUCCESS" },
    });
    expect(sandbox.orders()[0]).toMatchObject({ status: "CLOSED", stateChanges: 1 });
  });

  it.each([
    ["payermax/cancel-request-go-sdk.json"],
    ["payermax/cancel-request-php-sdk.json"],
    ["payermax/cancel-request-java-sdk.json"],
  ])("accepts %s as sent and cancels its order", async (path) => {
    sandbox.reset();
    const body = fixtureBody(path);
    clock.now = parseRequestTime((JSON.parse(body) as { requestTime: string }).requestTime);
    sandbox.seed.payermaxOrder({ outTradeNo: "xxxxxxxx" });
    const answer = await payermaxPost(sandbox, body);
    expect(answer.json).toMatchObject({
      code: "APPLY_SUCCESS",
      msg: "Success.",
      data: { requestId: "xxxxx", outTradeNo: "xxxxxxxx", status: "PENDING" },
    });
    expect(sandbox.orders()[0]).toMatchObject({ status: "CANCELLED" });
  });

  it("answers the DaxPay page's request with 20052: it signs bizTradeNo, a field the 2.0.x server ignores", async () => {
    sandbox.reset();
    clock.now = 1_715_347_558_000;
    const answer = await post(
      `${sandbox.url}/unipay/cancel`,
      fixtureBody("daxpay/cancel-request-page.json"),
      {
        "content-type": "application/json",
      },
    );
    expect(answer.json).toEqual({ msg: "验签失败", code: 20052, data: null, traceId: expect.any(String) });
  });
});
