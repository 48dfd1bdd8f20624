// Proves that verification 1 (contracts/verify-spec.ts) catches broken pacts: each test breaks one
// thing in an otherwise valid pact and expects the comparator to name it.
import { describe, expect, it } from "vitest";
import type { PactFile, PactInteraction } from "./pacts.js";
import { readBundledSpec } from "./pacts.js";
import { compareWithSpec, type SpecFinding, specForVerification } from "./verify-spec.js";

const SIGNATURE = "6f002ef62f82d91c865fc4501c839cce649d400cce26fe5ec763985a0eb4ed90".repeat(2);

function gatePayHeaders(extra: Record<string, string> = {}): Record<string, string[]> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-GatePay-Certificate-ClientId": "contract-client-id",
    "X-GatePay-Timestamp": "1767225600000",
    "X-GatePay-Nonce": "contractNonce0001",
    "X-GatePay-Signature": SIGNATURE,
    ...extra,
  };
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
}

function json(content: unknown): { content: unknown; contentType: string; encoded: false } {
  return { content, contentType: "application/json", encoded: false };
}

function pactOf(provider: string, interactions: PactInteraction[]): PactFile {
  return {
    consumer: { name: "payclients" },
    provider: { name: provider },
    interactions,
    metadata: { pactSpecification: { version: "4.0" } },
  };
}

/** A valid close-order pact: one accepted, one rejected interaction. */
function closeOrderPact(): PactFile {
  return pactOf("gatepay-payments", [
    {
      type: "Synchronous/HTTP",
      description: "a close request for an unpaid prepay order",
      providerStates: [{ name: "an unpaid prepay order M-1001 exists" }],
      request: {
        method: "POST",
        path: "/v1/pay/order/close",
        headers: gatePayHeaders(),
        body: json({ merchantTradeNo: "M-1001" }),
      },
      response: {
        status: 200,
        headers: { "Content-Type": ["application/json"] },
        body: json({ status: "SUCCESS", code: "000000", errorMessage: "", data: { result: "SUCCESS" } }),
      },
    },
    {
      type: "Synchronous/HTTP",
      description: "a close request whose signature GatePay rejects",
      providerStates: [{ name: "an unpaid prepay order M-1001 exists" }],
      request: {
        method: "POST",
        path: "/v1/pay/order/close",
        headers: gatePayHeaders(),
        body: json({ merchantTradeNo: "M-1001" }),
      },
      response: {
        status: 400,
        headers: { "Content-Type": ["application/json"] },
        body: json({ status: "FAIL", code: "400002", errorMessage: "signature verification failed" }),
      },
    },
  ]);
}

/** A valid create-recharge pact (the request body has six required fields). */
function createRechargePact(): PactFile {
  return pactOf("gatepay-otc", [
    {
      type: "Synchronous/HTTP",
      description: "a recharge request matching a fresh quote",
      providerStates: [{ name: "a quote qt_contract_0001 for 1088.42 USDT at 1000 USD exists" }],
      request: {
        method: "POST",
        path: "/open/otc/api/recharge",
        headers: gatePayHeaders({ "X-GatePay-MerchantId": "10002" }),
        body: json({
          quoteToken: "qt_contract_0001",
          bankId: "ba_123456789",
          currency: "USDT",
          amount: "1088.42",
          fiatCurrency: "USD",
          fiatAmount: "1000",
        }),
      },
      response: {
        status: 200,
        headers: { "Content-Type": ["application/json"] },
        body: json({
          code: "000000",
          status: "SUCCESS",
          errorMessage: "",
          data: { orderId: "1", paid: false },
        }),
      },
    },
  ]);
}

async function findings(pact: PactFile, api: "gatepay-payments" | "gatepay-otc"): Promise<SpecFinding[]> {
  return compareWithSpec(pact, readBundledSpec(api));
}

function codes(list: SpecFinding[]): string[] {
  return list.map((finding) => `${finding.code} ${finding.location}`);
}

function first(pact: PactFile, index = 0): PactInteraction {
  const interaction = pact.interactions[index];
  if (interaction === undefined) throw new Error(`fixture has no interaction ${index}`);
  return interaction;
}

describe("verify-spec: a valid pact", () => {
  it("passes for the accepted and the rejected close-order interactions", async () => {
    expect(await findings(closeOrderPact(), "gatepay-payments")).toEqual([]);
  });

  it("passes for a create-recharge interaction with the merchant id header", async () => {
    expect(await findings(createRechargePact(), "gatepay-otc")).toEqual([]);
  });
});

