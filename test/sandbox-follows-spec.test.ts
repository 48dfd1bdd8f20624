// The sandbox follows the bundled specs: it serves exactly their paths and methods, and every answer it
// gives (each operation's success and its main rejections) passes the generated response validator for
// that operation and status. A vendor change the sandbox does not follow fails here, naming the path or
// the field; a path it does not serve is a 404 the client reports as one.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as daxpayValidators from "../generated/daxpay.validators.js";
import * as otcValidators from "../generated/gatepay-otc.validators.js";
import * as paymentsValidators from "../generated/gatepay-payments.validators.js";
import * as payermaxValidators from "../generated/payermax.validators.js";
import { API_NAMES, bundledSpecPath } from "../scripts/lib/apis.js";
import { runTour } from "../scripts/tour.js";
import {
  createDaxPayClient,
  createGatePayClient,
  createPayerMaxClient,
  UnexpectedResponseError,
} from "../src/index.js";
import { daxpayRoutes } from "../src/sandbox/daxpay.js";
import { gatepayRoutes } from "../src/sandbox/gatepay.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { payermaxRoutes } from "../src/sandbox/payermax.js";
import {
  answerProblems,
  type RecordedAnswer,
  sandboxRouteProblems,
  specOperations,
} from "./support/sandbox-spec.js";

const root = join(import.meta.dirname, "..");
const documents = Object.fromEntries(
  API_NAMES.map((api) => [api, JSON.parse(readFileSync(join(root, bundledSpecPath(api)), "utf8"))]),
);
const validators = {
  "gatepay-otc": otcValidators,
  "gatepay-payments": paymentsValidators,
  daxpay: daxpayValidators,
  payermax: payermaxValidators,
};
const routes = [...gatepayRoutes, ...daxpayRoutes, ...payermaxRoutes];

describe("the sandbox's routes", () => {
  it("are exactly the bundled specs' operations, by path, method and operationId", () => {
    expect(specOperations(documents)).toHaveLength(5);
    expect(sandboxRouteProblems(documents, routes)).toEqual([]);
  });

  it("would be reported, path by path, if a vendor moved one", () => {
    const moved = structuredClone(documents);
    const paths = moved["gatepay-otc"].paths;
    paths["/open/otc/api/v2/recharge/cancel"] = paths["/open/otc/api/recharge/cancel"];
    delete paths["/open/otc/api/recharge/cancel"];
    expect(sandboxRouteProblems(moved, routes)).toEqual([
      "POST /open/otc/api/v2/recharge/cancel (gatepay-otc cancelRecharge): in the spec, but the sandbox serves no such path",
      "POST /open/otc/api/recharge/cancel (sandbox cancelRecharge): served by the sandbox, but in no spec",
    ]);
  });
});

describe("the sandbox's answers", () => {
  let sandbox: Sandbox;
  const answers: RecordedAnswer[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox();
    // Every client here is given this fetch (without one they would send over node:http): record each answer.
    const recording: typeof fetch = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = init?.method ?? (input instanceof Request ? input.method : "GET");
      answers.push({
        method,
        path: url.pathname,
        status: response.status,
        text: await response.clone().text(),
      });
      return response;
    };
    {
      await runTour(sandbox, { fetch: recording });
      // The signature rejections, which the tour does not make.
      const { url, credentials } = sandbox;
      const wrongGatePay = createGatePayClient({
        ...credentials.gatepay,
        secret: "not-the-secret",
        baseUrl: url,
        fetch: recording,
      });
      const recharge = sandbox.seed.gatepayRecharge();
      sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: "SPEC-CLOSE-1" });
      const quote = sandbox.mintQuote();
      await Promise.allSettled([
        wrongGatePay.closeOrder({ merchantTradeNo: "SPEC-CLOSE-1" }),
        wrongGatePay.cancelRecharge({ orderId: recharge.orderId }),
        wrongGatePay.createRecharge({
          quoteToken: quote.quoteToken,
          bankId: "ba_123456789",
          currency: quote.currency,
          amount: quote.amount,
          fiatCurrency: quote.fiatCurrency,
          fiatAmount: quote.fiatAmount,
        }),
        createDaxPayClient({
          ...credentials.daxpay,
          secret: "not-the-secret",
          baseUrl: url,
          fetch: recording,
        }).cancel({
          orderNo: "1",
        }),
      ]);
    }
  });
  afterAll(() => sandbox.stop());

  it("cover every operation of the specs, each with a success and a rejection", () => {
    for (const operation of specOperations(documents)) {
      const mine = answers.filter((answer) => answer.path === operation.path);
      expect(mine.length, `${operation.method} ${operation.path}`).toBeGreaterThanOrEqual(2);
      expect(
        mine.some((answer) => answer.status === 200),
        `${operation.method} ${operation.path} answered 200`,
      ).toBe(true);
    }
  });

  it("each pass the generated validator of their operation and status", () => {
    expect(answerProblems(documents, validators, answers)).toEqual([]);
  });

  it("would be reported, naming the field, if the spec required a field the sandbox does not send", () => {
    const demanding = Object.assign(
      (data: unknown) => {
        const ok = typeof data === "object" && data !== null && "expireTime" in data;
        demanding.errors = ok
          ? null
          : [{ instancePath: "", keyword: "required", message: "must have required property 'expireTime'" }];
        return ok;
      },
      { errors: null as unknown },
    );
    const stricter = {
      ...validators,
      "gatepay-otc": { ...otcValidators, validateCreateRechargeResponse200: demanding },
    };
    expect(
      answerProblems(
        documents,
        stricter,
        // The one successful create (GatePay answers its refusals with HTTP 200 too).
        answers.filter(
          (answer) => answer.path === "/open/otc/api/recharge" && JSON.parse(answer.text).code === "000000",
        ),
      ),
    ).toEqual([
      "POST /open/otc/api/recharge answered 200: (root) must have required property 'expireTime' (validateCreateRechargeResponse200)",
    ]);
  });
});

describe("a path the sandbox does not serve", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.stop());

  it("is answered 404, naming the method and path", async () => {
    const response = await fetch(`${sandbox.url}/open/otc/api/v2/recharge/cancel`, {
      method: "POST",
      body: "{}",
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: "not_found",
      message: "no sandbox route for POST /open/otc/api/v2/recharge/cancel",
    });
  });

  it("reaches the client as an HTTP 404, not as a shape it cannot explain", async () => {
    const { credentials } = sandbox;
    const baseUrl = `${sandbox.url}/moved`;
    const calls = [
      createGatePayClient({ ...credentials.gatepay, baseUrl }).cancelRecharge({ orderId: "1" }),
      createDaxPayClient({ ...credentials.daxpay, baseUrl }).cancel({ orderNo: "1" }),
      createPayerMaxClient({ ...credentials.payermax, baseUrl }).cancel({
        requestId: "r1",
        outTradeNo: "o1",
      }),
    ];
    for (const call of calls) {
      const error = await call.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(UnexpectedResponseError);
      expect(error).toMatchObject({ status: 404 });
      expect((error as Error).message).toMatch(
        /response does not match the expected schema: HTTP 404 Not Found: nothing answers at this path \(check baseUrl, or whether the provider moved the path\); \(root\) must have required property '(code|status)'$/,
      );
    }
  });
});
