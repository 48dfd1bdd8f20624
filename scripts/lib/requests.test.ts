import { describe, expect, it } from "vitest";
import { DECIMAL_STRING_PATTERN, generateRequestFields, requestFields } from "./requests.js";

const document = {
  openapi: "3.1.0",
  paths: {
    "/cancel": {
      post: {
        operationId: "cancel",
        requestBody: {
          content: { "application/json": { schema: { $ref: "#/components/schemas/Envelope" } } },
        },
        responses: {},
      },
    },
  },
  webhooks: {
    paid: {
      post: {
        requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Notice" } } } },
      },
    },
  },
  components: {
    schemas: {
      Envelope: {
        type: "object",
        properties: {
          sign: { type: "string", "x-set-by-client": true },
          data: { $ref: "#/components/schemas/Data" },
        },
      },
      Data: {
        type: "object",
        properties: {
          orderNo: { type: "string" },
          amount: { type: "string", pattern: DECIMAL_STRING_PATTERN },
          fee: { type: "string", pattern: "^[0-9]+$" },
        },
      },
      Notice: { type: "object", properties: { paidAt: { type: "string" } } },
    },
  },
};

describe("requestFields", () => {
  it("lists every schema a request body reaches, its caller's fields and its decimal-string amounts", () => {
    expect(requestFields(document)).toEqual([
      { schema: "Envelope", fields: ["data"], decimalFields: [] },
      { schema: "Data", fields: ["orderNo", "amount", "fee"], decimalFields: ["amount"] },
    ]);
  });
});

describe("generateRequestFields", () => {
  it("writes one typed constant per list, named after the schema", () => {
    const text = generateRequestFields(document, "./api.js");
    expect(text).toContain('import type { components } from "./api.js";');
    expect(text).toContain(
      'export const dataFields = ["orderNo", "amount", "fee"] as const satisfies readonly (keyof components["schemas"]["Data"])[];',
    );
    expect(text).toContain(
      'export const dataDecimalFields = ["amount"] as const satisfies readonly (keyof components["schemas"]["Data"])[];',
    );
    expect(text).not.toContain("notice");
  });
});
