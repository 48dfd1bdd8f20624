import { describe, expect, it } from "vitest";
import { exportedTypesOf, formatChange, specChanges, typeChanges, wireChanges } from "./spec-diff.js";

type JsonObject = Record<string, unknown>;

/** A one-operation document whose request is `Req` and whose 200 answer is `Res`. */
function documentWith(schemas: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    openapi: "3.1.0",
    info: { title: "T", version: "1" },
    paths: {
      "/orders/cancel": {
        post: {
          operationId: "cancel",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/Req" } } },
          },
          responses: {
            "200": {
              description: "ok",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Res" } } },
            },
            "4XX": {
              description: "no",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Res" } } },
            },
          },
        },
      },
    },
    components: { schemas },
    ...extra,
  };
}

const REQ = {
  type: "object",
  properties: { orderNo: { type: "string", maxLength: 32 }, reason: { type: "string", enum: ["A", "B"] } },
  required: ["orderNo"],
};
const RES = {
  type: "object",
  properties: { code: { type: "string" }, status: { type: "string", enum: ["OK", "FAIL"] } },
  required: ["code"],
};
const base = () => documentWith({ Req: structuredClone(REQ), Res: structuredClone(RES) });

function rules(before: JsonObject, after: JsonObject) {
  return wireChanges("api", before, after).map(
    ({ rule, breaking, where, detail }) => `${breaking ? "B" : "-"} ${rule} ${where}: ${detail}`,
  );
}

describe("wireChanges", () => {
  it("finds nothing when only prose, examples and code samples change", () => {
    const after = base() as { components: { schemas: { Req: JsonObject } } } & JsonObject;
    after.components.schemas.Req.description = "new words";
    after.components.schemas.Req.example = { orderNo: "1" };
    expect(specChanges("api", base(), after)).toEqual([]);
  });

  it("treats a reordered required list or enum as no change", () => {
    const after = documentWith({
      Req: {
        ...structuredClone(REQ),
        properties: { orderNo: REQ.properties.orderNo, reason: { type: "string", enum: ["B", "A"] } },
      },
      Res: structuredClone(RES),
    });
    expect(specChanges("api", base(), after)).toEqual([]);
  });

  it("classifies request changes by what they do to a client that sends the old request", () => {
    const after = documentWith({
      Req: {
        type: "object",
        properties: {
          orderNo: { type: "string", maxLength: 16 },
          reason: { type: "string", enum: ["A", "B", "C"] },
          note: { type: "string" },
          channel: { type: "string" },
        },
        required: ["orderNo", "reason", "channel"],
      },
      Res: structuredClone(RES),
    });
    expect(rules(base(), after)).toEqual([
      "B request-property-max-length-tightened POST /orders/cancel request: orderNo: maxLength 32 → 16",
      '- request-property-enum-value-added POST /orders/cancel request: reason: value "C" added',
      "- new-optional-request-property POST /orders/cancel request: note added, optional (string)",
      "B new-required-request-property POST /orders/cancel request: channel added, required (string)",
      "B request-property-became-required POST /orders/cancel request: reason is now required",
    ]);
  });

  it("classifies response changes by what they do to a client that reads the old answer", () => {
    const after = documentWith({
      Req: structuredClone(REQ),
      Res: {
        type: "object",
        properties: {
          code: { type: "integer" },
          status: { type: "string", enum: ["OK"] },
          traceId: { type: "string" },
        },
        required: [],
      },
    });
    expect(rules(base(), after)).toEqual([
      "B response-property-type-changed POST /orders/cancel response 200: code: type string → integer",
      '- response-property-enum-value-removed POST /orders/cancel response 200: status: value "FAIL" removed',
      "- response-property-added POST /orders/cancel response 200: traceId added, optional (string)",
      "B response-property-became-optional POST /orders/cancel response 200: code may now be absent",
      "B response-property-type-changed POST /orders/cancel response 4XX: code: type string → integer",
      '- response-property-enum-value-removed POST /orders/cancel response 4XX: status: value "FAIL" removed',
      "- response-property-added POST /orders/cancel response 4XX: traceId added, optional (string)",
      "B response-property-became-optional POST /orders/cancel response 4XX: code may now be absent",
    ]);
  });

  it("names removed and added paths and statuses", () => {
    const after = base() as { paths: Record<string, { post: { responses: JsonObject } }> } & JsonObject;
    after.paths["/v2/orders/cancel"] = after.paths["/orders/cancel"] as { post: { responses: JsonObject } };
    delete after.paths["/orders/cancel"];
    expect(rules(base(), after)).toEqual([
      "B api-path-removed /orders/cancel: path removed",
      "- api-path-added /v2/orders/cancel: path added",
    ]);
    const fewer = base() as { paths: Record<string, { post: { responses: JsonObject } }> } & JsonObject;
    delete fewer.paths["/orders/cancel"]?.post.responses["200"];
    expect(rules(base(), fewer)).toEqual([
      "B response-success-status-removed POST /orders/cancel: status 200 removed",
    ]);
  });

  it("reads a webhook's body as something the client receives, and its removal as not breaking a call", () => {
    const hook = {
      post: {
        requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Res" } } } },
        responses: { "200": { description: "ack" } },
      },
    };
    const before = documentWith({ Req: REQ, Res: RES }, { webhooks: { orderPaid: hook } });
    const after = documentWith(
      {
        Req: REQ,
        Res: {
          ...RES,
          properties: { ...RES.properties, paidAt: { type: "string" } },
          required: ["code", "paidAt"],
        },
      },
      { webhooks: { orderPaid: hook } },
    );
    expect(rules(before, after).filter((line) => line.includes("webhook"))).toEqual([
      "- response-property-added POST webhook orderPaid request: paidAt added, required (string)",
    ]);
    const without = documentWith({ Req: REQ, Res: RES });
    expect(rules(before, without)).toEqual(["- webhook-removed webhook orderPaid: webhook removed"]);
  });

  it("marks a change it has no rule for as breaking, for a human to review", () => {
    const after = documentWith({
      Req: { ...structuredClone(REQ), additionalProperties: false },
      Res: structuredClone(RES),
    });
    expect(rules(base(), after)).toEqual([
      "B unclassified-change POST /orders/cancel request: body: additionalProperties created (review by hand)",
    ]);
  });
});

