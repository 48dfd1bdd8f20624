// The program the runtime matrix runs on Node, Bun, Deno and workerd: it imports the client entry points
// exactly as an app would (bundled by esbuild, `node:*` left to the runtime) and runs every operation
// against the Node-hosted sandbox, then each provider once through a proxy that tampers with the
// answer. Then it verifies a notification of each provider, signed by the sandbox and captured on
// the Node side, with the provider's verifier and through createNotificationHandler, the Web handler
// a Bun, Deno or Workers app mounts: accepted once, refused when replayed, altered or out of its
// time window. It returns plain JSON; the Node side (matrix.runtimes.ts) asserts on it exactly.

import {
  createDaxPayClient,
  DAXPAY_NOTIFICATION_TOLERANCE_MS,
  signDaxPay,
  verifyDaxPayNotification,
  verifyDaxPaySignature,
} from "../../src/daxpay/index.js";
import {
  createGatePayClient,
  createMemoryReplayStore,
  GATEPAY_NOTIFICATION_TOLERANCE_MS,
  PayClientError,
  type ReplayStore,
  SignatureError,
  signGatePay,
  verifyGatePayNotification,
  verifyGatePaySignature,
} from "../../src/gatepay/index.js";
import * as root from "../../src/index.js";
import { createNotificationHandler, type NotificationEvent } from "../../src/index.js";
import {
  createPayerMaxClient,
  PAYERMAX_NOTIFICATION_TOLERANCE_MS,
  signPayerMax,
  verifyPayerMaxNotification,
  verifyPayerMaxSignature,
} from "../../src/payermax/index.js";
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
  /** One notification per provider, sent by the sandbox before the runtimes run; the same for every row. */
  readonly notifications: {
    readonly gatepay: CapturedNotification;
    readonly daxpay: CapturedNotification;
    readonly payermax: CapturedNotification;
  };
}

/** A notification as the Node side received it. */
export interface CapturedNotification {
  /** The body exactly as sent. */
  readonly rawBody: string;
  /** Its headers, without the connection's own (host, content-length…), which a runtime's server sets. */
  readonly headers: Readonly<Record<string, string>>;
  /** The order id in the body; its last byte is the one altered for the "invalid" case. */
  readonly orderId: string;
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
  readonly notifications: NotificationReport;
}

/** A verifier's answer: the notification's identifying fields, or why it was refused. */
export type Verdict =
  | { readonly ok: Record<string, unknown> }
  | { readonly signatureError: { readonly provider: string | undefined; readonly reason: string } }
  | { readonly thrown: { readonly name: string; readonly message: string } };

/** What createNotificationHandler answered one request, and the events it handed to onNotification. */
export interface HandlerAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
  readonly events: Record<string, unknown>[];
}

/** Per provider: the verifier's verdicts, then the handler's answers, for the same captured notification. */
export interface NotificationReport {
  readonly gatepay: Record<string, Verdict>;
  readonly daxpay: Record<string, Verdict>;
  readonly payermax: Record<string, Verdict>;
  readonly handler: Record<"gatepay" | "daxpay" | "payermax", Record<string, HandlerAnswer>>;
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
  return {
    rootExports: Object.keys(root).sort(),
    workedExamples: workedExamples(),
    steps,
    globalFetchCalls,
    notifications: await notifications(config),
  };
}

/** The fields that identify a verified notification, whichever way it was verified. */
function identify(event: NotificationEvent): Record<string, unknown> {
  switch (event.provider) {
    case "gatepay": {
      const { kind, bizType, bizId, bizStatus, clientId, data } = event.notification;
      const merchantTradeNo = (data as { merchantTradeNo?: unknown } | undefined)?.merchantTradeNo;
      return { provider: "gatepay", kind, bizType, bizId, bizStatus, clientId, merchantTradeNo };
    }
    case "payermax": {
      const { kind, notifyType, appId, merchantNo, data } = event.notification;
      const { requestId, outTradeNo, status } = data as Record<string, unknown>;
      return { provider: "payermax", kind, notifyType, appId, merchantNo, requestId, outTradeNo, status };
    }
    case "daxpay": {
      const { orderNo, bizOrderNo, status } = event.notification;
      return { provider: "daxpay", orderNo, bizOrderNo, status };
    }
  }
}

async function verdict(verify: () => Promise<NotificationEvent>): Promise<Verdict> {
  try {
    return { ok: identify(await verify()) };
  } catch (error) {
    if (error instanceof SignatureError) {
      return { signatureError: { provider: error.provider, reason: error.reason } };
    }
    const { name, message } = error instanceof Error ? error : { name: typeof error, message: String(error) };
    return { thrown: { name, message } };
  }
}

