import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import {
  codePointLength,
  ensurePlainObject,
  readRequestFields,
  rejectLoneSurrogates,
  rejectUnknownKeys,
  requireDecimalString,
  requireEnum,
  requireString,
  withValidationContext,
} from "./validate.js";

/** Runs `check` and returns the field, rule and message of the ValidationError it must throw. */
function failure(check: () => unknown): { field: string; rule: string; message: string } {
  try {
    check();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { field: error.field, rule: error.rule, message: error.message };
  }
  throw new Error("expected a ValidationError");
}

describe("requireString", () => {
  it("returns a valid string", () => {
    expect(requireString("M-2024-0001", "merchantTradeNo", { maxBytes: 32 })).toBe("M-2024-0001");
  });

  it("calls undefined and null missing", () => {
    expect(failure(() => requireString(undefined, "data.requestId"))).toStrictEqual({
      field: "data.requestId",
      rule: "required",
      message: "data.requestId: is required",
    });
    expect(failure(() => requireString(null, "x")).rule).toBe("required");
  });

  it("names the kind of a non-string without showing it", () => {
    expect(failure(() => requireString(12345, "orderId"))).toStrictEqual({
      field: "orderId",
      rule: "string",
      message: "orderId: must be a string (got a number)",
    });
    expect(failure(() => requireString(["a"], "orderId")).message).toBe(
      "orderId: must be a string (got an array)",
    );
  });

  it("rejects an empty string unless allowEmpty", () => {
    expect(failure(() => requireString("", "orderNo"))).toStrictEqual({
      field: "orderNo",
      rule: "nonEmpty",
      message: "orderNo: must not be empty",
    });
    expect(requireString("", "label", { allowEmpty: true })).toBe("");
  });

  it("counts maxBytes in UTF-8 bytes", () => {
    expect(requireString("a".repeat(32), "merchantTradeNo", { maxBytes: 32 })).toHaveLength(32);
    expect(failure(() => requireString("a".repeat(33), "merchantTradeNo", { maxBytes: 32 }))).toStrictEqual({
      field: "merchantTradeNo",
      rule: "maxBytes:32",
      message: "merchantTradeNo: must be at most 32 UTF-8 bytes (got 33)",
    });
    // 11 CJK characters are 33 bytes: within 32 characters, over 32 bytes.
    expect(failure(() => requireString("订".repeat(11), "merchantTradeNo", { maxBytes: 32 })).message).toBe(
      "merchantTradeNo: must be at most 32 UTF-8 bytes (got 33)",
    );
    expect(requireString("😀".repeat(8), "merchantTradeNo", { maxBytes: 32 })).toBe("😀".repeat(8));
  });

  it("counts maxLength in code points, so an emoji counts once", () => {
    expect(requireString("😀".repeat(64), "outTradeNo", { maxLength: 64 })).toBe("😀".repeat(64));
    expect(failure(() => requireString("😀".repeat(65), "outTradeNo", { maxLength: 64 }))).toStrictEqual({
      field: "outTradeNo",
      rule: "maxLength:64",
      message: "outTradeNo: must be at most 64 characters (got 65)",
    });
  });

  it("rejects lone surrogates, which have no UTF-8 form", () => {
    expect(failure(() => requireString("ab\ud800", "orderNo")).rule).toBe("wellFormed");
    expect(failure(() => requireString("\udc00", "orderNo")).rule).toBe("wellFormed");
  });

  it("checks a pattern without echoing the value", () => {
    const pattern = /^[A-Za-z0-9]{1,32}$/;
    expect(requireString("abc123", "nonce", { pattern })).toBe("abc123");
    const error = failure(() => requireString("sk_live_secret!", "nonce", { pattern }));
    expect(error).toStrictEqual({
      field: "nonce",
      rule: "pattern:^[A-Za-z0-9]{1,32}$",
      message: "nonce: must match /^[A-Za-z0-9]{1,32}$/",
    });
  });

  it("never puts the offending value in the message", () => {
    const secretish = "sk_live_0123456789abcdefghijklmnopqrstuvwxyz";
    for (const check of [
      () => requireString(secretish, "f", { maxBytes: 8 }),
      () => requireString(secretish, "f", { maxLength: 8 }),
      () => requireString(secretish, "f", { pattern: /^x$/ }),
      () => requireEnum(secretish, "f", ["USD"]),
      () => requireDecimalString(secretish, "f"),
    ]) {
      expect(failure(check).message).not.toContain("sk_live");
    }
  });
});

