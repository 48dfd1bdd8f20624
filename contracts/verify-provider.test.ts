// Proves that verification 2 (contracts/verify-provider.ts) fails when the sandbox's answer differs
// from the pact, and when a pact names a provider state nobody can set up.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { PactFile, PactInteraction } from "./pacts.js";
import { verifyPactsAgainstSandbox } from "./verify-provider.js";

/** An unknown-order close, as the consumer test writes it (headers are re-signed on replay). */
function unknownOrderClose(expected: { status: string; code: string }): PactInteraction {
  const json = (content: unknown) => ({ content, contentType: "application/json", encoded: false });
  return {
    type: "Synchronous/HTTP",
    description: "a close request for unknown order M-4040",
    providerStates: [{ name: "no prepay order M-4040 exists" }],
    request: {
      method: "POST",
      path: "/v1/pay/order/close",
      headers: {
        "Content-Type": ["application/json"],
        "X-GatePay-Certificate-ClientId": ["contract-client-id"],
        "X-GatePay-Timestamp": ["1767225600000"],
        "X-GatePay-Nonce": ["ContractNonce0001"],
        "X-GatePay-Signature": ["0".repeat(128)],
      },
      body: json({ merchantTradeNo: "M-4040" }),
    },
    response: { status: 200, body: json({ ...expected, errorMessage: "order does not exist" }) },
  };
}

function pactWith(interactions: PactInteraction[]): PactFile {
  return {
    consumer: { name: "payclients" },
    provider: { name: "gatepay-payments" },
    interactions,
    metadata: { pactSpecification: { version: "4.0" } },
  };
}

describe("verify-provider", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function verify(pact: PactFile) {
    dir = mkdtempSync(join(tmpdir(), "payclients-verify-provider-"));
    writeFileSync(join(dir, "payclients-gatepay-payments.json"), JSON.stringify(pact));
    return verifyPactsAgainstSandbox(dir);
  }

  it("passes an interaction the sandbox answers as pinned (state seeded, request re-signed)", async () => {
    const [report] = await verify(pactWith([unknownOrderClose({ status: "FAIL", code: "400202" })]));
    expect(report).toMatchObject({ ok: true, interactions: 1 });
  });

  // Pact's native verifier prints its report straight to stdout: the FAILED report it prints here is
  // this test's expected failure.
  it("fails an interaction whose pinned answer the sandbox does not give, naming it (expected FAILED report)", async () => {
    const [report] = await verify(pactWith([unknownOrderClose({ status: "SUCCESS", code: "000000" })]));
    expect(report?.ok).toBe(false);
    expect(report?.error).toContain('1 failed: "Verifying a pact between payclients and gatepay-payments');
  });

  it("fails a pact naming a provider state that no handler sets up", async () => {
    const interaction = unknownOrderClose({ status: "FAIL", code: "400202" });
    interaction.providerStates = [{ name: "GatePay is having a bad day" }];
    const [report] = await verify(pactWith([interaction]));
    expect(report?.ok).toBe(false);
    expect(report?.error).toContain(
      'no provider state (or more than one) in contracts/provider-states.ts matches: "GatePay is having a bad day"',
    );
  });
}, 30_000);
