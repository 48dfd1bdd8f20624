// Synthetic OpenAPI 3.1 documents of N operations, shaped like our providers' order APIs: each
// operation has its own request and response schemas (strings with maxLength and patterns, decimal
// amounts, enums, an "at least one of" rule, a nested object, an array, nullable fields) plus the
// shared envelope and error schemas, and 200/4XX/5XX responses. Deterministic for a given N.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const DECIMAL = "^(0|[1-9][0-9]*)(\\.[0-9]+)?$";

function requestSchema(i: number): Json {
  return {
    type: "object",
    description: `Request of operation ${i}. At least one of orderNo and merchantTradeNo is required.`,
    properties: {
      orderNo: { type: "string", maxLength: 32, description: "Provider order number.", example: `O${i}` },
      merchantTradeNo: { type: "string", maxLength: 64, description: "Merchant order number." },
      clientIp: {
        type: "string",
        maxLength: 64,
        anyOf: [{ format: "ipv4" }, { format: "ipv6" }],
        description: "Client IP, v4 or v6.",
      },
      amount: { type: "string", pattern: DECIMAL, description: "Decimal amount as a string." },
      currency: { type: "string", enum: ["USDT", "USDC", "USD"] },
      reqTime: { type: "integer", format: "int64", description: "Epoch seconds." },
      items: {
        type: "array",
        maxItems: 20,
        items: { $ref: "#/components/schemas/LineItem" },
      },
      shipping: { $ref: "#/components/schemas/Address" },
      remark: { type: ["string", "null"], maxLength: 256 },
    },
    required: ["reqTime", "currency"],
    anyOf: [{ required: ["orderNo"] }, { required: ["merchantTradeNo"] }],
  };
}

function responseSchema(i: number): Json {
  return {
    type: "object",
    description: `Envelope of operation ${i}.`,
    properties: {
      code: { type: "string", description: "Business code; 000000 on success." },
      status: { type: "string", enum: ["SUCCESS", "FAIL"] },
      errorMessage: { type: "string" },
      data: {
        type: ["object", "null"],
        properties: {
          orderId: { type: "string", maxLength: 64 },
          status: { type: "string", enum: ["PENDING", "SUCCESS", "FAILED", "CLOSED"] },
          amount: { type: "string", pattern: DECIMAL },
          fiatAmount: { type: "string", pattern: DECIMAL },
          paid: { type: "boolean" },
          createTime: { type: "integer", format: "int64" },
          succeededTime: { type: ["string", "null"] },
          card: { $ref: "#/components/schemas/CardInfo" },
        },
        required: ["orderId", "status"],
      },
    },
    required: ["code", "status"],
  };
}

/** An OpenAPI 3.1 document with `operations` POST operations. */
export function syntheticSpec(operations: number): { [key: string]: Json } {
  const paths: { [key: string]: Json } = {};
  const schemas: { [key: string]: Json } = {
    LineItem: {
      type: "object",
      properties: {
        sku: { type: "string", maxLength: 64 },
        quantity: { type: "integer", minimum: 1 },
        price: { type: "string", pattern: DECIMAL },
      },
      required: ["sku", "quantity", "price"],
    },
    Address: {
      type: "object",
      properties: {
        line1: { type: "string", maxLength: 128 },
        city: { type: "string", maxLength: 64 },
        country: { type: "string", pattern: "^[A-Z]{2}$" },
      },
      required: ["line1", "country"],
    },
    CardInfo: {
      type: "object",
      properties: {
        bankName: { type: "string" },
        accountNumber: { type: "string", maxLength: 34 },
        swift: { type: "string", pattern: "^[A-Z0-9]{8,11}$" },
      },
    },
    ErrorEnvelope: {
      type: "object",
      properties: {
        code: { type: "string" },
        status: { type: "string", enum: ["FAIL"] },
        errorMessage: { type: "string" },
      },
      required: ["code", "status"],
    },
  };
  const error = (description: string): Json => ({
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } },
  });
  for (let i = 0; i < operations; i++) {
    schemas[`Op${i}Request`] = requestSchema(i);
    schemas[`Op${i}Response`] = responseSchema(i);
    paths[`/v1/resource${i}/action`] = {
      post: {
        operationId: `operation${i}`,
        summary: `Operation ${i}`,
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: `#/components/schemas/Op${i}Request` } } },
        },
        responses: {
          "200": {
            description: "Handled; see code and status.",
            content: { "application/json": { schema: { $ref: `#/components/schemas/Op${i}Response` } } },
          },
          "4XX": error("Authentication or format failure."),
          "5XX": error("System error."),
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: `Synthetic API of ${operations} operations`, version: "1.0.0" },
    servers: [{ url: "https://api.example.com" }],
    paths,
    components: { schemas },
  };
}
