// The program the runtime matrix runs on Node, Bun, Deno and workerd: it imports the client entry points
// exactly as an app would (bundled by esbuild, `node:*` left to the runtime) and runs every operation
// against the Node-hosted sandbox, then each provider once through a proxy that tampers with the
// answer. It returns plain JSON; the Node side (matrix.runtimes.ts) asserts on it exactly.

import { createDaxPayClient, signDaxPay, verifyDaxPaySignature } from "../../src/daxpay/index.js";
import {
  createGatePayClient,
  PayClientError,
  SignatureError,
  signGatePay,
  verifyGatePaySignature,
} from "../../src/gatepay/index.js";
import * as root from "../../src/index.js";
import { createPayerMaxClient, signPayerMax, verifyPayerMaxSignature } from "../../src/payermax/index.js";
import { TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM } from "../../src/payermax/test-keys.js";

/** What the Node side hands the program: where the sandbox is, its credentials, and the ids it seeded. */
export interface ProgramConfig {
  /** The sandbox itself. */
  readonly url: string;
  /** A proxy in front of the sandbox that alters one byte of every answer (see tamper.ts). */
  readonly tamperedUrl: string;
  readonly gatepay: { readonly clientId: string; readonly secret: string; readonly merchantId: number };
  readonly daxpay: { readonly secret: string; readonly signType: "HMAC_SHA256" | "MD5" };
  readonly payermax: {
    readonly appId: string;
    readonly merchantNo: string;
    readonly privateKey: string;
    readonly platformPublicKey: string;
  };
  readonly quote: {
    readonly quoteToken: string;
    readonly currency: "USDT" | "USDC";
    readonly amount: string;
    readonly fiatCurrency: "USD";
    readonly fiatAmount: string;
  };
  /** Seeded ids, prefixed per runtime so the runtimes can share one sandbox. */
  readonly ids: {
    readonly merchantTradeNo: string;
    readonly tamperedMerchantTradeNo: string;
    readonly daxpayBizOrderNo: string;
    readonly tamperedDaxpayOrderNo: string;
    readonly payermaxOutTradeNo: string;
    readonly tamperedPayermaxOutTradeNo: string;
    readonly requestId: string;
    readonly tamperedRequestId: string;
  };
}

/** One step's outcome: its result's fields that matter, or the error it threw, by its public shape. */
export type Outcome =
  | { readonly ok: Record<string, unknown> }
  | {
      readonly error: {
        readonly name: string;
        readonly type: string;
        readonly provider: string | undefined;
        readonly operation: string | undefined;
        readonly isSignatureError: boolean;
      };
    }
  | { readonly thrown: { readonly name: string; readonly message: string } };

/** Everything the program reports. */
export interface ProgramReport {
  /** The root entry point's export names, sorted: it must load, and export the same on every runtime. */
  readonly rootExports: string[];
  /** The signing functions on the worked examples pinned in src/<provider>/sign.ts. */
  readonly workedExamples: Record<string, unknown>;
  readonly steps: Record<string, Outcome>;
  /**
   * How many requests went through the global `fetch`, which the clients use by default on every
   * runtime but Node (where node:http serves them); no `fetch` option is passed.
   */
  readonly globalFetchCalls: number;
}

async function outcome(call: () => Promise<Record<string, unknown>>): Promise<Outcome> {
  try {
    return { ok: await call() };
  } catch (error) {
    if (error instanceof PayClientError) {
      return {
        error: {
          name: error.name,
          type: error.type,
          provider: error.provider,
          operation: error.operation,
          isSignatureError: error instanceof SignatureError,
        },
      };
    }
    const { name, message } = error instanceof Error ? error : { name: typeof error, message: String(error) };
    return { thrown: { name, message } };
  }
}

const PAYERMAX_EXAMPLE_BODY =
  '{"version":"1.5","keyVersion":"1","requestTime":"2024-11-06T11:56:13.000+08:00",' +
  '"appId":"test-app-id","merchantNo":"SDP01010114048086",' +
  '"data":{"requestId":"R20241106001","outTradeNo":"P20241106001"}}';

// A value, or what computing it threw: one example failing must not hide the others.
function attempt(compute: () => unknown): unknown {
  try {
    return compute();
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: typeof error, message: String(error) };
    return { thrown: { name, message } };
  }
}