describe("codePointLength", () => {
  it("counts a surrogate pair once and a lone surrogate once", () => {
    expect(codePointLength("a😀b")).toBe(3);
    expect(codePointLength("\ud800")).toBe(1);
    expect(codePointLength("")).toBe(0);
  });
});

describe("requireDecimalString", () => {
  it.each(["1088.42", "1000", "0.5", "0", "0.00", "10.0", "99999999999999999999.123456789"])(
    "accepts %j",
    (amount) => {
      expect(requireDecimalString(amount, "amount")).toBe(amount);
    },
  );

  it.each([
    "1e3",
    "+1",
    "-1",
    "01",
    "00.5",
    " 1",
    "1 ",
    "1.",
    ".5",
    "NaN",
    "Infinity",
    "1,000",
    "1_000",
    "0x10",
    "١٢",
    "",
  ])("rejects %j with rule decimalString", (amount) => {
    expect(failure(() => requireDecimalString(amount, "amount"))).toStrictEqual({
      field: "amount",
      rule: "decimalString",
      message: `amount: must be a plain decimal string such as "1088.42" (no sign, exponent, spaces or leading zeros; got ${amount.length} characters)`,
    });
  });

  it("rejects a number, saying amounts must be strings", () => {
    expect(failure(() => requireDecimalString(1088.42, "amount"))).toStrictEqual({
      field: "amount",
      rule: "decimalString",
      message:
        'amount: amounts must be strings such as "1088.42", not numbers (a number loses precision and may print as 1e21)',
    });
    expect(failure(() => requireDecimalString(10n, "amount")).rule).toBe("decimalString");
  });

  it("calls a missing amount required and another type not a decimal string", () => {
    expect(failure(() => requireDecimalString(undefined, "amount")).rule).toBe("required");
    expect(failure(() => requireDecimalString({}, "amount")).message).toBe(
      "amount: must be a decimal string (got an object)",
    );
  });
});

describe("requireEnum", () => {
  it("returns an allowed value, narrowed", () => {
    const currency: "USDT" | "USDC" = requireEnum("USDC", "currency", ["USDT", "USDC"]);
    expect(currency).toBe("USDC");
  });

  it("rejects other values, including a different case", () => {
    for (const value of ["usdt", "BTC", "", 1]) {
      expect(failure(() => requireEnum(value, "currency", ["USDT", "USDC"]))).toStrictEqual({
        field: "currency",
        rule: "enum:USDT|USDC",
        message: "currency: must be one of USDT, USDC",
      });
    }
  });

  it("calls a missing value required", () => {
    expect(failure(() => requireEnum(undefined, "currency", ["USD"])).rule).toBe("required");
  });
});

describe("rejectLoneSurrogates", () => {
  it("accepts well-formed strings, surrogate pairs included, and leaves other values alone", () => {
    expect(() =>
      rejectLoneSurrogates({ orderNo: "订单-😀-𠀀", reqTime: 1, clientIp: undefined }, ""),
    ).not.toThrow();
  });

  it("names the first field holding a lone surrogate, under its path", () => {
    expect(failure(() => rejectLoneSurrogates({ orderNo: "ok", bizOrderNo: "P\udfff1" }, ""))).toStrictEqual({
      field: "bizOrderNo",
      rule: "wellFormed",
      message: "bizOrderNo: must be well-formed Unicode (contains a lone surrogate)",
    });
    expect(failure(() => rejectLoneSurrogates({ requestId: "\ud800" }, "data")).field).toBe("data.requestId");
  });
});

