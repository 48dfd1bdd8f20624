// The runtime matrix (`npm run test:runtimes`): the client entry points run unchanged on Bun, Deno and
// workerd (nodejs_compat), against one sandbox hosted here by Node on loopback. Each runtime runs
// program.ts: every operation once, then each provider through a proxy that flips one byte of the
// answer, which the client must reject with SignatureError; then the notification verifiers and the
// Web handler on real notifications. Those are sent once, before any runtime runs, by the sandbox to
// a capture server here (capture.ts), so every row verifies the same bytes with the same signatures;
// and the sandbox stops notifying afterwards, so the rows' own calls add no deliveries. The report is
// asserted on exactly, and the sandbox's own records confirm what each call did.

import { afterAll, beforeAll, expect, it } from "vitest";
import * as root from "../../src/index.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import { type CapturedPost, startCaptureServer } from "./capture.js";
import type { CapturedNotification, ProgramConfig, ProgramReport } from "./program.js";
import {
  bundleProgram,
  compatibilityDateOf,
  type ProgramBundle,
  RUNTIMES,
  type RuntimeName,
  type RuntimeTarget,
  runOn,
  runtimeVersion,
  TARGETS,
} from "./runtimes.js";
import { startTamperProxy, type TamperProxy } from "./tamper.js";

// Versions are read before the tests are named, so each summary line says what ran.
const versions = Object.fromEntries(
  await Promise.all(RUNTIMES.map(async (runtime) => [runtime, await runtimeVersion(runtime)] as const)),
) as Record<RuntimeName, string>;

async function describeTarget(target: RuntimeTarget): Promise<string> {
  const version = versions[target.runtime];
  if (target.runtime !== "workerd") return version;
  return `${version} (nodejs_compat, compatibility date ${await compatibilityDateOf(target)})`;
}
const names = await Promise.all(TARGETS.map(describeTarget));

let sandbox: Sandbox;
let proxy: TamperProxy;
let bundle: ProgramBundle;
let notifications: ProgramConfig["notifications"];

// The orders whose notifications every row verifies. Each id ends in a digit, the byte program.ts alters.
const NOTIFIED = {
  prepayId: "RT-NOTIFY-PREPAY-1",
  merchantTradeNo: "RT-NOTIFY-CLOSE-1",
  daxpayOrderNo: "RT-NOTIFY-DAX-1",
  daxpayBizOrderNo: "RT-NOTIFY-BIZ-1",
  payermaxOutTradeNo: "RT_NOTIFY_PMX_1",
  payermaxRequestId: "RT-NOTIFY-REQ-1",
};

// The connection's own headers, which a runtime's server sets on the Request it hands an app.
const CONNECTION_HEADERS = new Set([
  "host",
  "connection",
  "keep-alive",
  "content-length",
  "transfer-encoding",
]);

function notificationOf(post: CapturedPost | undefined, orderId: string): CapturedNotification {
  if (post === undefined) throw new Error(`no notification captured for ${orderId}`);
  const headers = Object.fromEntries(
    Object.entries(post.headers).filter(([name]) => !CONNECTION_HEADERS.has(name)),
  );
  return { rawBody: post.rawBody, headers, orderId };
}