function workedExamples(): Record<string, unknown> {
  const gatepayParts = {
    secret: "gatepay-test-secret",
    timestamp: "1700000000000",
    nonce: "abc123XYZ",
    body: '{"merchantTradeNo":"M20240001"}',
  };
  const daxpayFields = { bizTradeNo: "P0001", clientIp: "127.0.0.1", reqTime: 1715347558 };
  const gatepaySignature = attempt(() => signGatePay(gatepayParts));
  const daxpaySign = attempt(() => signDaxPay(daxpayFields, "123456"));
  const daxpayMd5 = attempt(() => signDaxPay(daxpayFields, "123456", "MD5"));
  const payermaxSign = attempt(() => signPayerMax(PAYERMAX_EXAMPLE_BODY, TEST_PRIVATE_KEY_PEM));
  const verifyPayerMax = (body: string, signature: unknown) =>
    attempt(() => verifyPayerMaxSignature(body, signature as string, TEST_PUBLIC_KEY_PEM));
  // 256 bytes of one value: all 0xFF is a number larger than the modulus, all 0x00 is zero; both must
  // read as "no", not as a crash.
  const filled = (byte: number) => btoa(String.fromCharCode(...new Array<number>(256).fill(byte)));
  return {
    gatepaySignature,
    gatepayVerifies: attempt(() =>
      verifyGatePaySignature({ ...gatepayParts, signature: gatepaySignature as string }),
    ),
    daxpaySign,
    daxpayVerifies: attempt(() => verifyDaxPaySignature({ ...daxpayFields, sign: daxpaySign }, "123456")),
    daxpayMd5,
    daxpayMd5Verifies: attempt(() =>
      verifyDaxPaySignature({ ...daxpayFields, sign: daxpayMd5 }, "123456", "MD5"),
    ),
    payermaxSign,
    payermaxVerifies: verifyPayerMax(PAYERMAX_EXAMPLE_BODY, payermaxSign),
    payermaxRejectsOtherBody: verifyPayerMax(`${PAYERMAX_EXAMPLE_BODY} `, payermaxSign),
    payermaxRejectsOutOfRangeSignature: verifyPayerMax(PAYERMAX_EXAMPLE_BODY, filled(0xff)),
    payermaxRejectsZeroSignature: verifyPayerMax(PAYERMAX_EXAMPLE_BODY, filled(0x00)),
  };
}

/** Runs every step in order (later steps use earlier results) and reports each outcome. */
export async function runProgram(config: ProgramConfig): Promise<ProgramReport> {
  const { ids } = config;
  const globalFetch = globalThis.fetch;
  let globalFetchCalls = 0;
  globalThis.fetch = (input, init) => {
    globalFetchCalls += 1;
    return globalFetch(input, init);
  };
  // No retries: every answer here is final, and a retried tampered answer would only repeat itself.
  const common = { retry: { retries: 0 } };
  const clients = (baseUrl: string) => ({
    gatepay: createGatePayClient({ ...config.gatepay, baseUrl, responseSignatures: "required", ...common }),
    daxpay: createDaxPayClient({ ...config.daxpay, baseUrl, ...common }),
    payermax: createPayerMaxClient({ ...config.payermax, baseUrl, ...common }),
  });
  const direct = clients(config.url);
  const tampered = clients(config.tamperedUrl);
  const steps: Record<string, Outcome> = {};

  steps.gatepayCloseOrder = await outcome(async () => {
    const result = await direct.gatepay.closeOrder({ merchantTradeNo: ids.merchantTradeNo });
    return { alreadyClosed: result.alreadyClosed, result: result.data?.result };
  });
  let orderId = "";
  steps.gatepayCreateRecharge = await outcome(async () => {
    const { data } = await direct.gatepay.createRecharge({ ...config.quote, bankId: "ba_123456789" });
    orderId = data.orderId ?? "";
    return { orderId };
  });
  steps.gatepayCancelRecharge = await outcome(async () => {
    const result = await direct.gatepay.cancelRecharge({ orderId });
    return { alreadyCancelled: result.alreadyCancelled, success: result.data?.success };
  });
  steps.daxpayCancel = await outcome(async () => {
    const result = await direct.daxpay.cancel({ bizOrderNo: ids.daxpayBizOrderNo, clientIp: "127.0.0.1" });
    return { status: result.status, possiblyAlreadyCancelled: result.possiblyAlreadyCancelled };
  });
  steps.payermaxCancel = await outcome(async () => {
    const result = await direct.payermax.cancel({
      requestId: ids.requestId,
      outTradeNo: ids.payermaxOutTradeNo,
    });
    return { status: result.status, rawStatus: result.rawStatus };
  });
  steps.gatepayTampered = await outcome(async () => {
    const result = await tampered.gatepay.closeOrder({ merchantTradeNo: ids.tamperedMerchantTradeNo });
    return { alreadyClosed: result.alreadyClosed };
  });
  steps.daxpayTampered = await outcome(async () => {
    const result = await tampered.daxpay.cancel({ orderNo: ids.tamperedDaxpayOrderNo });
    return { status: result.status };
  });
  steps.payermaxTampered = await outcome(async () => {
    const result = await tampered.payermax.cancel({
      requestId: ids.tamperedRequestId,
      outTradeNo: ids.tamperedPayermaxOutTradeNo,
    });
    return { status: result.status };
  });

  globalThis.fetch = globalFetch;
  return { rootExports: Object.keys(root).sort(), workedExamples: workedExamples(), steps, globalFetchCalls };
}