describe("typeChanges", () => {
  it("names the generated schema and the exported client types built on it", () => {
    const after = documentWith({
      Req: {
        ...structuredClone(REQ),
        properties: { ...REQ.properties, channel: { type: "string" } },
        required: ["orderNo", "channel"],
      },
      Res: { ...structuredClone(RES), properties: { code: RES.properties.code } },
    });
    const exported = { api: { Req: ["CancelRequest"], Res: ["CancelResponse", "CancelResult"] } };
    expect(typeChanges("api", base(), after, exported).map(formatChange)).toEqual([
      'api  types  BREAKING      type-required-property-added  components["schemas"]["Req"] (exported as CancelRequest): channel: added, required (string)',
      'api  types  BREAKING      type-property-removed  components["schemas"]["Res"] (exported as CancelResponse, CancelResult): status: removed (code that names it no longer compiles)',
    ]);
  });

  it("ignores what the types cannot see (patterns, lengths, formats)", () => {
    const after = documentWith({
      Req: {
        ...structuredClone(REQ),
        properties: { ...REQ.properties, orderNo: { type: "string", maxLength: 8, pattern: "^[0-9]+$" } },
      },
      Res: structuredClone(RES),
    });
    expect(typeChanges("api", base(), after)).toEqual([]);
    expect(wireChanges("api", base(), after).map((change) => change.rule)).toEqual([
      "request-property-max-length-tightened",
      "request-property-pattern-added",
    ]);
  });
});

describe("typeChanges of paths", () => {
  it("names a moved path in the generated paths type, which the raw clients call by", () => {
    const after = base() as { paths: Record<string, unknown> } & JsonObject;
    after.paths["/v2/orders/cancel"] = after.paths["/orders/cancel"];
    delete after.paths["/orders/cancel"];
    expect(typeChanges("api", base(), after).map(formatChange)).toEqual([
      'api  types  BREAKING      type-path-removed  paths["/orders/cancel"]: removed: raw client calls on it no longer compile',
      'api  types  non-breaking  type-path-added  paths["/v2/orders/cancel"]: added',
    ]);
  });
});

describe("exportedTypesOf", () => {
  it("follows exported aliases and local aliases of generated schemas, per generated module", () => {
    const source = [
      'import type { components as Otc } from "../../generated/gatepay-otc.js";',
      'import type { components } from "../../generated/payermax.js";',
      'type Local = components["schemas"]["CancelRequest"];',
      'export type PayerMaxCancelRequest = Omit<Local, "x">;',
      'export type OtcRequest = Otc["schemas"]["CancelRequest"];',
      "export interface Result {",
      "  raw: OtcRequest;",
      "}",
      'type Hidden = Otc["schemas"]["Other"];',
    ].join("\n");
    expect(exportedTypesOf({ "client.ts": source })).toEqual({
      payermax: { CancelRequest: ["PayerMaxCancelRequest"] },
      "gatepay-otc": { CancelRequest: ["OtcRequest", "Result"] },
    });
  });
});
