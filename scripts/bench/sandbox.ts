// sandbox: requests per second the real sandbox sustains at concurrency 16 while it verifies every
// request's signature (and signs every PayerMax answer), per provider and mixed. The sandbox runs in its
// own process; the load generator signs each request inline (lib/protocols.ts) with a fresh timestamp
// and nonce and cancels seeded unpaid orders. For scale, the same load generator against the canned
// server (no verification, no state) is measured in alternating rounds: ratio = sandbox / canned.
import { createPrivateKey } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { type CannedResponse, startCannedServer } from "./lib/canned-server.js";
import { keepAliveAgent, post } from "./lib/http-post.js";
import { pairedThroughput, type ThroughputSide } from "./lib/measure.js";
import {
  type DaxPayKeys,
  daxPayCancelRequest,
  type GatePayKeys,
  gatePayCloseRequest,
  limitNonce,
  type PayerMaxKeys,
  payerMaxCancelRequest,
  type WireRequest,
} from "./lib/protocols.js";
import type { Pending } from "./lib/result.js";
import { startSandboxProcess } from "./lib/sandbox-child.js";

const root = resolve(import.meta.dirname, "..", "..");
const CONCURRENCY = 16;
const ORDERS_PER_PROVIDER = 15_000;
const ROUND_MS = 600;
const ROUNDS = 3;
/** Requests signed ahead of each round: more than a round sends at the rates seen here. */
const POOL_PER_ROUND = 8_000;
const PAYERMAX_POOL = 200;

type Workload = "gatepay" | "daxpay" | "payermax" | "mixed";
const PROVIDERS = ["gatepay", "daxpay", "payermax"] as const;
type Provider = (typeof PROVIDERS)[number];

// Answers that mean the request itself was refused (signature, clock window, replayed nonce): a load
// generator bug, not sandbox throughput, so the bench fails loudly if it sees any.
const REFUSALS = new Set([
  "gatepay:400002",
  "gatepay:400003",
  "gatepay:400020",
  "gatepay:400001",
  "daxpay:20052",
  "daxpay:10006",
  "daxpay:20051",
  "payermax:SIGN_VERIFY_FAILED",
  "payermax:REQ_TIME_OVER_TIME",
  "payermax:PARAMS_INVALID",
  "payermax:MERCHANT_APP_INVALID",
]);

export interface SandboxRow {
  readonly workload: Workload;
  readonly concurrency: number;
  readonly sandboxRps: number;
  /** The same load generator against the canned loopback server. */
  readonly cannedRps: number;
  /** sandbox / canned. */
  readonly ratio: number;
  /** Answers seen from the sandbox, by `provider:code`. */
  readonly answers: Record<string, number>;
  /** Answers refusing the request (signature, window, nonce, format): must be 0. */
  readonly refused: number;
}

export interface SandboxSection {
  readonly method: string;
  readonly rows: SandboxRow[];
}

function cannedAnswers(): Record<string, CannedResponse> {
  const json = { "content-type": "application/json" };
  return {
    "/v1/pay/order/close": {
      status: 200,
      headers: json,
      body: '{"status":"SUCCESS","code":"000000","errorMessage":"","data":{"result":"SUCCESS"}}',
    },
    "/unipay/cancel": {
      status: 200,
      headers: json,
      body: '{"code":0,"msg":"success","data":{"code":0,"resTime":1700000000,"sign":"0"},"traceId":"t"}',
    },
    "/aggregate-pay/api/gateway/cancel": {
      status: 200,
      headers: json,
      body: '{"code":"APPLY_SUCCESS","msg":"Success.","data":{"status":"PENDING"}}',
    },
  };
}

const PATH_PROVIDER: Record<string, Provider> = {
  "/v1/pay/order/close": "gatepay",
  "/unipay/cancel": "daxpay",
  "/aggregate-pay/api/gateway/cancel": "payermax",
};

function providerOf(path: string): Provider {
  const provider = PATH_PROVIDER[path];
  if (provider === undefined) throw new Error(`no provider for ${path}`);
  return provider;
}

/** The code an answer carries, as `provider:code`. */
function answerCode(provider: Provider, text: string): string {
  try {
    const json = JSON.parse(text) as { code?: unknown };
    return `${provider}:${String(json.code)}`;
  } catch {
    return `${provider}:not-json`;
  }
}

