// Issue 13, inputs 5 and 7: every option that ends up in a header or in the request URL is checked
// when the client is created, so a bad one fails once, clearly, instead of on every call.

import { describe, expect, it } from "vitest";
import { createDaxPayClient } from "../daxpay/client.js";
import { createGatePayClient } from "../gatepay/client.js";
import { isGatePaySuccessEnvelope } from "../gatepay/codes.js";
import { createPayerMaxClient } from "../payermax/client.js";
import { TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from "../payermax/test-keys.js";
import { ValidationError } from "./errors.js";
import { isLoopbackHost, requireHeaderValue, requireHttpUrl } from "./validate.js";

function thrown(create: () => unknown): unknown {
  try {
    create();
  } catch (error) {
    return error;
  }
  throw new Error("expected the client creation to throw");
}

const gatepay = (options: Record<string, unknown>) => () =>
  createGatePayClient({ clientId: "client-1", secret: "s", ...options } as never);
const payermax = (options: Record<string, unknown>) => () =>
  createPayerMaxClient({
    appId: "app",
    privateKey: TEST_PRIVATE_KEY_PEM,
    platformPublicKey: TEST_PUBLIC_KEY_PEM,
    ...options,
  } as never);

describe("header-bound options", () => {
  it("refuses a clientId with CR/LF at creation, naming it, without echoing it (issue 13, input 5)", () => {
    const error = thrown(gatepay({ clientId: "cid\r\nX-Injected: 1" }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: "clientId", rule: "headerValue", provider: "gatepay" });
    expect((error as Error).message).not.toContain("X-Injected");
    expect((error as Error).cause).toBeUndefined();
  });

  it("refuses every other character a header cannot carry, and accepts visible ASCII", () => {
    for (const clientId of ["cid\n", "cid\r", " cid", "cid ", "c\u0000d", "客户", "c\u007fd", "a\tb"]) {
      expect(thrown(gatepay({ clientId }))).toMatchObject({ field: "clientId", rule: "headerValue" });
    }
    expect(() => gatepay({ clientId: "Client-01_a.b~c" })()).not.toThrow();
    expect(requireHeaderValue("a b", "x")).toBe("a b");
  });

  it("refuses a merchantId that is not an int64, and keeps a large one exact", () => {
    for (const merchantId of ["1\r\n", "-1", "9223372036854775808", "01", 1.5, 2 ** 53]) {
      expect(thrown(gatepay({ merchantId }))).toMatchObject({ field: "merchantId", rule: "int64" });
    }
    expect(() => gatepay({ merchantId: "9223372036854775807" })()).not.toThrow();
  });
});

describe("signed-answer windows", () => {
  it("refuses a responseWindowMs that is not whole milliseconds from 0 to 24 h, naming it", () => {
    for (const responseWindowMs of [-1, 1.5, 86_400_001, "10000"]) {
      expect(thrown(gatepay({ responseWindowMs }))).toMatchObject({
        field: "responseWindowMs",
        rule: "range:0..86400000",
        provider: "gatepay",
      });
    }
    const daxpay = (responseWindowMs: unknown) => () =>
      createDaxPayClient({ baseUrl: "http://127.0.0.1:9000", secret: "s", responseWindowMs } as never);
    expect(thrown(daxpay({ pastMs: -5 }))).toMatchObject({
      field: "responseWindowMs.pastMs",
      rule: "range:0..86400000",
    });
    expect(thrown(daxpay({ futureMs: "60000" }))).toMatchObject({ field: "responseWindowMs.futureMs" });
    expect(thrown(daxpay({ past: 1 }))).toMatchObject({ field: "responseWindowMs.past", rule: "unknown" });
    expect(thrown(daxpay(10_000))).toMatchObject({ field: "responseWindowMs" });
    expect(() => daxpay({ pastMs: 120_000, futureMs: 0 })()).not.toThrow();
  });
});

describe("baseUrl", () => {
  it("refuses a bare '?' or '#', which URL would drop while the signed POST went to '/?/v1/...' (issue 13, input 7)", () => {
    for (const baseUrl of [
      "https://openplatform.gateapi.io/?",
      "https://openplatform.gateapi.io#",
      "https://h.example/?a=1",
    ]) {
      expect(thrown(gatepay({ baseUrl }))).toMatchObject({ field: "baseUrl", rule: "url" });
    }
  });

  it("refuses plain http:// to a hosted provider unless explicitly allowed; loopback is always fine", () => {
    expect(thrown(gatepay({ baseUrl: "http://openplatform.gateapi.io" }))).toMatchObject({
      field: "baseUrl",
      rule: "https",
    });
    expect(thrown(payermax({ baseUrl: "http://pay-gate-uat.payermax.com" }))).toMatchObject({
      field: "baseUrl",
      rule: "https",
    });
    expect(() => gatepay({ baseUrl: "http://gatepay.internal", allowInsecureHttp: true })()).not.toThrow();
    for (const baseUrl of [
      "http://127.0.0.1:9000",
      "http://127.8.9.10",
      "http://[::1]:8080",
      "http://localhost:3000",
    ]) {
      expect(() => gatepay({ baseUrl })()).not.toThrow();
    }
    expect(thrown(gatepay({ baseUrl: "http://h.example", allowInsecureHttp: "yes" }))).toMatchObject({
      field: "allowInsecureHttp",
      rule: "boolean",
    });
  });

  it("lets DaxPay, which the merchant hosts, use plain http:// on its own network", () => {
    expect(() => createDaxPayClient({ baseUrl: "http://daxpay.internal:9000", secret: "s" })).not.toThrow();
    expect(requireHttpUrl("http://daxpay.internal/", "baseUrl", { insecureHttp: true })).toBe(
      "http://daxpay.internal",
    );
  });

  it("knows loopback hosts as URL spells them", () => {
    expect(["127.0.0.1", "127.255.0.9", "[::1]", "localhost"].map(isLoopbackHost)).toStrictEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(["128.0.0.1", "127.0.0.1.example", "::1", "localhost.example"].map(isLoopbackHost)).toStrictEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("isGatePaySuccessEnvelope (issue 13, input 8)", () => {
  it("folds ASCII letters only: 'ſuccess' (U+017F) is not SUCCESS", () => {
    expect(isGatePaySuccessEnvelope({ status: "success", code: "0" })).toBe(true);
    expect(isGatePaySuccessEnvelope({ status: "ſuccess", code: "000000" })).toBe(false);
    expect(isGatePaySuccessEnvelope({ status: "SUCCESS\u0130", code: "000000" })).toBe(false);
  });

  it("needs status or code, and every one present to say success", () => {
    expect(isGatePaySuccessEnvelope({ status: "SUCCESS", code: null })).toBe(true);
    expect(isGatePaySuccessEnvelope({ code: "000000" })).toBe(true);
    expect(isGatePaySuccessEnvelope({ status: null, code: null })).toBe(false);
    expect(isGatePaySuccessEnvelope({})).toBe(false);
    expect(isGatePaySuccessEnvelope({ status: "SUCCESS", code: "400204" })).toBe(false);
    expect(isGatePaySuccessEnvelope({ status: "FAIL", code: "000000" })).toBe(false);
    expect(isGatePaySuccessEnvelope({ status: 1, code: "000000" })).toBe(false);
  });
});
