import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/errors.js";
import { daxPaySignString, signDaxPay, verifyDaxPaySignature } from "./sign.js";

// Expected digests were computed with openssl, not with this code, e.g.
//   printf '%s' 'code=0&resTime=1715347771&key=123456' | openssl dgst -sha256 -hmac 123456
//   printf '%s' 'code=0&resTime=1715347771&key=123456' | openssl dgst -md5
// The two HMAC_SHA256 values are also the ones printed on the seed page
// specs/daxpay/source/002_4bab13d051213cac.txt.
const secret = "123456";

const seedRequest = { bizTradeNo: "P0001", clientIp: "127.0.0.1", reqTime: 1715347558 };
const seedRequestSign = "458565a54e959fa206dcda9b44eecaf0d5907e8af40f9457d404e533e092a9ed";
const seedRequestMd5 = "bd02b2ac8843d55ead9eda14cf7ee808";

const seedResponseData = { code: 0, resTime: 1715347771 };
const seedResponseSign = "3e71c47b15fc9c3da9487acdb1848870712dbbd130fce99eb99ed0c893537ffb";
const seedResponseMd5 = "ce6e2433dddaa983d52f6ef0328e9cf1";

// One request exercising every rule at once: nulls skipped, empty string kept, quotes and
// backslashes stripped, an uppercase key sorted before lowercase ones, `sign` itself ignored.
const awkwardRequest = {
  reqTime: 1715347558,
  nonceStr: null,
  orderNo: undefined,
  clientIp: "",
  bizOrderNo: 'P"01\\A',
  Zone: "UTC",
  sign: "ignored",
};
const awkwardSignString = "Zone=UTC&bizOrderNo=P01A&clientIp=&reqTime=1715347558&key=123456";
const awkwardSign = "2fb12c4bf08d64fdeb0ad427b86f4e9f6e4d7c982992ed1a83134126ce950cb0";
const awkwardMd5 = "3d8df7b0bccbab148e57a578ebcb7fac";

describe("daxPaySignString", () => {
  it("builds the seed request's string: sorted key=value pairs joined by & then &key=<secret>", () => {
    expect(daxPaySignString(seedRequest, secret)).toBe(
      "bizTradeNo=P0001&clientIp=127.0.0.1&reqTime=1715347558&key=123456",
    );
  });

  it("builds the seed response data's string", () => {
    expect(daxPaySignString(seedResponseData, secret)).toBe("code=0&resTime=1715347771&key=123456");
  });

  it("skips null and undefined, keeps an empty string as 'key=', strips quotes and backslashes, sorts by code unit", () => {
    expect(daxPaySignString(awkwardRequest, secret)).toBe(awkwardSignString);
  });

  it("leaves out the sign field even when it holds a value", () => {
    expect(daxPaySignString({ ...seedRequest, sign: seedRequestSign }, secret)).toBe(
      daxPaySignString(seedRequest, secret),
    );
  });

  it("writes numbers and booleans as their plain text without URL-encoding anything", () => {
    expect(daxPaySignString({ amount: 1.5, paid: false, note: "a b&c=d/é" }, secret)).toBe(
      "amount=1.5&note=a b&c=d/é&paid=false&key=123456",
    );
  });

  it("does not upper-case anything", () => {
    expect(daxPaySignString({ orderNo: "devp2405" }, "MixedCaseSecret")).toBe(
      "orderNo=devp2405&key=MixedCaseSecret",
    );
  });

  it("appends the secret after stripping, so a secret containing a quote is used verbatim", () => {
    expect(daxPaySignString({ orderNo: 'A"1' }, 'se"cret')).toBe('orderNo=A1&key=se"cret');
  });

  it("throws a ValidationError naming a field whose value is an object, without the value", () => {
    const sign = () => daxPaySignString({ orderNo: "P1", extra: { nested: "CUSTOMER-DATA" } }, secret);
    expect(sign).toThrow(ValidationError);
    expect(sign).toThrow(
      expect.objectContaining({
        provider: "daxpay",
        field: "extra",
        rule: "scalar",
        message: "[daxpay] extra: must be a string, number or boolean to be signed",
      }),
    );
  });

  it("throws a ValidationError naming a field whose value is an array", () => {
    expect(() => daxPaySignString({ items: ["a"] }, secret)).toThrow(
      expect.objectContaining({ name: "ValidationError", field: "items", rule: "scalar" }),
    );
  });

  it("throws a ValidationError for a secret that is not a string, instead of signing 'undefined'", () => {
    const missing = undefined as unknown as string;
    expect(() => daxPaySignString(seedRequest, missing)).toThrow(
      expect.objectContaining({
        name: "ValidationError",
        provider: "daxpay",
        field: "secret",
        rule: "string",
      }),
    );
  });
});

