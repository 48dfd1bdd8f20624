import { describe, expect, it } from "vitest";
import { validateCloseOrderRequest } from "../../generated/gatepay-payments.validators.js";
import { UnexpectedResponseError, ValidationError } from "./errors.js";
import {
  assertRequestSchema,
  assertResponseSchema,
  issueToValidationError,
  pointerToField,
  type SchemaCheck,
} from "./schema.js";

const ctx = { provider: "gatepay", operation: "closeOrder" } as const;

function mapped(issue: Parameters<typeof issueToValidationError>[0], input: unknown = {}) {
  const { field, rule, reason } = issueToValidationError(issue, input);
  return { field, rule, reason };
}

describe("pointerToField", () => {
  it("turns a JSON pointer into a dotted path, unescaping ~1 and ~0", () => {
    expect(pointerToField("/data/requestId")).toBe("data.requestId");
    expect(pointerToField("")).toBe("");
    expect(pointerToField("/a~1b/c~0d")).toBe("a/b.c~d");
  });
});

describe("issueToValidationError", () => {
  it("maps each keyword to a field, a rule and a reason that never quotes the value", () => {
    expect(
      mapped({ instancePath: "/data", keyword: "required", params: { missingProperty: "requestId" } }),
    ).toStrictEqual({
      field: "data.requestId",
      rule: "required",
      reason: "is required",
    });
    expect(
      mapped({ instancePath: "/amount", keyword: "type", params: { type: "string" } }, { amount: 1 }),
    ).toStrictEqual({
      field: "amount",
      rule: "type:string",
      reason: "must be a string (got a number)",
    });
    expect(mapped({ instancePath: "/orderNo", keyword: "maxLength", params: { limit: 32 } })).toStrictEqual({
      field: "orderNo",
      rule: "maxLength:32",
      reason: "must be at most 32 characters (UTF-16 code units, as the provider's server counts them)",
    });
    expect(
      mapped({
        instancePath: "/merchantTradeNo",
        keyword: "x-max-bytes",
        params: { limit: 32 },
        message: "must be at most 32 UTF-8 bytes",
      }),
    ).toStrictEqual({
      field: "merchantTradeNo",
      rule: "maxBytes:32",
      reason: "must be at most 32 UTF-8 bytes",
    });
    expect(
      mapped({
        instancePath: "/clientIp",
        keyword: "x-format",
        params: { formats: ["ipv4", "ipv6"] },
        message: "must be a valid ipv4 or ipv6 address",
      }),
    ).toStrictEqual({ field: "clientIp", rule: "ip", reason: "must be an IPv4 or IPv6 address" });
    expect(
      mapped({ instancePath: "/currency", keyword: "enum", params: { allowedValues: ["USDT", "USDC"] } }),
    ).toStrictEqual({
      field: "currency",
      rule: "enum:USDT|USDC",
      reason: "must be one of USDT, USDC",
    });
    expect(
      mapped({ instancePath: "", keyword: "additionalProperties", params: { additionalProperty: "x" } }),
    ).toStrictEqual({
      field: "x",
      rule: "unknown",
      reason: "is not a known field",
    });
    expect(
      mapped({ instancePath: "/n", keyword: "minimum", params: {}, message: "must be >= 0" }),
    ).toStrictEqual({
      field: "n",
      rule: "minimum",
      reason: "must be >= 0",
    });
  });
});

describe("assertRequestSchema", () => {
  it("reports an at-least-one-of rule as oneOf, with the provider and operation", () => {
    let thrown: unknown;
    try {
      assertRequestSchema(validateCloseOrderRequest, {}, ctx);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({
      field: "merchantTradeNo|prepayId",
      rule: "oneOf:merchantTradeNo|prepayId",
      provider: "gatepay",
      operation: "closeOrder",
    });
  });

  it("cuts a field prefix, so callers read the names they wrote", () => {
    const check: SchemaCheck = Object.assign(() => false, {
      errors: [{ instancePath: "/data", keyword: "required", params: { missingProperty: "requestId" } }],
    });
    expect(() => assertRequestSchema(check, {}, ctx, "data.")).toThrow(
      "[gatepay closeOrder] requestId: is required",
    );
  });
});

describe("assertResponseSchema", () => {
  it("throws UnexpectedResponseError 'wrong_shape' naming the path and the problem", () => {
    let thrown: unknown;
    try {
      assertResponseSchema(validateCloseOrderRequest, { merchantTradeNo: 5 }, { ...ctx, status: 200 }, "{}");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnexpectedResponseError);
    expect((thrown as Error).message).toBe(
      "[gatepay closeOrder] response does not match the expected schema: /merchantTradeNo must be string",
    );
  });
});
