// Tampering and replay. A man in the middle changes one byte of a signed answer (its body, or a
// signature header) on its way from the real sandbox: the client must refuse it, whatever the byte.
// The callback helpers refuse altered callbacks. The sandbox refuses a replayed GatePay request.

import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ClockSkewError,
  PayClientError,
  SignatureError,
  UnexpectedResponseError,
} from "../../src/core/errors.js";
import type { RequestEvent } from "../../src/core/hooks.js";
import { signDaxPay, verifyDaxPaySignature } from "../../src/daxpay/sign.js";
import { signGatePay, verifyGatePaySignature } from "../../src/gatepay/sign.js";
import { signPayerMax, verifyPayerMaxSignature } from "../../src/payermax/sign.js";
import { type Sandbox, startSandbox } from "../../src/sandbox/index.js";
import {
  type ClientSet,
  type ClientSetOptions,
  createClients,
  type Outcome,
  rejectionOf,
  settle,
} from "./support/clients.js";
import { reliabilityCredentials } from "./support/credentials.js";
import { writeFigures } from "./support/figures.js";
import { hostileString, isWellFormedUtf16 } from "./support/hostile.js";
import { LeakWatch } from "./support/leaks.js";
import { capturingFetch, type SentRequest } from "./support/signed-requests.js";
import {
  changeHeaderChar,
  flipBodyByte,
  type ProxiedAnswer,
  startTamperProxy,
  type TamperProxy,
} from "./support/tamper-proxy.js";

const startedAt = performance.now();
const RUNS = 1_000;
const PROPERTY_TIMEOUT_MS = 60_000;
const credentials = reliabilityCredentials();
const leaks = new LeakWatch(credentials.secretMaterial, credentials.publicMaterial);
const stopWatchingConsole = leaks.watchConsole();
let sandbox: Sandbox;
let proxy: TamperProxy;
/** Clients talking to the sandbox through the proxy. */
let clients: ClientSet;
/** Same, but GatePay requires a signature on every answer. */
let strictClients: ClientSet;
/** Every hook event of the tampered calls, checked for secrets at the end. */
const hookEvents: RequestEvent[] = [];

const figures: Record<string, number> = {};
function count(name: string): void {
  figures[name] = (figures[name] ?? 0) + 1;
}

beforeAll(async () => {
  sandbox = await startSandbox({ credentials: credentials.input, gatepayResponseSignatures: true });
  proxy = await startTamperProxy(sandbox.url);
  clients = createClients(proxy.url, sandbox.credentials, {
    retry: { retries: 0 },
    onRequest: (event) => hookEvents.push(event),
    onResponse: (event) => hookEvents.push(event),
  });
  strictClients = createClients(proxy.url, sandbox.credentials, {
    retry: { retries: 0 },
    gatepayResponseSignatures: "required",
  });
});

afterAll(async () => {
  stopWatchingConsole();
  await proxy.close();
  await sandbox.stop();
  writeFigures("tampering", figures, startedAt, leaks);
});

/** A tampered answer must be refused as untrusted: a bad signature, or an answer that no longer parses. */
function expectRefusedAsTampered(outcome: Outcome, property: string): void {
  expect(outcome.ok).toBe(false);
  const error = (outcome as { error: unknown }).error;
  leaks.check(`${property} tampered answer`, error);
  const refused = error instanceof SignatureError || error instanceof UnexpectedResponseError;
  if (!refused) throw new Error(`${property}: a tampered answer surfaced as ${String(error)}`);
  count(`${property}.${(error as PayClientError).name}`);
}

/** Which order a run cancels: one the call succeeds on, or one the provider refuses (a signed refusal). */
const orderState = fc.constantFrom("unpaid", "paid");
/** Where to change a byte, and how: body bytes are XOR-ed with `byte`, header characters moved 1 to 93 places on. */
const mutation = fc.record({ position: fc.nat(), byte: fc.integer({ min: 1, max: 255 }) });
const headerStep = (byte: number) => 1 + (byte % 93);

