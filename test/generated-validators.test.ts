import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { transformSync } from "esbuild";
import { describe, expect, it } from "vitest";
import * as daxpay from "../generated/daxpay.validators.js";
import * as otc from "../generated/gatepay-otc.validators.js";
import * as payments from "../generated/gatepay-payments.validators.js";
import * as payermax from "../generated/payermax.validators.js";
import { API_NAMES } from "../scripts/lib/apis.js";

const root = resolve(import.meta.dirname, "..");

function firstIssue(validator: payments.SchemaValidator, data: unknown) {
  expect(validator(data)).toBe(false);
  const [issue] = validator.errors ?? [];
  return { path: issue?.instancePath, keyword: issue?.keyword };
}

describe("GatePay close prepay order validators", () => {
  it("accept either merchantTradeNo or prepayId", () => {
    expect(payments.validateCloseOrderRequest({ merchantTradeNo: "118223456797" })).toBe(true);
    expect(payments.validateCloseOrderRequest({ prepayId: "56335239" })).toBe(true);
  });

  it("reject a body with neither merchantTradeNo nor prepayId", () => {
    expect(firstIssue(payments.validateCloseOrderRequest, {})).toEqual({ path: "", keyword: "required" });
  });

  it("count merchantTradeNo in UTF-8 bytes: 10 CJK characters (30 bytes) pass, 11 (33 bytes) fail", () => {
    expect(payments.validateCloseOrderRequest({ merchantTradeNo: "订".repeat(10) })).toBe(true);
    expect(firstIssue(payments.validateCloseOrderRequest, { merchantTradeNo: "订".repeat(11) })).toEqual({
      path: "/merchantTradeNo",
      keyword: "x-max-bytes",
    });
  });

  it("accept a response status the spec does not list, because provider enums grow", () => {
    expect(payments.validateCloseOrderResponse200({ status: "PROCESSING", code: "000000" })).toBe(true);
  });

  it("reject a response without its required code", () => {
    expect(firstIssue(payments.validateCloseOrderResponse200, { status: "SUCCESS" })).toEqual({
      path: "",
      keyword: "required",
    });
  });
});

describe("GatePay OTC validators", () => {
  const request = {
    quoteToken: "qt_01JXYZABCDEF",
    bankId: "ba_123456789",
    currency: "USDT",
    amount: "1088.42",
    fiatCurrency: "USD",
    fiatAmount: "1000",
  };

  it("accept the vendor's own example", () => {
    expect(otc.validateCreateRechargeRequest(request)).toBe(true);
  });

  it("reject a currency outside USDT and USDC", () => {
    expect(firstIssue(otc.validateCreateRechargeRequest, { ...request, currency: "BTC" })).toEqual({
      path: "/currency",
      keyword: "enum",
    });
  });

  it("reject amounts that are numbers or not plain decimal strings", () => {
    expect(firstIssue(otc.validateCreateRechargeRequest, { ...request, amount: 1088.42 })).toEqual({
      path: "/amount",
      keyword: "type",
    });
    for (const amount of ["1e3", "-1", "01", "1.", ".5", " 1"]) {
      expect(firstIssue(otc.validateCreateRechargeRequest, { ...request, amount })).toEqual({
        path: "/amount",
        keyword: "pattern",
      });
    }
  });

  it("require the order id to cancel a recharge", () => {
    expect(otc.validateCancelRechargeRequest({ orderId: "71347515709194240" })).toBe(true);
    expect(firstIssue(otc.validateCancelRechargeRequest, {})).toEqual({ path: "", keyword: "required" });
  });
});

describe("DaxPay cancel validators", () => {
  it("accept IPv4 and IPv6 client addresses and reject others", () => {
    expect(daxpay.validateCancelRequest({ orderNo: "1", reqTime: 1, clientIp: "127.0.0.1" })).toBe(true);
    expect(daxpay.validateCancelRequest({ orderNo: "1", reqTime: 1, clientIp: "2001:db8::1" })).toBe(true);
    expect(daxpay.validateCancelRequest({ orderNo: "1", reqTime: 1, clientIp: "::ffff:10.0.0.1" })).toBe(
      true,
    );
    expect(
      firstIssue(daxpay.validateCancelRequest, { orderNo: "1", reqTime: 1, clientIp: "256.0.0.1" }),
    ).toEqual({
      path: "/clientIp",
      keyword: "x-format",
    });
  });

  it("require reqTime as an integer and one of orderNo or bizOrderNo", () => {
    expect(firstIssue(daxpay.validateCancelRequest, { orderNo: "1", reqTime: 1.5 })).toEqual({
      path: "/reqTime",
      keyword: "type",
    });
    expect(firstIssue(daxpay.validateCancelRequest, { reqTime: 1 })).toEqual({
      path: "",
      keyword: "required",
    });
  });

  it("count maxLength in UTF-16 code units, as the server's @Size does (an emoji is two)", () => {
    expect(daxpay.validateCancelRequest({ orderNo: "😀".repeat(16), reqTime: 1 })).toBe(true);
    expect(firstIssue(daxpay.validateCancelRequest, { orderNo: `${"😀".repeat(16)}x`, reqTime: 1 })).toEqual({
      path: "/orderNo",
      keyword: "maxLength",
    });
    expect(daxpay.validateCancelRequest({ bizOrderNo: "😀".repeat(50), reqTime: 1 })).toBe(true);
    expect(firstIssue(daxpay.validateCancelRequest, { bizOrderNo: "😀".repeat(51), reqTime: 1 })).toEqual({
      path: "/bizOrderNo",
      keyword: "maxLength",
    });
  });

  it("accept the seed's signed response and an unsigned error answer", () => {
    const signed = {
      msg: "success",
      code: 0,
      data: {
        code: 0,
        resTime: 1715347771,
        sign: "3e71c47b15fc9c3da9487acdb1848870712dbbd130fce99eb99ed0c893537ffb",
      },
      traceId: "JQWKpAeCJGlX",
    };
    expect(daxpay.validateCancelResponse200(signed)).toBe(true);
    expect(daxpay.validateCancelResponse200({ code: 20052, msg: "验签失败", traceId: "vHugexb46msh" })).toBe(
      true,
    );
  });
});

