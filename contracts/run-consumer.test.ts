// test:contracts fails when the rebuilt pacts are not what git holds: what it reports for each case.
import { describe, expect, it } from "vitest";
import { pactProblems } from "./run-consumer.js";

describe("pactProblems", () => {
  it("is empty when every pact was written and git has them all committed", () => {
    expect(pactProblems([], "")).toEqual([]);
  });

  it("names changed, new and deleted pact files (git status --porcelain)", () => {
    const porcelain = [
      " M contracts/pacts/payclients-daxpay.json",
      "?? contracts/pacts/payclients-new-api.json",
      " D contracts/pacts/payclients-payermax.json",
      "",
    ].join("\n");
    expect(pactProblems(["contracts/pacts/payclients-payermax.json"], porcelain)).toEqual([
      "missing: contracts/pacts/payclients-payermax.json (its consumer test did not write it)",
      "changed: contracts/pacts/payclients-daxpay.json",
      "new, not committed: contracts/pacts/payclients-new-api.json",
      "deleted: contracts/pacts/payclients-payermax.json",
    ]);
  });

  it("outside a git checkout, still reports pacts that were not written", () => {
    expect(pactProblems(["contracts/pacts/payclients-daxpay.json"], undefined)).toEqual([
      "missing: contracts/pacts/payclients-daxpay.json (its consumer test did not write it)",
    ]);
  });
});