/** Where a byte of a DaxPay answer lies, as far as its signature is concerned. */
type DaxPayByteRole = "signed" | "null member" | "envelope";

/**
 * What DaxPay's signature covers at byte `at` of an answer body: "signed" inside `data` (its key and
 * every non-null member), "null member" inside a `"name":null` member of `data` (the server skips
 * nulls when signing, so the signature cannot see them), "envelope" outside `data`.
 */
function daxPayByteRole(body: Buffer, at: number): DaxPayByteRole {
  const start = body.indexOf('"data":{');
  const end = body.indexOf("}", start);
  if (start === -1 || at < start || at > end) return "envelope";
  // latin1: one character per byte, so a match index is a byte offset.
  const data = body.subarray(start, end + 1).toString("latin1");
  for (const member of data.matchAll(/"[^"]*":null/g)) {
    const from = start + (member.index ?? 0);
    if (at >= from && at < from + member[0].length) return "null member";
  }
  return "signed";
}

/** DaxPay's `data` as the client delivers it: resTime (int64) as exact decimal text. */
function exactDaxPayData(data: Record<string, unknown>): Record<string, unknown> {
  return { ...data, resTime: String(data.resTime) };
}

/** The members of `data` the signature covers: every one that is not null. */
function signedFields(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== null));
}