describe("PayerMax cancel validators", () => {
  const data = {
    requestId: "r1",
    outTradeNo: "o1",
    status: "PENDING",
    createdTime: "2023-08-06T23:50:59 +0000",
    succeededTime: null,
    failedTime: null,
    errorCode: null,
    errorMsg: null,
  };

  it("keep an unknown cancel status as data rather than failing", () => {
    expect(
      payermax.validateCancelResponse200({
        code: "APPLY_SUCCESS",
        msg: "Success.",
        data: { ...data, status: "REVERSED" },
      }),
    ).toBe(true);
  });

  it("reject a data object missing a required field", () => {
    const { requestId: _dropped, ...rest } = data;
    expect(
      firstIssue(payermax.validateCancelResponse200, { code: "APPLY_SUCCESS", msg: "Success.", data: rest }),
    ).toEqual({
      path: "/data",
      keyword: "required",
    });
  });

  it("require requestTime in yyyy-MM-dd'T'HH:mm:ss.SSSXXX form", () => {
    const request = {
      version: "1.5",
      keyVersion: "1",
      appId: "a",
      data: { requestId: "r", outTradeNo: "o" },
    };
    expect(payermax.validateCancelRequest({ ...request, requestTime: "2024-11-06T11:56:13.000+08:00" })).toBe(
      true,
    );
    expect(payermax.validateCancelRequest({ ...request, requestTime: "2024-11-06T03:56:13.000Z" })).toBe(
      true,
    );
    expect(
      firstIssue(payermax.validateCancelRequest, { ...request, requestTime: "2024-11-06 11:56:13" }),
    ).toEqual({
      path: "/requestTime",
      keyword: "pattern",
    });
  });
});

describe("the generated validator modules", () => {
  it("run under plain Node ESM, with no require() of an Ajv runtime module", () => {
    const dir = join(root, ".tmp", "plain-node-validators");
    mkdirSync(dir, { recursive: true });
    for (const api of API_NAMES) {
      const source = readFileSync(join(root, "generated", `${api}.validators.ts`), "utf8");
      writeFileSync(join(dir, `${api}.mjs`), transformSync(source, { loader: "ts", format: "esm" }).code);
    }
    const script = [
      `const p = await import(${JSON.stringify(join(dir, "gatepay-payments.mjs"))});`,
      `const d = await import(${JSON.stringify(join(dir, "daxpay.mjs"))});`,
      `await import(${JSON.stringify(join(dir, "gatepay-otc.mjs"))});`,
      `await import(${JSON.stringify(join(dir, "payermax.mjs"))});`,
      `console.log(JSON.stringify([p.validateCloseOrderRequest({ merchantTradeNo: "订".repeat(11) }), d.validateCancelRequest({ orderNo: "x".repeat(33), reqTime: 1 }), d.validateCancelRequest({ orderNo: "x", reqTime: 1 })]));`,
    ].join("\n");
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    expect(output.trim()).toBe("[false,false,true]");
  });
});

describe("the generated validators' own keywords", () => {
  it("report the byte limit and the formats as params, not only in the message", () => {
    payments.validateCloseOrderRequest({ merchantTradeNo: "订".repeat(11) });
    expect(payments.validateCloseOrderRequest.errors?.[0]?.params).toEqual({ limit: 32 });
    daxpay.validateCancelRequest({ orderNo: "1", reqTime: 1, clientIp: "localhost" });
    expect(daxpay.validateCancelRequest.errors?.[0]?.params).toEqual({ formats: ["ipv4", "ipv6"] });
  });

  it("share one compiled validator between responses with the same schema", () => {
    expect(daxpay.validateCancelResponse5xx).toBe(daxpay.validateCancelResponse4xx);
    expect(otc.validateCancelRechargeResponse4xx).toBe(otc.validateCreateRechargeResponse4xx);
  });
});
