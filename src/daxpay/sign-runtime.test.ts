// signDaxPay and verifyDaxPaySignature on a runtime whose node:crypto lacks a digest (MD5 is the one
// most often missing): the failure must come out as a typed error, and a verification that could not
// run must throw rather than answer false.

import { afterEach, describe, expect, it, vi } from "vitest";
import { ValidationError } from "../core/errors.js";
import { signDaxPay, verifyDaxPaySignature } from "./sign.js";

const runtime = vi.hoisted(() => ({ withoutMd5: false }));

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return {
    ...actual,
    createHash: (...args: Parameters<typeof actual.createHash>) => {
      if (runtime.withoutMd5 && args[0] === "md5") throw new Error("Digest method not supported");
      return actual.createHash(...args);
    },
  };
});

afterEach(() => {
  runtime.withoutMd5 = false;
});

const data = { code: 0, resTime: 1715347771 };
// openssl dgst -md5 of 'code=0&resTime=1715347771&key=123456' (also pinned in sign.test.ts).
const md5Sign = "ce6e2433dddaa983d52f6ef0328e9cf1";

describe("on a node:crypto without MD5", () => {
  it("signing with MD5 throws a ValidationError on signType with the runtime's error as cause", () => {
    runtime.withoutMd5 = true;
    expect(() => signDaxPay(data, "123456", "MD5")).toThrow(ValidationError);
    expect(() => signDaxPay(data, "123456", "MD5")).toThrow(
      expect.objectContaining({
        provider: "daxpay",
        field: "signType",
        rule: "digest",
        message: "[daxpay] signType: this runtime's node:crypto could not compute MD5 (Error)",
        cause: expect.any(Error),
      }),
    );
  });

  it("verifying an MD5 sign throws instead of answering false", () => {
    runtime.withoutMd5 = true;
    expect(() => verifyDaxPaySignature({ ...data, sign: md5Sign }, "123456", "MD5")).toThrow(ValidationError);
  });

  it("still signs and verifies with HMAC_SHA256", () => {
    runtime.withoutMd5 = true;
    const sign = signDaxPay(data, "123456");
    expect(sign).toBe("3e71c47b15fc9c3da9487acdb1848870712dbbd130fce99eb99ed0c893537ffb");
    expect(verifyDaxPaySignature({ ...data, sign }, "123456")).toBe(true);
  });
});