describe("an answer with one byte changed on the way", () => {
  it("passes through the proxy untouched and is accepted when nobody tampers (the control)", async () => {
    proxy.tamper = (answer) => answer;
    const gatepay = await clients.gatepay.closeOrder({
      merchantTradeNo: sandbox.seed.gatepayPrepayOrder().merchantTradeNo,
    });
    expect(gatepay.data).toStrictEqual({ result: "SUCCESS" });
    expect(proxy.genuine?.headers["x-gatepay-signature"]).toMatch(/^[0-9a-f]{128}$/);
    const daxpay = await clients.daxpay.cancel({ orderNo: sandbox.seed.daxpayOrder().orderNo });
    expect(daxpay.status).toBe("cancelled");
    const outTradeNo = sandbox.seed.payermaxOrder().outTradeNo;
    const payermax = await clients.payermax.cancel({ requestId: `r-${outTradeNo}`, outTradeNo });
    expect(payermax.status).toBe("PENDING");
    expect(proxy.genuine?.headers.sign).toMatch(/^[A-Za-z0-9+/]{342}==$/);
  });

  it(
    `payermax: ${RUNS} answers with a byte of the body or of the sign header changed are all refused`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          orderState,
          fc.constantFrom("body", "sign"),
          mutation,
          async (state, target, change) => {
            const order = sandbox.seed.payermaxOrder({
              status: state === "paid" ? "CAPTURED" : "AUTHORIZED",
            });
            proxy.tamper = (answer) =>
              target === "body"
                ? flipBodyByte(answer, change.position, change.byte)
                : changeHeaderChar(answer, "sign", change.position, headerStep(change.byte));
            const outcome = await settle(
              clients.payermax.cancel({ requestId: `r-${order.outTradeNo}`, outTradeNo: order.outTradeNo }),
            );
            expect(proxy.genuine?.body.toString()).toMatch(/^\{"code":"APPLY_SUCCESS"/);
            expectRefusedAsTampered(outcome, "payermax");
            count("payermax.runs");
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    `gatepay with response signatures: ${RUNS} answers with a byte of the body or of a signed header changed are all refused`,
    async () => {
      const operations = {
        closeOrder: (state: string) =>
          clients.gatepay.closeOrder({
            merchantTradeNo: sandbox.seed.gatepayPrepayOrder({
              status: state === "paid" ? "PAID" : "PENDING",
            }).merchantTradeNo,
          }),
        cancelRecharge: (state: string) =>
          clients.gatepay.cancelRecharge({
            orderId: sandbox.seed.gatepayRecharge({ status: state === "paid" ? "PAID" : "PENDING" }).orderId,
          }),
        createRecharge: (state: string) => {
          const quote = sandbox.mintQuote();
          return clients.gatepay.createRecharge({
            quoteToken: quote.quoteToken,
            bankId: "ba_tamper",
            currency: quote.currency,
            // A "paid" run asks for other amounts than quoted: a signed 400001 refusal.
            amount: state === "paid" ? "1" : quote.amount,
            fiatCurrency: quote.fiatCurrency,
            fiatAmount: quote.fiatAmount,
          });
        },
      };
      const targets = ["body", "x-gatepay-signature", "x-gatepay-timestamp", "x-gatepay-nonce"] as const;
      await fc.assert(
        fc.asyncProperty(
          orderState,
          fc.constantFrom(...(Object.keys(operations) as (keyof typeof operations)[])),
          fc.constantFrom(...targets),
          mutation,
          async (state, operation, target, change) => {
            proxy.tamper = (answer) =>
              target === "body"
                ? flipBodyByte(answer, change.position, change.byte)
                : changeHeaderChar(answer, target, change.position, headerStep(change.byte));
            const outcome = await settle(operations[operation](state));
            expect(proxy.genuine?.headers["x-gatepay-signature"]).toMatch(/^[0-9a-f]{128}$/);
            expectRefusedAsTampered(outcome, "gatepay");
            count("gatepay.runs");
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    `daxpay: ${RUNS} answers with a byte changed are refused when it is in the signed data, and never change the verified result otherwise`,
    async () => {
      await fc.assert(
        fc.asyncProperty(orderState, mutation, async (state, change) => {
          const order = sandbox.seed.daxpayOrder({ status: state === "paid" ? "success" : "progress" });
          // Set by the proxy when the answer passes; `as` keeps TypeScript from narrowing it to "envelope".
          let where = "envelope" as DaxPayByteRole;
          proxy.tamper = (answer) => {
            const at = change.position % answer.body.length;
            where = daxPayByteRole(answer.body, at);
            return flipBodyByte(answer, at, change.byte);
          };
          const outcome = await settle(clients.daxpay.cancel({ orderNo: order.orderNo }));
          const genuine = JSON.parse(proxy.genuine?.body.toString() ?? "{}") as { data?: unknown };
          expect(genuine.data).toMatchObject({ sign: expect.stringMatching(/^[0-9a-f]{64}$/) });
          const genuineData = genuine.data as Record<string, unknown>;
          if (where === "signed") {
            expectRefusedAsTampered(outcome, "daxpay");
            count("daxpay.inData");
          } else if (outcome.ok) {
            // Only what DaxPay does not sign changed (the envelope's msg or traceId, or a null field of
            // data: the server skips nulls when signing): every signed field is the genuine one.
            expect(state).toBe("unpaid");
            const data = (outcome.value as { data: Record<string, unknown> }).data;
            if (where === "envelope") expect(data).toStrictEqual(exactDaxPayData(genuineData));
            else expect(signedFields(data)).toStrictEqual(signedFields(exactDaxPayData(genuineData)));
            count(where === "envelope" ? "daxpay.outsideDataSameResult" : "daxpay.nullFieldSameResult");
          } else {
            leaks.check("daxpay tampered envelope", outcome.error);
            expect(outcome.error).toBeInstanceOf(PayClientError);
            count(where === "envelope" ? "daxpay.outsideDataRefused" : "daxpay.nullFieldRefused");
          }
          count("daxpay.runs");
        }),
        { numRuns: RUNS },
      );
      expect(figures["daxpay.inData"] ?? 0).toBeGreaterThan(RUNS / 4);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it("gatepay: an answer stripped of its signature headers is refused when signatures are required", async () => {
    proxy.tamper = (answer) => ({
      ...answer,
      headers: { "content-type": answer.headers["content-type"] ?? "" },
    });
    const error = await rejectionOf(
      strictClients.gatepay.closeOrder({
        merchantTradeNo: sandbox.seed.gatepayPrepayOrder().merchantTradeNo,
      }),
    );
    expect(error).toBeInstanceOf(SignatureError);
    expect((error as SignatureError).reason).toBe("missing");
    leaks.check("gatepay stripped signature", error);
  });

  it("payermax: a genuine signed answer about another cancel, replayed in place of the real one, is refused", async () => {
    proxy.tamper = (answer) => answer;
    const first = sandbox.seed.payermaxOrder().outTradeNo;
    await clients.payermax.cancel({ requestId: `r-${first}`, outTradeNo: first });
    const aboutFirst = proxy.genuine as ProxiedAnswer;
    proxy.tamper = () => aboutFirst;
    const second = sandbox.seed.payermaxOrder().outTradeNo;
    const error = await rejectionOf(
      clients.payermax.cancel({ requestId: `r-${second}`, outTradeNo: second }),
    );
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as UnexpectedResponseError).reason).toBe("wrong_shape");
    expect((error as UnexpectedResponseError).message).toBe(
      "[payermax cancel] response does not match the expected schema: the signed answer is about another cancel (its requestId or outTradeNo differs)",
    );
    leaks.check("payermax replayed answer", error);
  });

  it("payermax: an APPLY_SUCCESS answer stripped of its sign header is refused", async () => {
    proxy.tamper = (answer) => ({
      ...answer,
      headers: { "content-type": answer.headers["content-type"] ?? "" },
    });
    const outTradeNo = sandbox.seed.payermaxOrder().outTradeNo;
    const error = await rejectionOf(clients.payermax.cancel({ requestId: `r-${outTradeNo}`, outTradeNo }));
    expect(error).toBeInstanceOf(SignatureError);
    expect((error as SignatureError).reason).toBe("missing");
  });
});

describe("replayed requests at the sandbox", () => {
  /** Sends one captured request again, byte for byte, straight to the sandbox. */
  async function replay(request: SentRequest): Promise<{ status: number; body: { code?: string } }> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === "string") headers[name] = value;
    const response = await fetch(`${sandbox.url}${request.path}`, {
      method: "POST",
      headers,
      body: request.body,
    });
    return { status: response.status, body: (await response.json()) as { code?: string } };
  }

  function capturingClients(sent: SentRequest[], options: ClientSetOptions = {}): ClientSet {
    return createClients(sandbox.url, sandbox.credentials, {
      fetch: capturingFetch(sent),
      retry: { retries: 0 },
      ...options,
    });
  }

  it("a GatePay request sent again with its nonce is refused 400020, and the order is closed once", async () => {
    const sent: SentRequest[] = [];
    const order = sandbox.seed.gatepayPrepayOrder();
    await capturingClients(sent).gatepay.closeOrder({ merchantTradeNo: order.merchantTradeNo });
    const again = await replay(sent[0] as SentRequest);
    // GatePay answers request errors with HTTP 200 (its error-code page).
    expect(again).toStrictEqual({
      status: 200,
      body: { status: "FAIL", code: "400020", errorMessage: "signature nonce error" },
    });
    const record = sandbox
      .orders("gatepayPrepayOrder")
      .find((o) => o.merchantTradeNo === order.merchantTradeNo);
    expect(record).toMatchObject({ status: "CLOSED", stateChanges: 1 });
    count("replays");
  });

  it("a replayed createRecharge is refused 400020 and creates no second recharge", async () => {
    const sent: SentRequest[] = [];
    const quote = sandbox.mintQuote();
    const before = sandbox.orders("gatepayRecharge").length;
    await capturingClients(sent).gatepay.createRecharge({
      quoteToken: quote.quoteToken,
      bankId: "ba_replay",
      currency: quote.currency,
      amount: quote.amount,
      fiatCurrency: quote.fiatCurrency,
      fiatAmount: quote.fiatAmount,
    });
    expect((await replay(sent[0] as SentRequest)).body.code).toBe("400020");
    expect(sandbox.orders("gatepayRecharge")).toHaveLength(before + 1);
    count("replays");
  });

  it("a correctly signed request that reuses a spent nonce under a new timestamp is refused 400020", async () => {
    const sent: SentRequest[] = [];
    const order = sandbox.seed.gatepayPrepayOrder();
    await capturingClients(sent).gatepay.closeOrder({ merchantTradeNo: order.merchantTradeNo });
    const first = sent[0] as SentRequest;
    const nonce = String(first.headers["x-gatepay-nonce"]);
    const timestamp = String(Date.now() + 1);
    const body = JSON.stringify({ merchantTradeNo: sandbox.seed.gatepayPrepayOrder().merchantTradeNo });
    const again = await replay({
      path: first.path,
      body,
      headers: {
        ...first.headers,
        "x-gatepay-timestamp": timestamp,
        "x-gatepay-signature": signGatePay({
          secret: sandbox.credentials.gatepay.secret,
          timestamp,
          nonce,
          body,
        }),
      },
    });
    expect(again.body.code).toBe("400020");
    count("replays");
  });

  it("a GatePay request signed more than 10 s ago is refused 400003, and so is its replay", async () => {
    const sent: SentRequest[] = [];
    const order = sandbox.seed.gatepayPrepayOrder();
    // Signed 10.5 s ago: the request is stale on arrival. The same slow clock would find the
    // sandbox's signed answer 10.5 s in its future too (a SignatureError "stale"), so this client
    // leaves answer signatures unchecked to show what the sandbox said.
    const error = await rejectionOf(
      capturingClients(sent, {
        now: () => Date.now() - 10_500,
        gatepayResponseSignatures: "off",
      }).gatepay.closeOrder({ merchantTradeNo: order.merchantTradeNo }),
    );
    expect(error).toBeInstanceOf(ClockSkewError);
    expect((error as ClockSkewError).providerCode).toBe("400003");
    // Replayed, it is still stale; the order was never touched.
    expect((await replay(sent[0] as SentRequest)).body.code).toBe("400003");
    expect(sandbox.orders("gatepayPrepayOrder").find((o) => o.prepayId === order.prepayId)?.status).toBe(
      "PENDING",
    );
    count("replays");
  });
});

/** One code unit of `text` replaced by another character: always a different string. */
function changeChar(text: string, position: number, replacement: string): string {
  const at = position % text.length;
  const next = text.charAt(at) === replacement ? `${replacement}x` : replacement;
  return text.slice(0, at) + next + text.slice(at + 1);
}

/** A printable ASCII character chosen by `step`. */
const printable = (step: number) => String.fromCharCode(0x21 + (step % 94));

/** Callback bodies arrive as UTF-8 bytes, so they are well-formed text. */
const callbackBody = hostileString.filter((text) => text.length > 0 && isWellFormedUtf16(text));
/**
 * One byte of the received bytes changed, then decoded as a receiver would. The result can be the very
 * same text (a truncated sequence at the end decodes to the U+FFFD that was there): then nothing the
 * receiver sees has changed, and the properties skip that input.
 */
function withByteChanged(text: string, position: number, delta: number): string {
  const bytes = Buffer.from(text, "utf8");
  const at = position % bytes.length;
  bytes[at] = (bytes[at] ?? 0) ^ delta;
  return new TextDecoder().decode(bytes);
}

describe("callback verification helpers", () => {
  const secret = credentials.input.gatepay.secret;
  const daxpaySecret = credentials.input.daxpay.secret;

  it(`verifyGatePaySignature refuses ${RUNS} callbacks with a byte of the body, timestamp, nonce or signature changed`, () => {
    fc.assert(
      fc.property(
        callbackBody,
        fc.constantFrom("body", "timestamp", "nonce", "signature"),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (body, part, position, delta) => {
          const timestamp = String(Date.now());
          const nonce = randomBytes(12).toString("hex");
          const signature = signGatePay({ secret, timestamp, nonce, body });
          const genuine = { secret, timestamp, nonce, body, signature };
          expect(verifyGatePaySignature(genuine)).toBe(true);
          const changedBody = withByteChanged(body, position, delta);
          fc.pre(part !== "body" || changedBody !== body);
          const altered =
            part === "body"
              ? { ...genuine, body: changedBody }
              : { ...genuine, [part]: changeChar(genuine[part], position, printable(delta)) };
          expect(verifyGatePaySignature(altered)).toBe(false);
          count("callbacks.gatepay");
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(
    `verifyPayerMaxSignature refuses ${RUNS} notifications with a byte of the body or a character of the sign changed`,
    () => {
      const key = credentials.platformPublicKey;
      fc.assert(
        fc.property(
          callbackBody,
          fc.boolean(),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (body, inBody, position, delta) => {
            const signature = signPayerMax(body, credentials.platformPrivateKey);
            expect(verifyPayerMaxSignature(body, signature, key)).toBe(true);
            const changedBody = withByteChanged(body, position, delta);
            fc.pre(!inBody || changedBody !== body);
            const altered = inBody
              ? verifyPayerMaxSignature(changedBody, signature, key)
              : verifyPayerMaxSignature(body, changeChar(signature, position, printable(delta)), key);
            expect(altered).toBe(false);
            count("callbacks.payermax");
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(`verifyDaxPaySignature refuses ${RUNS} callbacks with a value, a field or the sign changed`, () => {
    // Quotes and backslashes are deleted before signing (docs/providers.md, "DaxPay", step 3), so a change
    // to one of them alone is invisible to the rule; see the next test.
    const value = callbackBody.filter((text) => !/["\\]/.test(text));
    const fields = fc.record({
      orderNo: value,
      bizOrderNo: value,
      status: fc.constantFrom("SUCCESS", "CLOSE", "CANCEL"),
      amount: fc.integer({ min: 1, max: 10_000_000 }),
      reason: fc.option(value, { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fields,
        fc.constantFrom("value", "added field", "removed field", "sign"),
        fc.nat(),
        fc.integer({ min: 1, max: 93 }),
        (callback, change, position, delta) => {
          const signed = { ...callback, sign: signDaxPay(callback, daxpaySecret) };
          expect(verifyDaxPaySignature(signed, daxpaySecret)).toBe(true);
          const replacement = String.fromCharCode(0x23 + (delta % 57)); // '#' to '[': no quote, no backslash
          let altered: Record<string, unknown>;
          switch (change) {
            case "value":
              altered = { ...signed, orderNo: changeChar(signed.orderNo, position, replacement) };
              break;
            case "added field":
              altered = { ...signed, refundable: "true" };
              break;
            case "removed field":
              altered = { ...signed, bizOrderNo: undefined };
              break;
            case "sign":
              altered = { ...signed, sign: changeChar(signed.sign, position, replacement) };
              break;
          }
          expect(verifyDaxPaySignature(altered, daxpaySecret)).toBe(false);
          count("callbacks.daxpay");
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("DaxPay's rule cannot see quotes and backslashes: a callback differing only in them verifies (the provider's rule)", () => {
    const signed = { orderNo: 'A"1', sign: signDaxPay({ orderNo: 'A"1' }, daxpaySecret) };
    expect(verifyDaxPaySignature({ ...signed, orderNo: "A1" }, daxpaySecret)).toBe(true);
    expect(verifyDaxPaySignature({ ...signed, orderNo: "A\\1" }, daxpaySecret)).toBe(true);
    expect(verifyDaxPaySignature({ ...signed, orderNo: "A2" }, daxpaySecret)).toBe(false);
  });
});

describe("secrets under tampering", () => {
  it("no secret or key material appears in any error, hook event, console line or serialized client", () => {
    for (const client of [...Object.values(clients), ...Object.values(strictClients)]) {
      leaks.check(`${client.provider} client`, client);
    }
    expect(hookEvents.length).toBeGreaterThan(RUNS);
    leaks.check("hook events", hookEvents);
    expect(leaks.findings()).toStrictEqual([]);
    expect(leaks.checked).toBeGreaterThan(RUNS);
  });
});