describe("rejectUnknownKeys", () => {
  it("accepts known keys", () => {
    expect(() =>
      rejectUnknownKeys({ requestId: "r", outTradeNo: "o" }, ["requestId", "outTradeNo"], "data"),
    ).not.toThrow();
  });

  it("names the unknown key under its path", () => {
    expect(
      failure(() => rejectUnknownKeys({ requestId: "r", amount: "1" }, ["requestId"], "data")),
    ).toStrictEqual({
      field: "data.amount",
      rule: "unknown",
      message: "data.amount: is not a known field",
    });
    expect(failure(() => rejectUnknownKeys({ timeout: 1 }, ["timeoutMs"], "")).field).toBe("timeout");
  });

  it("escapes control characters of a hostile key in the message but keeps the field exact", () => {
    expect(failure(() => rejectUnknownKeys({ "a\nINJECTED": 1 }, [], "data"))).toStrictEqual({
      field: "data.a\nINJECTED",
      rule: "unknown",
      message: "data.a\\nINJECTED: is not a known field",
    });
  });
});

describe("ensurePlainObject", () => {
  it("accepts object literals and null-prototype objects", () => {
    const literal = { a: 1 };
    expect(ensurePlainObject(literal, "input")).toBe(literal);
    expect(() => ensurePlainObject(Object.create(null), "input")).not.toThrow();
  });

  it.each([
    ["an array", [], "must be a plain object (got an array)"],
    ["a string", "x", "must be a plain object (got a string)"],
    ["a Date", new Date(0), "must be a plain object (got an object)"],
    ["a Map", new Map(), "must be a plain object (got an object)"],
  ])("rejects %s", (_label, value, reason) => {
    expect(failure(() => ensurePlainObject(value, "input"))).toStrictEqual({
      field: "input",
      rule: "object",
      message: `input: ${reason}`,
    });
  });

  it("calls undefined and null required", () => {
    expect(failure(() => ensurePlainObject(undefined, "input")).rule).toBe("required");
    expect(failure(() => ensurePlainObject(null, "input")).rule).toBe("required");
  });
});

describe("withValidationContext", () => {
  it("returns the checked value", () => {
    expect(withValidationContext({ provider: "gatepay" }, () => 42)).toBe(42);
  });

  it("re-throws a ValidationError with the provider and operation", () => {
    let caught: unknown;
    try {
      withValidationContext({ provider: "gatepay", operation: "closeOrder" }, () =>
        requireString("a".repeat(33), "merchantTradeNo", { maxBytes: 32 }),
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect(caught).toMatchObject({
      provider: "gatepay",
      operation: "closeOrder",
      field: "merchantTradeNo",
      rule: "maxBytes:32",
      message: "[gatepay closeOrder] merchantTradeNo: must be at most 32 UTF-8 bytes (got 33)",
    });
  });

  it("lets other errors through untouched", () => {
    const other = new RangeError("not mine");
    expect(() =>
      withValidationContext({ provider: "daxpay" }, () => {
        throw other;
      }),
    ).toThrow(other);
  });
});

describe("readRequestFields", () => {
  const keys = ["orderNo", "bizOrderNo"] as const;

  it("returns the known fields that are defined, and nothing else", () => {
    expect(readRequestFields({ orderNo: "O1", bizOrderNo: undefined }, keys)).toStrictEqual({
      orderNo: "O1",
    });
  });

  it("names the first problem: not an object, an unknown key, an empty string, a lone surrogate", () => {
    expect(failure(() => readRequestFields("O1", keys))).toMatchObject({ field: "request", rule: "object" });
    expect(failure(() => readRequestFields({ orderNO: "O1" }, keys))).toMatchObject({
      field: "orderNO",
      rule: "unknown",
    });
    expect(failure(() => readRequestFields({ orderNo: "" }, keys))).toMatchObject({
      field: "orderNo",
      rule: "nonEmpty",
    });
    expect(failure(() => readRequestFields({ orderNo: "\ud800" }, keys))).toMatchObject({
      field: "orderNo",
      rule: "wellFormed",
    });
  });
});