describe("verify-spec: a broken pact fails", () => {
  it("on a wrong type in the response body", async () => {
    const pact = closeOrderPact();
    const body = first(pact).response.body;
    if (body === undefined) throw new Error("fixture has a response body");
    body.content = { status: "SUCCESS", code: 0, errorMessage: "", data: { result: "SUCCESS" } };
    expect(codes(await findings(pact, "gatepay-payments"))).toEqual([
      "response.body.incompatible [root].interactions[0].response.body.code",
    ]);
  });

  it("on a missing required field in the request body", async () => {
    const pact = createRechargePact();
    const body = first(pact).request.body;
    if (body === undefined) throw new Error("fixture has a request body");
    const { bankId: _dropped, ...rest } = body.content as Record<string, unknown>;
    body.content = rest;
    const found = await findings(pact, "gatepay-otc");
    expect(codes(found)).toEqual(["request.body.incompatible [root].interactions[0].request.body"]);
    expect(found[0]?.message).toContain("bankId");
  });

  it("on an unknown path", async () => {
    const pact = closeOrderPact();
    first(pact).request.path = "/v1/pay/order/cancel";
    expect(codes(await findings(pact, "gatepay-payments"))).toContain(
      "request.path-or-method.unknown [root].interactions[0].request.path",
    );
  });

  it("on an unknown method", async () => {
    const pact = closeOrderPact();
    first(pact).request.method = "GET";
    expect(codes(await findings(pact, "gatepay-payments"))).toContain(
      "request.path-or-method.unknown [root].interactions[0].request.path",
    );
  });

  it("on a missing signature header, although the other signing headers are present", async () => {
    const pact = closeOrderPact();
    const { "X-GatePay-Signature": _dropped, ...headers } = first(pact).request.headers ?? {};
    first(pact).request.headers = headers;
    expect(codes(await findings(pact, "gatepay-payments"))).toEqual([
      "request.header.incompatible [root].interactions[0].request.headers.X-GatePay-Signature",
    ]);
  });

  it("on a malformed signature header (SHA-256 length, not SHA-512)", async () => {
    const pact = closeOrderPact();
    first(pact).request.headers = gatePayHeaders({ "X-GatePay-Signature": SIGNATURE.slice(0, 64) });
    expect(codes(await findings(pact, "gatepay-payments"))).toEqual([
      "request.header.incompatible [root].interactions[0].request.headers.X-GatePay-Signature",
    ]);
  });

  it("on a malformed timestamp (seconds, not milliseconds) and nonce (too long)", async () => {
    const pact = closeOrderPact();
    first(pact).request.headers = gatePayHeaders({
      "X-GatePay-Timestamp": "1767225600",
      "X-GatePay-Nonce": "n".repeat(33),
    });
    expect(codes(await findings(pact, "gatepay-payments")).sort()).toEqual([
      "request.header.incompatible [root].interactions[0].request.headers.X-GatePay-Nonce",
      "request.header.incompatible [root].interactions[0].request.headers.X-GatePay-Timestamp",
    ]);
  });

  it("on a missing merchant id header on an OTC call", async () => {
    const pact = createRechargePact();
    first(pact).request.headers = gatePayHeaders();
    expect(codes(await findings(pact, "gatepay-otc"))).toEqual([
      "request.header.incompatible [root].interactions[0].request.headers.X-GatePay-MerchantId",
    ]);
  });

  it("on a broken request in an interaction the provider rejects (the comparator alone skips those)", async () => {
    const pact = closeOrderPact();
    const rejected = first(pact, 1);
    rejected.request.body = json({ merchantTradeNo: 1001 });
    rejected.request.headers = gatePayHeaders({ "X-GatePay-Nonce": "not-alphanumeric" });
    expect(codes(await findings(pact, "gatepay-payments")).sort()).toEqual([
      "request.body.incompatible [root].interactions[1].request.body.merchantTradeNo",
      "request.header.incompatible [root].interactions[1].request.headers.X-GatePay-Nonce",
    ]);
  });
});

describe("specForVerification", () => {
  it("declares each signing header as a required, patterned header parameter, leaving the spec as it was", () => {
    const spec = readBundledSpec("gatepay-otc");
    const before = JSON.stringify(spec);
    const copy = specForVerification(spec) as {
      paths: Record<string, { post: { parameters: { name: string; required: boolean; schema: object }[] } }>;
    };
    expect(JSON.stringify(spec)).toBe(before);
    const parameters = copy.paths["/open/otc/api/recharge/cancel"]?.post.parameters ?? [];
    expect(parameters.map(({ name, required, schema }) => ({ name, required, schema }))).toEqual([
      {
        name: "X-GatePay-Certificate-ClientId",
        required: true,
        schema: { type: "string", pattern: "^[!-~]+$" },
      },
      { name: "X-GatePay-Signature", required: true, schema: { type: "string", pattern: "^[0-9a-f]{128}$" } },
      { name: "X-GatePay-Timestamp", required: true, schema: { type: "string", pattern: "^[0-9]{13}$" } },
      { name: "X-GatePay-Nonce", required: true, schema: { type: "string", pattern: "^[A-Za-z0-9]{1,32}$" } },
      {
        name: "X-GatePay-MerchantId",
        required: true,
        schema: { type: "string", pattern: "^[1-9][0-9]{0,18}$" },
      },
    ]);
  });

  it("refuses a header security scheme that does not state its format", () => {
    const spec = readBundledSpec("payermax") as { components: { securitySchemes: Record<string, object> } };
    spec.components.securitySchemes.sign = { type: "apiKey", in: "header", name: "sign" };
    expect(() => specForVerification(spec)).toThrow(/security scheme sign \(header sign\) has no x-pattern/);
  });
});
