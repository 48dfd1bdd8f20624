import { createPrivateKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signPayerMax, verifyPayerMaxSignature } from "../payermax/sign.js";
import { resolveSandboxKeys, type SandboxCredentialsInput } from "./credentials.js";
import type { Sandbox } from "./server.js";
import { startSandbox } from "./server.js";
import { daxpayPost, gatepayPost, payermaxEnvelope, payermaxPost } from "./test-support.js";

// The one sandbox in this file that generates its own RSA keys (~0.2 s); the other tests reuse them.
let generated: Sandbox;
const consoleCalls: unknown[] = [];

beforeAll(async () => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleCalls.push(args);
    });
  }
  generated = await startSandbox();
});
afterAll(async () => {
  await generated.stop();
  vi.restoreAllMocks();
});

function fixedInput(): Required<SandboxCredentialsInput> {
  return {
    gatepay: { clientId: "fixed-client", secret: "fixed-secret", merchantId: 42 },
    daxpay: { secret: "fixed-daxpay" },
    payermax: {
      appId: "fixed-app",
      merchantNo: "FIXED01",
      privateKey: generated.credentials.payermax.privateKey,
      // Any RSA private key will do as the platform's: reuse the merchant's to avoid another key generation.
      platformPrivateKey: generated.credentials.payermax.privateKey,
    },
  };
}