/** The body with the low bit of the order id's last byte flipped: still JSON, same length, no longer what was signed. */
function alterOneByte({ rawBody, orderId }: CapturedNotification): string {
  const index = rawBody.indexOf(orderId) + orderId.length - 1;
  if (index < orderId.length - 1) throw new Error(`order id ${orderId} is not in the notification`);
  return `${rawBody.slice(0, index)}${String.fromCharCode(rawBody.charCodeAt(index) ^ 1)}${rawBody.slice(index + 1)}`;
}

// Just past each provider's window: the notifications were sent moments before the program started.
const MINUTE = 60_000;
const pastWindow = (toleranceMs: number) => () => Date.now() + toleranceMs + MINUTE;

type Verify = (
  rawBody: string,
  headers: Headers | Readonly<Record<string, string>>,
  replayStore: ReplayStore,
  now?: () => number,
) => Promise<NotificationEvent>;

/**
 * One provider's verifier on its captured notification: accepted (headers as a plain object, and, for
 * a provider that reads them, as a `Headers` with a new store), then refused when replayed into the
 * first store, with one byte altered, and at a time past its window. Every refusal but the replay has
 * a store of its own, so it has no other cause.
 */
async function verifierCases(
  verify: Verify,
  captured: CapturedNotification,
  toleranceMs: number,
  readsHeaders = true,
): Promise<Record<string, Verdict>> {
  const { rawBody, headers } = captured;
  const store = createMemoryReplayStore();
  return {
    verified: await verdict(() => verify(rawBody, headers, store)),
    ...(readsHeaders && {
      verifiedFromHeaders: await verdict(() =>
        verify(rawBody, new Headers(headers), createMemoryReplayStore()),
      ),
    }),
    replayed: await verdict(() => verify(rawBody, headers, store)),
    altered: await verdict(() => verify(alterOneByte(captured), headers, createMemoryReplayStore())),
    stale: await verdict(() => verify(rawBody, headers, createMemoryReplayStore(), pastWindow(toleranceMs))),
  };
}

async function notifications(config: ProgramConfig): Promise<NotificationReport> {
  const { gatepay, daxpay, payermax } = config.notifications;
  const options = {
    gatepay: { secret: config.gatepay.secret },
    payermax: { platformPublicKey: config.payermax.platformPublicKey },
    daxpay: { secret: config.daxpay.secret, signType: config.daxpay.signType },
  };
  const report = {
    gatepay: await verifierCases(
      async (rawBody, headers, replayStore, now) => ({
        provider: "gatepay",
        notification: await verifyGatePayNotification(rawBody, headers, {
          ...options.gatepay,
          replayStore,
          now,
        }),
      }),
      gatepay,
      GATEPAY_NOTIFICATION_TOLERANCE_MS,
    ),
    payermax: await verifierCases(
      async (rawBody, headers, replayStore, now) => ({
        provider: "payermax",
        notification: await verifyPayerMaxNotification(rawBody, headers, {
          ...options.payermax,
          replayStore,
          now,
        }),
      }),
      payermax,
      PAYERMAX_NOTIFICATION_TOLERANCE_MS,
    ),
    // DaxPay signs inside the body and takes no headers.
    daxpay: await verifierCases(
      async (rawBody, _headers, replayStore, now) => ({
        provider: "daxpay",
        notification: await verifyDaxPayNotification(rawBody, { ...options.daxpay, replayStore, now }),
      }),
      daxpay,
      DAXPAY_NOTIFICATION_TOLERANCE_MS,
      false,
    ),
  };

  // All three providers on one endpoint, as an app mounts it: each request is told apart by its headers.
  const events: Record<string, unknown>[] = [];
  const handler = createNotificationHandler({
    ...options,
    onNotification(event) {
      events.push(identify(event));
    },
  });
  const send = async (captured: CapturedNotification, body: string): Promise<HandlerAnswer> => {
    const answer = await handler(
      new Request("http://localhost/notify", { method: "POST", headers: captured.headers, body }),
    );
    return {
      status: answer.status,
      contentType: answer.headers.get("content-type"),
      body: await answer.text(),
      events: events.splice(0),
    };
  };
  const handlerReport = {} as NotificationReport["handler"];
  for (const [provider, captured] of [
    ["gatepay", gatepay],
    ["payermax", payermax],
    ["daxpay", daxpay],
  ] as const) {
    handlerReport[provider] = {
      delivered: await send(captured, captured.rawBody),
      redelivered: await send(captured, captured.rawBody),
      altered: await send(captured, alterOneByte(captured)),
    };
  }
  return { ...report, handler: handlerReport };
}