describe("signDaxPay", () => {
  it("reproduces the seed page's request sign with HMAC_SHA256 by default", () => {
    expect(signDaxPay(seedRequest, secret)).toBe(seedRequestSign);
  });

  it("reproduces the seed page's response data sign", () => {
    expect(signDaxPay(seedResponseData, secret, "HMAC_SHA256")).toBe(seedResponseSign);
  });

  it("signs the awkward request with HMAC_SHA256", () => {
    expect(signDaxPay(awkwardRequest, secret)).toBe(awkwardSign);
  });

  it("signs with MD5 of the sign string when asked", () => {
    expect(signDaxPay(seedRequest, secret, "MD5")).toBe(seedRequestMd5);
    expect(signDaxPay(seedResponseData, secret, "MD5")).toBe(seedResponseMd5);
    expect(signDaxPay(awkwardRequest, secret, "MD5")).toBe(awkwardMd5);
  });

  it("throws a ValidationError for a sign type it does not know", () => {
    const sha1 = "SHA1" as unknown as "MD5";
    expect(() => signDaxPay(seedRequest, secret, sha1)).toThrow(
      new ValidationError({
        provider: "daxpay",
        field: "signType",
        rule: "enum:HMAC_SHA256|MD5",
        reason: "must be HMAC_SHA256 or MD5",
      }),
    );
    expect(() => signDaxPay(seedRequest, secret, sha1)).toThrow(ValidationError);
  });
});

describe("verifyDaxPaySignature", () => {
  it("accepts the seed page's signed response data", () => {
    expect(verifyDaxPaySignature({ code: 0, resTime: 1715347771, sign: seedResponseSign }, secret)).toBe(
      true,
    );
  });

  it("accepts response data with a null msg, because nulls are not signed", () => {
    expect(
      verifyDaxPaySignature({ code: 0, msg: null, resTime: 1715347771, sign: seedResponseSign }, secret),
    ).toBe(true);
  });

  it("accepts an MD5-signed object when told the platform uses MD5", () => {
    expect(verifyDaxPaySignature({ ...seedResponseData, sign: seedResponseMd5 }, secret, "MD5")).toBe(true);
  });

  it("rejects the data when a field was tampered with", () => {
    expect(verifyDaxPaySignature({ code: 1, resTime: 1715347771, sign: seedResponseSign }, secret)).toBe(
      false,
    );
  });

  it("rejects the data when a signed field was added", () => {
    expect(
      verifyDaxPaySignature({ ...seedResponseData, msg: "撤销失败", sign: seedResponseSign }, secret),
    ).toBe(false);
  });

  it("rejects the data under a different secret", () => {
    expect(verifyDaxPaySignature({ ...seedResponseData, sign: seedResponseSign }, "654321")).toBe(false);
  });

  it("rejects an HMAC_SHA256 sign checked as MD5, and an MD5 sign checked as HMAC_SHA256", () => {
    expect(verifyDaxPaySignature({ ...seedResponseData, sign: seedResponseSign }, secret, "MD5")).toBe(false);
    expect(verifyDaxPaySignature({ ...seedResponseData, sign: seedResponseMd5 }, secret, "HMAC_SHA256")).toBe(
      false,
    );
  });

  it("rejects the right sign written in uppercase hex", () => {
    expect(verifyDaxPaySignature({ ...seedResponseData, sign: seedResponseSign.toUpperCase() }, secret)).toBe(
      false,
    );
  });

  it("rejects a sign of the wrong length", () => {
    expect(verifyDaxPaySignature({ ...seedResponseData, sign: seedResponseSign.slice(0, -1) }, secret)).toBe(
      false,
    );
  });

  it("rejects an empty sign", () => {
    expect(verifyDaxPaySignature({ ...seedResponseData, sign: "" }, secret)).toBe(false);
  });

  it("rejects data with no sign", () => {
    expect(verifyDaxPaySignature(seedResponseData, secret)).toBe(false);
  });

  it("rejects a sign that is not a string", () => {
    expect(verifyDaxPaySignature({ ...seedResponseData, sign: 12345 }, secret)).toBe(false);
    expect(verifyDaxPaySignature({ ...seedResponseData, sign: null }, secret)).toBe(false);
  });

  it("returns false instead of throwing when the data holds a nested object", () => {
    expect(
      verifyDaxPaySignature({ ...seedResponseData, extra: { nested: true }, sign: seedResponseSign }, secret),
    ).toBe(false);
  });

  it("throws, rather than answering false, for an unknown sign type: the check cannot run", () => {
    const sha1 = "SHA1" as unknown as "MD5";
    const verify = () => verifyDaxPaySignature({ ...seedResponseData, sign: seedResponseSign }, secret, sha1);
    expect(verify).toThrow(ValidationError);
    expect(verify).toThrow(
      expect.objectContaining({ provider: "daxpay", field: "signType", rule: "enum:HMAC_SHA256|MD5" }),
    );
  });

  it("throws, rather than answering false, for a secret that is not a string", () => {
    const missing = undefined as unknown as string;
    expect(() => verifyDaxPaySignature({ ...seedResponseData, sign: seedResponseSign }, missing)).toThrow(
      expect.objectContaining({ name: "ValidationError", field: "secret", rule: "string" }),
    );
  });

  it("returns false instead of throwing when untyped callers pass null data", () => {
    const missing = null as unknown as Record<string, unknown>;
    expect(verifyDaxPaySignature(missing, secret)).toBe(false);
  });
});