describe("generated credentials", () => {
  it("has exactly the fields each client factory takes, with sandbox-labelled secrets", () => {
    const { gatepay, daxpay, payermax } = generated.credentials;
    expect(Object.keys(gatepay)).toEqual(["clientId", "secret", "merchantId"]);
    expect(gatepay.clientId).toMatch(/^sandbox-[0-9a-f]{32}$/);
    expect(gatepay.secret).toMatch(/^sandbox-[A-Za-z0-9_-]{32}$/);
    expect(Number.isSafeInteger(gatepay.merchantId)).toBe(true);
    expect(gatepay.merchantId).toBeGreaterThanOrEqual(10_000_000);
    expect(daxpay).toEqual({
      secret: expect.stringMatching(/^sandbox-[A-Za-z0-9_-]{32}$/),
      signType: "HMAC_SHA256",
    });
    expect(Object.keys(payermax)).toEqual(["appId", "merchantNo", "privateKey", "platformPublicKey"]);
    expect(payermax.appId).toMatch(/^[0-9a-f]{32}$/);
    expect(payermax.merchantNo).toMatch(/^SANDBOX[0-9]{8}$/);
    expect(payermax.privateKey.startsWith("-----BEGIN PRIVATE KEY-----\n")).toBe(true);
    expect(payermax.platformPublicKey.startsWith("-----BEGIN PUBLIC KEY-----\n")).toBe(true);
    expect(createPrivateKey(payermax.privateKey).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it("gives a merchant key the sandbox accepts and a platform key that verifies its answers", async () => {
    const order = generated.seed.payermaxOrder();
    const answer = await payermaxPost(
      generated,
      payermaxEnvelope(generated, Date.now(), { requestId: "R1", outTradeNo: order.outTradeNo }),
    );
    expect(answer.json.data.status).toBe("PENDING");
    const sign = answer.headers.get("sign") ?? "";
    expect(verifyPayerMaxSignature(answer.text, sign, generated.credentials.payermax.platformPublicKey)).toBe(
      true,
    );
  });

  it("keeps the merchant and platform key pairs apart", () => {
    const probe = "which key signed this?";
    const merchantSignature = signPayerMax(probe, generated.credentials.payermax.privateKey);
    expect(
      verifyPayerMaxSignature(probe, merchantSignature, generated.credentials.payermax.platformPublicKey),
    ).toBe(false);
  });

  it("gives GatePay and DaxPay secrets the sandbox accepts", async () => {
    const prepay = generated.seed.gatepayPrepayOrder();
    expect(
      (await gatepayPost(generated, Date.now(), "/v1/pay/order/close", { prepayId: prepay.prepayId })).json
        .code,
    ).toBe("000000");
    const order = generated.seed.daxpayOrder();
    const answer = await daxpayPost(generated, {
      orderNo: order.orderNo,
      reqTime: Math.floor(Date.now() / 1000),
    });
    expect(answer.json.data.code).toBe(0);
  });

  it("generates fresh secrets at every start", () => {
    const payermax = fixedInput().payermax;
    const first = resolveSandboxKeys({ payermax }, "HMAC_SHA256").credentials;
    const second = resolveSandboxKeys({ payermax }, "MD5").credentials;
    expect(first.gatepay.secret).not.toBe(second.gatepay.secret);
    expect(first.gatepay.clientId).not.toBe(second.gatepay.clientId);
    expect(first.daxpay.secret).not.toBe(second.daxpay.secret);
    expect(second.daxpay.signType).toBe("MD5");
  });

  it("never writes to the console, so no secret reaches a log", () => {
    expect(consoleCalls).toEqual([]);
  });
});

describe("fixed credentials", () => {
  it("hands fixed credentials back unchanged, with the platform public key derived from its private key", () => {
    const input = fixedInput();
    const { credentials } = resolveSandboxKeys(input, "HMAC_SHA256");
    expect(credentials).toEqual({
      gatepay: input.gatepay,
      daxpay: { secret: "fixed-daxpay", signType: "HMAC_SHA256" },
      payermax: {
        appId: "fixed-app",
        merchantNo: "FIXED01",
        privateKey: input.payermax.privateKey,
        platformPublicKey: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n/),
      },
      payermaxBase64: {
        privateKey: createPrivateKey(input.payermax.privateKey)
          .export({ type: "pkcs8", format: "der" })
          .toString("base64"),
        platformPublicKey: expect.stringMatching(/^MIIBIjAN[A-Za-z0-9+/]+={0,2}$/),
      },
    });
    const signature = signPayerMax("x", input.payermax.platformPrivateKey);
    expect(verifyPayerMaxSignature("x", signature, credentials.payermax.platformPublicKey)).toBe(true);
  });

  it("hands out the PayerMax keys as bare Base64 too, the form PayerMax's SDKs take, and both forms are one key", async () => {
    const { payermax, payermaxBase64 } = generated.credentials;
    expect(payermaxBase64.privateKey).toMatch(/^MII[A-Za-z0-9+/]+={0,2}$/);
    expect(payermaxBase64.platformPublicKey).toMatch(/^MIIBIjAN[A-Za-z0-9+/]+={0,2}$/);
    expect(
      createPrivateKey(payermax.privateKey).export({ type: "pkcs8", format: "der" }).toString("base64"),
    ).toBe(payermaxBase64.privateKey);
    // A request signed with the Base64 key is accepted, and the answer verifies with the Base64 public key.
    const order = generated.seed.payermaxOrder();
    const answer = await payermaxPost(
      generated,
      payermaxEnvelope(generated, Date.now(), { requestId: "B64-1", outTradeNo: order.outTradeNo }),
      { privateKey: payermaxBase64.privateKey },
    );
    expect(answer.json.code).toBe("APPLY_SUCCESS");
    expect(
      verifyPayerMaxSignature(
        answer.text,
        answer.headers.get("sign") ?? "",
        payermaxBase64.platformPublicKey,
      ),
    ).toBe(true);
  });

  it("accepts keys as bare Base64 PKCS#8 DER", () => {
    const der = createPrivateKey(generated.credentials.payermax.privateKey)
      .export({ type: "pkcs8", format: "der" })
      .toString("base64");
    const input = fixedInput();
    const keys = resolveSandboxKeys(
      { payermax: { ...input.payermax, privateKey: der, platformPrivateKey: der } },
      "HMAC_SHA256",
    );
    expect(keys.credentials.payermax.privateKey).toBe(der);
  });

  it.each<[SandboxCredentialsInput, string, string]>([
    [
      { gatepay: { clientId: "c", secret: "s", merchantId: "42" as never } },
      "credentials.gatepay.merchantId",
      "must be a positive safe integer",
    ],
    [
      { gatepay: { clientId: "c", secret: "", merchantId: 42 } },
      "credentials.gatepay.secret",
      "must not be empty",
    ],
    [{ daxpay: {} as never }, "credentials.daxpay.secret", "is required"],
    [
      { daxpay: { secret: "s", signType: "MD5" } as never },
      "credentials.daxpay.signType",
      "is not a known field",
    ],
    [{ stripe: {} } as never, "credentials.stripe", "is not a known field"],
  ])("refuses %j naming the field", (input, field, reason) => {
    expect(() => resolveSandboxKeys(input, "HMAC_SHA256")).toThrow(
      expect.objectContaining({ name: "SandboxInputError", field, message: `${field} ${reason}` }),
    );
  });

  it("refuses an unusable PayerMax key without echoing it", () => {
    const input = fixedInput();
    const secretLooking = "-----BEGIN PRIVATE KEY-----\nTOPSECRETBUTBROKEN\n-----END PRIVATE KEY-----";
    let thrown: unknown;
    try {
      resolveSandboxKeys(
        { payermax: { ...input.payermax, platformPrivateKey: secretLooking } },
        "HMAC_SHA256",
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      name: "SandboxInputError",
      field: "credentials.payermax.platformPrivateKey",
    });
    expect((thrown as Error).message).toMatch(
      /^credentials\.payermax\.platformPrivateKey is not a usable RSA private key/,
    );
    expect((thrown as Error).message).not.toContain("TOPSECRET");
  });
});