/** Has the sandbox send one notification per provider to a capture server, and returns them as received. */
async function captureNotifications(): Promise<ProgramConfig["notifications"]> {
  const capture = await startCaptureServer();
  try {
    sandbox.setNotifyUrl(capture.url);
    const { credentials } = sandbox;
    const common = { baseUrl: sandbox.url, retry: { retries: 0 } };
    sandbox.seed.gatepayPrepayOrder({
      prepayId: NOTIFIED.prepayId,
      merchantTradeNo: NOTIFIED.merchantTradeNo,
    });
    sandbox.seed.daxpayOrder({ orderNo: NOTIFIED.daxpayOrderNo, bizOrderNo: NOTIFIED.daxpayBizOrderNo });
    sandbox.seed.payermaxOrder({ outTradeNo: NOTIFIED.payermaxOutTradeNo });
    await Promise.all([
      root
        .createGatePayClient({ ...credentials.gatepay, ...common })
        .closeOrder({ prepayId: NOTIFIED.prepayId }),
      root
        .createDaxPayClient({ ...credentials.daxpay, ...common })
        .cancel({ orderNo: NOTIFIED.daxpayOrderNo }),
      // Answered PENDING; the CANCEL notification follows once it settles (payermaxCancelSettleMs).
      root.createPayerMaxClient({ ...credentials.payermax, ...common }).cancel({
        requestId: NOTIFIED.payermaxRequestId,
        outTradeNo: NOTIFIED.payermaxOutTradeNo,
      }),
    ]);
    await sandbox.notificationsSettled();
    sandbox.setNotifyUrl(null);
    // Each acknowledged at its first attempt: the capture server holds exactly one copy of each.
    expect(
      sandbox.notifications().map(({ provider, event, orderId, state, attempts }) => ({
        provider,
        event,
        orderId,
        state,
        attempts: attempts.length,
      })),
    ).toEqual([
      {
        provider: "gatepay",
        event: "PAY_CLOSE",
        orderId: NOTIFIED.prepayId,
        state: "acknowledged",
        attempts: 1,
      },
      {
        provider: "daxpay",
        event: "cancel",
        orderId: NOTIFIED.daxpayOrderNo,
        state: "acknowledged",
        attempts: 1,
      },
      {
        provider: "payermax",
        event: "CANCEL:SUCCESS",
        orderId: NOTIFIED.payermaxOutTradeNo,
        state: "acknowledged",
        attempts: 1,
      },
    ]);
    const posts = capture.posts();
    const carrying = (id: string) => posts.find((post) => post.rawBody.includes(id));
    expect(posts).toHaveLength(3);
    return {
      gatepay: notificationOf(carrying(NOTIFIED.prepayId), NOTIFIED.prepayId),
      daxpay: notificationOf(carrying(NOTIFIED.daxpayOrderNo), NOTIFIED.daxpayOrderNo),
      payermax: notificationOf(carrying(NOTIFIED.payermaxOutTradeNo), NOTIFIED.payermaxOutTradeNo),
    };
  } finally {
    await capture.stop();
  }
}

beforeAll(async () => {
  // Signed GatePay answers, so that GatePay's tampered answer has a signature to fail. PayerMax's
  // cancel settles at once, so its notification does not hold up the matrix.
  [sandbox, bundle] = await Promise.all([
    startSandbox({ gatepayResponseSignatures: true, notifications: { payermaxCancelSettleMs: 0 } }),
    bundleProgram(),
  ]);
  [proxy, notifications] = await Promise.all([startTamperProxy(sandbox.url), captureNotifications()]);
});

afterAll(async () => {
  await Promise.all([proxy?.stop(), sandbox?.stop(), bundle?.dispose()]);
});

/** Seeds one runtime's orders under its own prefix and mints its quote. */
function prepare(target: RuntimeTarget): ProgramConfig {
  const prefix = `RT-${target.id.toUpperCase()}`;
  // PayerMax creates no order outside letters, digits and _ (its order rule), so neither does the sandbox.
  const payermaxPrefix = prefix.replace(/[^A-Za-z0-9_]/g, "_");
  const ids = {
    merchantTradeNo: `${prefix}-CLOSE`,
    tamperedMerchantTradeNo: `${prefix}-CLOSE-T`,
    daxpayBizOrderNo: `${prefix}-BIZ`,
    tamperedDaxpayOrderNo: `${prefix}-DAX-T`,
    payermaxOutTradeNo: `${payermaxPrefix}_PMX`,
    tamperedPayermaxOutTradeNo: `${payermaxPrefix}_PMX_T`,
    requestId: `${prefix}-REQ`,
    tamperedRequestId: `${prefix}-REQ-T`,
  };
  sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: ids.merchantTradeNo });
  sandbox.seed.gatepayPrepayOrder({ merchantTradeNo: ids.tamperedMerchantTradeNo });
  sandbox.seed.daxpayOrder({ bizOrderNo: ids.daxpayBizOrderNo });
  sandbox.seed.daxpayOrder({ orderNo: ids.tamperedDaxpayOrderNo });
  sandbox.seed.payermaxOrder({ outTradeNo: ids.payermaxOutTradeNo });
  sandbox.seed.payermaxOrder({ outTradeNo: ids.tamperedPayermaxOutTradeNo });
  const { quoteToken, currency, amount, fiatCurrency, fiatAmount } = sandbox.mintQuote();
  const { gatepay, daxpay, payermax } = sandbox.credentials;
  return {
    url: sandbox.url,
    tamperedUrl: proxy.url,
    gatepay,
    daxpay,
    payermax,
    quote: { quoteToken, currency, amount, fiatCurrency: fiatCurrency as "USD", fiatAmount },
    ids,
    notifications,
  };
}

