// The operator CLI as an operator runs it: a separate process, credentials in its environment, one JSON
// line on stdout, the error's type on stderr, and the exit code a script can branch on.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "./sandbox/server.js";

const root = join(import.meta.dirname, "..");
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  sandbox.reset();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `payclients <args>` from source in a child process with exactly `env` (plus PATH). */
function payclients(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/cli.ts"), ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function gatepayEnv(): Record<string, string> {
  const { clientId, secret, merchantId } = sandbox.credentials.gatepay;
  return {
    GATEPAY_CLIENT_ID: clientId,
    GATEPAY_SECRET: secret,
    GATEPAY_MERCHANT_ID: String(merchantId),
    GATEPAY_BASE_URL: sandbox.url,
  };
}

function payermaxEnv(): Record<string, string> {
  const { appId, merchantNo, privateKey, platformPublicKey } = sandbox.credentials.payermax;
  return {
    PAYERMAX_APP_ID: appId,
    PAYERMAX_MERCHANT_NO: merchantNo,
    PAYERMAX_PRIVATE_KEY: privateKey,
    PAYERMAX_PLATFORM_PUBLIC_KEY: platformPublicKey,
    PAYERMAX_BASE_URL: sandbox.url,
  };
}

describe("payclients CLI, credentials from the environment", () => {
  it("close: closes an unpaid GatePay order and prints cancelOrder's result, exit 0", async () => {
    sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: "M-CLI-1" });
    const run = await payclients(["close", "--merchant-trade-no", "M-CLI-1"], gatepayEnv());
    expect(run).toEqual({
      code: 0,
      stdout:
        '{"provider":"gatepay","outcome":"cancelled","verified":false,"raw":{"status":"SUCCESS","code":"000000","errorMessage":"","data":{"result":"SUCCESS"}}}\n',
      stderr: "",
    });
    expect(sandbox.orders("gatepayPrepayOrder")[0]?.status).toBe("CLOSED");
  });

  it("cancel --provider payermax: a captured order is rejected, exit 3", async () => {
    sandbox.seed.payermaxOrder({ outTradeNo: "ORDER_1", status: "CAPTURED" });
    const run = await payclients(
      ["cancel", "--provider", "payermax", "--out-trade-no", "ORDER_1", "--request-id", "cancel-ORDER_1"],
      payermaxEnv(),
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toMatchObject({
      provider: "payermax",
      outcome: "rejected",
      raw: {
        code: "APPLY_SUCCESS",
        data: { outTradeNo: "ORDER_1", requestId: "cancel-ORDER_1", status: "FAILED" },
      },
    });
  });

  it("cancel-recharge: cancels an unpaid GatePay OTC deposit, exit 0", async () => {
    sandbox.seed.gatepayRecharge({ orderId: "R-CLI-1" });
    const run = await payclients(["cancel-recharge", "--order-id", "R-CLI-1"], gatepayEnv());
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ provider: "gatepay", outcome: "cancelled" });
  });

  it("a provider refusing the request itself exits 1 printing the error's type", async () => {
    sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: "M-CLI-2" });
    const run = await payclients(["close", "--merchant-trade-no", "M-CLI-2"], {
      ...gatepayEnv(),
      GATEPAY_SECRET: "not-the-sandbox-secret",
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const [first, json] = run.stderr.split("\n");
    expect(first).toMatch(/^payclients: ProviderRejectedError \(provider_rejected\): /);
    expect(JSON.parse(json ?? "")).toMatchObject({ type: "provider_rejected", provider: "gatepay" });
    expect(run.stderr).not.toContain("not-the-sandbox-secret");
  });

  it("an id the provider would refuse exits 1 with a ValidationError naming the field", async () => {
    const run = await payclients(["close", "--merchant-trade-no", "M".repeat(33)], gatepayEnv());
    expect(run.code).toBe(1);
    expect(run.stderr.split("\n")[0]).toMatch(
      /^payclients: ValidationError \(validation\): .*merchantTradeNo/,
    );
  });

  it("a missing environment variable exits 2 naming it", async () => {
    const run = await payclients(["cancel", "--provider", "daxpay", "--order-no", "X1"]);
    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: "payclients: MissingEnvironmentError: set DAXPAY_BASE_URL in the environment\n",
    });
  });

  it.each([
    [["cancel", "--out-trade-no", "O1"], "cancel needs --provider gatepay, daxpay or payermax"],
    [
      ["cancel", "--provider", "daxpay", "--out-trade-no", "O1"],
      "cancel --provider daxpay takes no --out-trade-no",
    ],
    [["close"], "name the order: --merchant-trade-no or --prepay-id"],
    [["close", "--provider", "gatepay", "--prepay-id", "1"], "close is GatePay's; it takes no --provider"],
    [["refund", "--order-id", "1"], 'unknown command "refund"'],
    [["close", "--prepay-id", "1", "--bogus"], "Unknown option '--bogus'"],
  ])("bad usage %j exits 2: %s", async (args, message) => {
    const run = await payclients(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")[0]).toBe(`payclients: UsageError: ${message}`);
    expect(run.stderr).toContain("\nusage:\n");
  });
});

describe("payclients CLI --sandbox", () => {
  it("seeds the order unpaid in an in-process sandbox and cancels it there, with no credentials set", async () => {
    const run = await payclients(["cancel", "--provider", "daxpay", "--order-no", "SB-CLI-1", "--sandbox"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^payclients: --sandbox: an unpaid daxpay order seeded in a sandbox at http:\/\/127\.0\.0\.1:\d+\n$/,
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ provider: "daxpay", outcome: "cancelled" });
  });
});