export async function benchSandbox(log: (line: string) => void): Promise<SandboxSection | Pending> {
  if (!existsSync(join(root, "src", "sandbox", "index.ts"))) {
    const reason = "src/sandbox/index.ts has not landed yet";
    log(`sandbox: pending: ${reason}`);
    return { status: "pending", reason };
  }
  const sandbox = await startSandboxProcess(ORDERS_PER_PROVIDER);
  const canned = await startCannedServer(cannedAnswers());
  const agent = keepAliveAgent(CONCURRENCY);
  try {
    const { gatepay, daxpay, payermax } = sandbox.credentials;
    const gatepayKeys: GatePayKeys = { clientId: gatepay.clientId, key: Buffer.from(gatepay.secret, "utf8") };
    const daxpayKeys: DaxPayKeys = { secret: daxpay.secret, key: Buffer.from(daxpay.secret, "utf8") };
    if (daxpay.signType !== "HMAC_SHA256")
      throw new Error("the sandbox's DaxPay platform must use HMAC_SHA256");
    const payermaxKeys: PayerMaxKeys = {
      appId: payermax.appId,
      merchantNo: payermax.merchantNo,
      privateKey: createPrivateKey(payermax.privateKey),
    };
    const cursor: Record<Provider, number> = { gatepay: 0, daxpay: 0, payermax: 0 };
    let requestSeq = 0;
    const build = (provider: Provider): WireRequest => {
      const i = cursor[provider]++ % ORDERS_PER_PROVIDER;
      const now = Date.now();
      switch (provider) {
        case "gatepay":
          return gatePayCloseRequest(
            gatepayKeys,
            sandbox.gatepayMerchantTradeNos[i] ?? "",
            now,
            limitNonce(),
          );
        case "daxpay":
          return daxPayCancelRequest(daxpayKeys, sandbox.daxpayOrderNos[i] ?? "", now, limitNonce());
        case "payermax":
          return payerMaxCancelRequest(
            payermaxKeys,
            {
              requestId: `bench-${process.pid}-${requestSeq++}`,
              outTradeNo: sandbox.payermaxOutTradeNos[i] ?? "",
            },
            now,
          );
      }
    };
    // Requests are signed before each round, untimed, so the load generator spends its core on sending:
    // otherwise it, not the sandbox, is the bottleneck (an RSA signature costs as much as the sandbox's
    // whole PayerMax answer). GatePay and DaxPay requests are unique (fresh nonce each); PayerMax has no
    // nonce, so a smaller pool is cycled, and a repeated requestId takes the sandbox's idempotent path
    // (still verified, still a signed answer). Past the pool, requests are signed inline.
    const pool = (workload: Workload): (() => WireRequest) => {
      const unique: WireRequest[] = [];
      const payermaxCycle: WireRequest[] = [];
      for (let i = 0; i < POOL_PER_ROUND; i++) {
        const provider = workload === "mixed" ? (PROVIDERS[i % PROVIDERS.length] ?? "gatepay") : workload;
        if (provider !== "payermax") unique.push(build(provider));
      }
      if (workload === "payermax" || workload === "mixed") {
        for (let i = 0; i < PAYERMAX_POOL; i++) payermaxCycle.push(build("payermax"));
      }
      let next = 0;
      let turn = 0;
      let cycle = 0;
      return () => {
        const provider =
          workload === "mixed" ? (PROVIDERS[turn++ % PROVIDERS.length] ?? "gatepay") : workload;
        if (provider === "payermax")
          return payermaxCycle[cycle++ % payermaxCycle.length] ?? build("payermax");
        return unique[next++] ?? build(provider);
      };
    };
    const side = (baseUrl: string, workload: Workload, answers?: Record<string, number>): ThroughputSide => {
      const base = new URL(baseUrl);
      let take: () => WireRequest = () => build(workload === "mixed" ? "gatepay" : workload);
      return {
        prepare: () => {
          take = pool(workload);
        },
        run: async () => {
          const wire = take();
          const { text } = await post(agent, base, wire);
          if (answers !== undefined) {
            const code = answerCode(providerOf(wire.path), text);
            answers[code] = (answers[code] ?? 0) + 1;
          }
        },
      };
    };
    const rows: SandboxRow[] = [];
    for (const workload of [...PROVIDERS, "mixed"] as const) {
      const answers: Record<string, number> = {};
      const rates = await pairedThroughput(side(sandbox.url, workload, answers), side(canned.url, workload), {
        concurrency: CONCURRENCY,
        roundMs: ROUND_MS,
        rounds: ROUNDS,
      });
      const refused = Object.entries(answers)
        .filter(([code]) => REFUSALS.has(code))
        .reduce((sum, [, count]) => sum + count, 0);
      log(
        `sandbox: ${workload}: ${Math.round(rates.a)} req/s (canned server ${Math.round(rates.b)}), ` +
          `answers ${JSON.stringify(answers)}`,
      );
      if (refused > 0)
        throw new Error(
          `sandbox: ${workload}: ${refused} requests were refused: the load generator is wrong`,
        );
      rows.push({
        workload,
        concurrency: CONCURRENCY,
        sandboxRps: Math.round(rates.a),
        cannedRps: Math.round(rates.b),
        ratio: Math.round((rates.a / rates.b) * 1000) / 1000,
        answers,
        refused,
      });
    }
    return {
      method:
        `Real sandbox (startSandbox) in its own process with ${ORDERS_PER_PROVIDER} seeded unpaid orders per ` +
        `provider; ${CONCURRENCY} concurrent loops of node:http keep-alive POSTs (lighter than fetch, so the ` +
        "load generator is not the bottleneck). Requests are signed (fresh timestamp and nonce) " +
        `just before each round, untimed: ${POOL_PER_ROUND} unique GatePay/DaxPay requests, ${PAYERMAX_POOL} ` +
        `PayerMax requests cycled (repeats take the idempotent path). ${ROUNDS} rounds of ${ROUND_MS} ms ` +
        "alternating with the same load against the canned server (no verification, no state); medians.",
      rows,
    };
  } finally {
    agent.destroy();
    await canned.stop();
    await sandbox.stop();
  }
}