function signatureError(provider: string, operation: string) {
  return {
    error: { name: "SignatureError", type: "signature", provider, operation, isSignatureError: true },
  };
}

// The worked examples pinned in src/<provider>/sign.ts and its tests, computed there with openssl.
const WORKED_EXAMPLES = {
  gatepaySignature:
    "6f002ef62f82d91c865fc4501c839cce649d400cce26fe5ec763985a0eb4ed90" +
    "bffb8be38cde22a9bbdffdc79d4551f2a0d621969b1c577af588993ca9ebe1f4",
  gatepayVerifies: true,
  daxpaySign: "458565a54e959fa206dcda9b44eecaf0d5907e8af40f9457d404e533e092a9ed",
  daxpayVerifies: true,
  daxpayMd5: "bd02b2ac8843d55ead9eda14cf7ee808",
  daxpayMd5Verifies: true,
  payermaxSign:
    "J/Y9NeypbGfyJxu3IZ+nybZwjr3LEB3Hva9HohRLdM2gnvQs0hGqLtxteg25A44hlGV7XyyRH8UXBreqmALqNn" +
    "ZMZnQrjMS7dMYdXlhchuCdQ7ohSidnP0a37aocT7EDWTsLQSA6fjMNiheksULbsfQDJW6zk8yuSynUm0GvxLYw" +
    "J3yNOSOC0c6j0y0nk60az30S7/hTXI7YPZfnJh73LT55akxpmf6p1cGihMU86AkHh0PXfbZh2VRWHkZmB6q9hK" +
    "p8SzSqo/fLNBe6EnJHotHVBiHM9LQG/ZKCTYqslwV2AyGc5z5Iw0PUGwfQXLgHhVxcOQKzDpkGMeNlR8W6/g==",
  payermaxVerifies: true,
  payermaxRejectsOtherBody: false,
  payermaxRejectsOutOfRangeSignature: false,
  payermaxRejectsZeroSignature: false,
};

function refused(provider: string, reason: string) {
  return { signatureError: { provider, reason } };
}

/** What the handler answers a request it refuses: the error kind only, without the acknowledgement. */
function refusal(status: number, error: string) {
  return { status, contentType: "application/json", body: JSON.stringify({ error }), events: [] };
}

/**
 * The notifications part of the report, the same on every row: each verifier accepts its provider's
 * notification and names its order, and refuses it replayed, altered or past its window; the handler
 * acknowledges each with the provider's exact body and hands the same event on, acknowledges the
 * redelivery again without handing it on (at-least-once delivery), and answers 401 to the altered
 * copy without calling onNotification.
 */
function expectedNotifications() {
  const { gatepay, payermax } = sandbox.credentials;
  const events = {
    gatepay: {
      provider: "gatepay",
      kind: "payOrder",
      bizType: "PAY",
      bizId: NOTIFIED.prepayId,
      bizStatus: "PAY_CLOSE",
      clientId: gatepay.clientId,
      merchantTradeNo: NOTIFIED.merchantTradeNo,
    },
    payermax: {
      provider: "payermax",
      kind: "cancel",
      notifyType: "CANCEL",
      appId: payermax.appId,
      merchantNo: payermax.merchantNo,
      requestId: NOTIFIED.payermaxRequestId,
      outTradeNo: NOTIFIED.payermaxOutTradeNo,
      status: "SUCCESS",
    },
    daxpay: {
      provider: "daxpay",
      orderNo: NOTIFIED.daxpayOrderNo,
      bizOrderNo: NOTIFIED.daxpayBizOrderNo,
      status: "cancel",
    },
  };
  const refusals = (provider: string) => ({
    replayed: refused(provider, "replayed"),
    altered: refused(provider, "invalid"),
    stale: refused(provider, "stale"),
  });
  const handled = (body: string, contentType: string, event: Record<string, unknown>) => ({
    delivered: { status: 200, contentType, body, events: [event] },
    redelivered: { status: 200, contentType, body, events: [] },
    altered: refusal(401, "signature_invalid"),
  });
  return {
    gatepay: {
      verified: { ok: events.gatepay },
      verifiedFromHeaders: { ok: events.gatepay },
      ...refusals("gatepay"),
    },
    payermax: {
      verified: { ok: events.payermax },
      verifiedFromHeaders: { ok: events.payermax },
      ...refusals("payermax"),
    },
    daxpay: { verified: { ok: events.daxpay }, ...refusals("daxpay") },
    handler: {
      gatepay: handled('{"returnCode":"SUCCESS","returnMessage":""}', "application/json", events.gatepay),
      payermax: handled('{"code":"SUCCESS","msg":"Success"}', "application/json", events.payermax),
      daxpay: handled("SUCCESS", "text/plain; charset=utf-8", events.daxpay),
    },
  };
}

