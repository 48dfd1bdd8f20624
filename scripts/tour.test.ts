import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { formatTourTable, runTour, type TourRow } from "./tour.js";

const root = resolve(import.meta.dirname, "..");

describe("the npm start tour", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  it("calls every client method and gets every expected outcome, rejections and verified notifications included", async () => {
    const rows = await runTour(sandbox);
    expect(rows.map((row) => [row.provider, row.operation, row.outcome])).toEqual([
      ["gatepay", "closeOrder", "closed"],
      ["gatepay", "closeOrder", "rejected 400204"],
      ["gatepay", "closeOrder", "rejected 400204"],
      ["gatepay", "createRecharge", "created"],
      ["gatepay", "createRecharge", "rejected 400001"],
      ["gatepay", "cancelRecharge", "cancelled"],
      ["gatepay", "cancelRecharge", "rejected 400204"],
      ["daxpay", "cancel", "cancelled"],
      ["daxpay", "cancel", "rejected 1"],
      ["daxpay", "cancel", "rejected 1"],
      ["payermax", "cancel", "PENDING"],
      ["payermax", "cancel", "SUCCESS"],
      ["payermax", "cancel", "FAILED"],
      ["payermax", "cancel", "rejected PARAMS_INVALID"],
      ["gatepay", "cancelOrder", "cancelled"],
      ["gatepay", "cancelOrder", "cancelled"],
      ["daxpay", "cancelOrder", "cancelled"],
      ["payermax", "cancelOrder", "pending"],
      ["payermax", "cancel", "PENDING"],
      ["payermax", "notification", "CANCEL SUCCESS"],
      ["gatepay", "closeOrder", "closed"],
      ["gatepay", "notification", "PAY_CLOSE"],
    ]);
    expect(rows.every((row) => row.outcome === row.expected)).toBe(true);
  });

  it("leaves the sandbox's records in the states the tour drove them to", () => {
    const states = Object.fromEntries(
      sandbox.orders("gatepayPrepayOrder").map((order) => [order.merchantTradeNo, order.status]),
    );
    expect(states).toEqual({
      "TOUR-CLOSE-1": "CLOSED",
      "TOUR-CLOSE-PAID": "PAID",
      "TOUR-ANY-1": "CLOSED",
      "TOUR-CLOSE-N1": "CLOSED",
    });
  });
});

describe("formatTourTable", () => {
  const row: TourRow = {
    provider: "daxpay",
    operation: "cancel",
    scenario: "cancel a paid order",
    outcome: "rejected 1",
    expected: "rejected 1",
    latencyMs: 3.25,
  };

  it("aligns the columns and right-aligns the latency", () => {
    expect(formatTourTable([row]).split("\n")).toEqual([
      "provider  operation  scenario             outcome     latency",
      "────────  ─────────  ───────────────────  ──────────  ───────",
      "daxpay    cancel     cancel a paid order  rejected 1   3.3 ms",
    ]);
  });

  it("marks an outcome that differs from the expected one", () => {
    const [, , line] = formatTourTable([{ ...row, outcome: "cancelled" }]).split("\n");
    expect(line).toContain("cancelled  ✗ expected rejected 1");
  });
});

describe("npm start -- --keep", () => {
  it("prints one sandbox line with the URL, admin token and every provider's credentials, and keeps serving", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", resolve(root, "scripts/start.ts"), "--keep"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      let sandboxLine: string | undefined;
      for await (const line of lines) {
        if (line.startsWith("sandbox: ")) {
          sandboxLine = line;
          break;
        }
      }
      const info = JSON.parse((sandboxLine ?? "").slice("sandbox: ".length));
      expect(Object.keys(info)).toEqual([
        "url",
        "adminToken",
        "gatepay",
        "daxpay",
        "payermax",
        "payermaxBase64",
      ]);
      // The token opens the admin API over HTTP, as the README's admin section says.
      const orders = await fetch(`${info.url}/__sandbox/orders`, {
        headers: { authorization: `Bearer ${info.adminToken}` },
      });
      expect(orders.status).toBe(200);
      expect(Object.keys(info.gatepay).sort()).toEqual(["clientId", "merchantId", "secret"]);
      expect(Object.keys(info.daxpay).sort()).toEqual(["secret", "signType"]);
      expect(Object.keys(info.payermax).sort()).toEqual([
        "appId",
        "merchantNo",
        "platformPublicKey",
        "privateKey",
      ]);
      // The same keys as bare Base64 DER (PKCS#8 private, SPKI public).
      expect(Object.keys(info.payermaxBase64).sort()).toEqual(["platformPublicKey", "privateKey"]);
      expect(info.payermaxBase64.privateKey).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      const response = await fetch(`${info.url}/no/such/path`, { method: "POST" });
      expect(response.status).toBe(404);
    } finally {
      child.kill("SIGTERM");
    }
  }, 30_000);
});