function statusOf(kind: Parameters<Sandbox["orders"]>[0] & string, id: string): string | undefined {
  const record = sandbox.orders(kind).find((order) => Object.values(order).some((value) => value === id)) as
    | { status?: string }
    | undefined;
  return record?.status;
}

for (const [index, target] of TARGETS.entries()) {
  it(`${names[index]}: every operation succeeds, each tampered answer is rejected with SignatureError, and each provider's notification is verified once and refused replayed, altered or stale`, async () => {
    const config = prepare(target);
    const tamperedBefore = proxy.tampered();
    const report: ProgramReport = await runOn(target, bundle, config);

    const recharge = sandbox
      .orders("gatepayRecharge")
      .find((order) => order.quoteToken === config.quote.quoteToken);
    expect(report).toEqual({
      rootExports: Object.keys(root).sort(),
      workedExamples: WORKED_EXAMPLES,
      steps: {
        gatepayCloseOrder: { ok: { alreadyClosed: false, result: "SUCCESS" } },
        gatepayCreateRecharge: { ok: { orderId: recharge?.orderId } },
        gatepayCancelRecharge: { ok: { alreadyCancelled: false, success: true } },
        daxpayCancel: { ok: { status: "cancelled", possiblyAlreadyCancelled: false } },
        payermaxCancel: { ok: { status: "PENDING", rawStatus: "PENDING" } },
        gatepayTampered: signatureError("gatepay", "closeOrder"),
        daxpayTampered: signatureError("daxpay", "cancel"),
        payermaxTampered: signatureError("payermax", "cancel"),
      },
      // The eight calls above, each in one attempt: on Node over node:http, elsewhere over the
      // runtime's own fetch.
      globalFetchCalls: target.runtime === "node" ? 0 : 8,
      notifications: expectedNotifications(),
    });
    expect(recharge?.orderId).toMatch(/^[0-9]+$/);
    // What the sandbox recorded: each call, tampered ones included, reached it and did its work.
    expect({
      closed: statusOf("gatepayPrepayOrder", config.ids.merchantTradeNo),
      closedBehindTamperedAnswer: statusOf("gatepayPrepayOrder", config.ids.tamperedMerchantTradeNo),
      recharge: recharge?.status,
      daxpay: statusOf("daxpayOrder", config.ids.daxpayBizOrderNo),
      daxpayBehindTamperedAnswer: statusOf("daxpayOrder", config.ids.tamperedDaxpayOrderNo),
      payermax: statusOf("payermaxOrder", config.ids.payermaxOutTradeNo),
      payermaxBehindTamperedAnswer: statusOf("payermaxOrder", config.ids.tamperedPayermaxOutTradeNo),
    }).toEqual({
      closed: "CLOSED",
      closedBehindTamperedAnswer: "CLOSED",
      recharge: "CANCELLED",
      daxpay: "cancel",
      daxpayBehindTamperedAnswer: "cancel",
      payermax: "CANCELLED",
      payermaxBehindTamperedAnswer: "CANCELLED",
    });
    expect({ tampered: proxy.tampered() - tamperedBefore, untouched: proxy.untouched() }).toEqual({
      tampered: 3,
      untouched: [],
    });
  });
}
