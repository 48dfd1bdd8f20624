// The sandbox as a notification sender: when an order changes state it POSTs the provider's
// notification to the configured notify URL, signed as the provider signs it, and retries with
// backoff until the provider's acknowledgement comes back (at least once: a lost acknowledgement
// means a duplicate, as with the real providers). Shapes and acknowledgements follow
// docs/notifications.md. Only loopback URLs are allowed unless the caller says otherwise.

import { attemptDeadline } from "../core/transport.js";
import { signDaxPay } from "../daxpay/sign.js";
import { GATEPAY_HEADER } from "../gatepay/codes.js";
import { signGatePay } from "../gatepay/sign.js";
import { PAYERMAX_SIGN_HEADER } from "../payermax/codes.js";
import { signPayerMax } from "../payermax/sign.js";
import type { SandboxKeys } from "./credentials.js";
import { expectObject, isRecord, optionalInteger, rejectUnknownKeys, SandboxInputError } from "./input.js";
import { randomAlphanumeric } from "./route.js";
import type {
  DaxPayOrderRecord,
  GatePayPrepayOrderRecord,
  GatePayRechargeRecord,
  PayerMaxCancelRecord,
  PayerMaxOrderRecord,
  SandboxOrderRecord,
  SandboxStateChange,
} from "./state.js";

/** Options of the sandbox's notification sender (startSandbox's `notifications`). */
export interface SandboxNotificationOptions {
  /** Deliver to hosts other than loopback (127.0.0.0/8, ::1, localhost); default false. */
  allowNonLoopback?: boolean;
  /** Waits between attempts, in ms; one attempt more than entries. Default [100, 200, 400, 800, 1600, 3200]. */
  retryDelaysMs?: readonly number[];
  /** How long a PayerMax cancel answered PENDING takes to settle before its CANCEL notification; default 100 ms. */
  payermaxCancelSettleMs?: number;
  /** Per-attempt timeout in ms; default 5000 (DaxPay's own). */
  timeoutMs?: number;
}

/** One POST of a notification. */
export interface SandboxDeliveryAttempt {
  /** Sandbox clock, epoch ms, when it was sent. */
  readonly at: number;
  /** The HTTP status answered; null when no answer came (refused, timed out). */
  readonly status: number | null;
  /** True when the answer was the provider's exact acknowledgement. */
  readonly acknowledged: boolean;
  /** Why there was no answer (e.g. "ECONNREFUSED", "timeout"); null when one came. */
  readonly error: string | null;
}

/** One notification and its delivery attempts. */
export interface SandboxNotificationRecord {
  readonly id: number;
  readonly provider: "gatepay" | "daxpay" | "payermax";
  /** What it reports, in the provider's words: e.g. `PAY_CLOSE`, `RECHARGE_SUCCESS`, `cancel`, `CANCEL:SUCCESS`. */
  readonly event: string;
  /** The order's id (prepayId, orderId, orderNo, outTradeNo). */
  readonly orderId: string;
  readonly url: string;
  /** The body as sent (GatePay re-signs each attempt; the body stays the same). */
  readonly body: string;
  readonly state: "pending" | "acknowledged" | "failed";
  readonly attempts: readonly SandboxDeliveryAttempt[];
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

interface Outgoing {
  readonly record: Writable<SandboxNotificationRecord> & { attempts: SandboxDeliveryAttempt[] };
  /** The headers of one attempt (GatePay signs each one afresh; the others sign the body once). */
  headersFor(now: number): Record<string, string>;
  acknowledged(status: number, text: string): boolean;
}

const DEFAULT_RETRY_DELAYS_MS = [100, 200, 400, 800, 1600, 3200];
const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

/** True for a URL whose host is a loopback address. */
function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
}

/** Validates the `notifications` option; throws SandboxInputError naming the field. */
export function parseNotificationOptions(value: unknown): Required<SandboxNotificationOptions> {
  const input = expectObject(value ?? {}, "notifications");
  rejectUnknownKeys(
    input,
    ["allowNonLoopback", "retryDelaysMs", "payermaxCancelSettleMs", "timeoutMs"],
    "notifications",
  );
  const allow = input.allowNonLoopback ?? false;
  if (typeof allow !== "boolean")
    throw new SandboxInputError("notifications.allowNonLoopback", "must be a boolean");
  const delays = input.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  if (
    !Array.isArray(delays) ||
    delays.length > 50 ||
    !delays.every((delay) => Number.isSafeInteger(delay) && delay >= 0 && delay <= 3_600_000)
  ) {
    throw new SandboxInputError(
      "notifications.retryDelaysMs",
      "must be at most 50 integers from 0 to 3600000",
    );
  }
  return {
    allowNonLoopback: allow,
    retryDelaysMs: [...delays],
    payermaxCancelSettleMs:
      optionalInteger(input, "payermaxCancelSettleMs", "notifications", 0, 3_600_000) ?? 100,
    timeoutMs: optionalInteger(input, "timeoutMs", "notifications", 1, 600_000) ?? 5000,
  };
}

/** The notify URL as it will be used (null for none); SandboxInputError for a bad or, unless allowed, non-loopback one. */
export function checkNotifyUrl(value: unknown, allowNonLoopback: boolean): string | null {
  if (value === null || value === undefined) return null;
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new SandboxInputError("notifyUrl", "must be an absolute http(s) URL");
  }
  if (!allowNonLoopback && !isLoopback(url)) {
    throw new SandboxInputError(
      "notifyUrl",
      "must be a loopback address (127.0.0.0/8, ::1, localhost) unless notifications.allowNonLoopback is set",
    );
  }
  return url.href;
}

function errorCode(error: unknown): string {
  // Duck-typed: fetch's errors may come from another realm, where instanceof Error is false.
  const failure = error as { name?: unknown; cause?: { code?: unknown } } | null;
  if (failure?.name === "TimeoutError") return "timeout";
  const code = failure?.cause?.code;
  return typeof code === "string" ? code : "network_error";
}

function jsonField(text: string, field: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value[field] : undefined;
  } catch {
    return undefined;
  }
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Builds, signs and delivers the sandbox's notifications; one per sandbox. */
export class NotificationDelivery {
  readonly #keys: SandboxKeys;
  readonly #clock: () => number;
  readonly #options: Required<SandboxNotificationOptions>;
  #url: string | null = null;
  #nextId = 1;
  readonly #records: Outgoing["record"][] = [];
  readonly #running = new Set<Promise<void>>();
  /** Pending waits, so stop() can end them at once. */
  readonly #waits = new Map<ReturnType<typeof setTimeout>, () => void>();
  #stopped = false;
  readonly #abort = new AbortController();

  constructor(keys: SandboxKeys, clock: () => number, options: Required<SandboxNotificationOptions>) {
    this.#keys = keys;
    this.#clock = clock;
    this.#options = options;
  }

  /** Sets (or with null clears) where notifications go; throws SandboxInputError for a bad or non-loopback URL. */
  setNotifyUrl(value: unknown): void {
    this.#url = checkNotifyUrl(value, this.#options.allowNonLoopback);
  }

  /** True while a notify URL is set and the sandbox runs. */
  get active(): boolean {
    return this.#url !== null && !this.#stopped;
  }

  /** Where notifications currently go; null when none is set. */
  get notifyUrl(): string | null {
    return this.#url;
  }

  /** Every notification with its attempts, oldest first (copies). */
  list(): SandboxNotificationRecord[] {
    return this.#records.map((record) => structuredClone(record));
  }

  /** Resolves when every notification is acknowledged or has failed (PayerMax cancels settle first). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /** Called by the state store after an order changed; must not throw into it. */
  orderChanged(record: SandboxOrderRecord, change: SandboxStateChange): void {
    if (this.#url === null || this.#stopped) return;
    switch (record.kind) {
      case "gatepayPrepayOrder":
        this.#gatepayPrepay(record, change);
        break;
      case "gatepayRecharge":
        this.#gatepayRecharge(record, change);
        break;
      case "daxpayOrder":
        this.#daxpay(record, change);
        break;
      case "payermaxOrder":
        // A cancel reports through payermaxCancelDecided; a capture is a payment.
        if (record.status === "CAPTURED") this.#payermaxPayment(record, change);
        break;
    }
  }

  /** Called when a PayerMax cancel was decided (answered PENDING or FAILED); its result is notified once it settles. */
  payermaxCancelDecided(cancel: PayerMaxCancelRecord, outTradeNo: string): void {
    if (this.#url === null || this.#stopped) return;
    const url = this.#url;
    this.#track(
      this.#sleep(this.#options.payermaxCancelSettleMs).then(() => {
        if (!this.#stopped) this.#payermaxCancel(cancel, outTradeNo, url);
      }),
    );
  }

  /** Stops every pending delivery and timer. */
  stop(): void {
    this.#stopped = true;
    this.#abort.abort();
    for (const [timer, resolve] of this.#waits) {
      clearTimeout(timer);
      resolve();
    }
    this.#waits.clear();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#waits.delete(timer);
        resolve();
      }, ms);
      this.#waits.set(timer, resolve);
    });
  }

  #gatepayPrepay(record: GatePayPrepayOrderRecord, change: SandboxStateChange): void {
    const bizStatus = { CLOSED: "PAY_CLOSE", PAID: "PAY_SUCCESS" }[record.status as string];
    if (bizStatus === undefined) return;
    const data = JSON.stringify({ merchantTradeNo: record.merchantTradeNo, updateTime: change.at });
    this.#gatepay(bizStatus, record.prepayId, {
      bizType: "PAY",
      bizId: record.prepayId,
      bizStatus,
      client_id: this.#keys.credentials.gatepay.clientId,
      data,
    });
  }

  #gatepayRecharge(record: GatePayRechargeRecord, change: SandboxStateChange): void {
    // GatePay documents RECHARGE_SUCCESS and RECHARGE_FAIL for deposits; a cancelled one did not succeed.
    const bizStatus = { PAID: "RECHARGE_SUCCESS", CANCELLED: "RECHARGE_FAIL" }[record.status as string];
    if (bizStatus === undefined) return;
    const data = JSON.stringify({
      orderId: record.orderId,
      type: "BUY",
      fiatCurrency: record.fiatCurrency,
      fiatAmount: record.fiatAmount,
      cryptoCurrency: record.currency,
      cryptoAmount: record.amount,
      fiatRate: record.cfRate,
      updateTime: String(change.at),
    });
    this.#gatepay(bizStatus, record.orderId, {
      bizType: "OTC",
      bizId: record.orderId,
      bizStatus,
      clientId: this.#keys.credentials.gatepay.clientId,
      data,
    });
  }

  #gatepay(event: string, orderId: string, envelope: Record<string, unknown>): void {
    const body = JSON.stringify(envelope);
    const secret = this.#keys.credentials.gatepay.secret;
    this.#send("gatepay", event, orderId, body, {
      headersFor: (now) => {
        const timestamp = String(now);
        const nonce = randomAlphanumeric(32);
        return {
          [GATEPAY_HEADER.timestamp]: timestamp,
          [GATEPAY_HEADER.nonce]: nonce,
          [GATEPAY_HEADER.signature]: signGatePay({ secret, timestamp, nonce, body }),
        };
      },
      acknowledged: (status, text) => status === 200 && jsonField(text, "returnCode") === "SUCCESS",
    });
  }

  #daxpay(record: DaxPayOrderRecord, change: SandboxStateChange): void {
    if (record.status === "progress") return;
    const at = seconds(change.at);
    const fields: Record<string, unknown> = {
      code: 0,
      resTime: at,
      orderNo: record.orderNo,
      bizOrderNo: record.bizOrderNo,
      status: record.status,
      refundStatus: "no_refund",
      allocation: false,
      ...(record.status === "success" ? { payTime: at } : { closeTime: at }),
    };
    const { secret, signType } = this.#keys.credentials.daxpay;
    // Built and signed once, then resent verbatim, as the server does (ClientNoticeAssistService).
    const body = JSON.stringify({ ...fields, sign: signDaxPay(fields, secret, signType) });
    this.#send("daxpay", record.status, record.orderNo, body, {
      headersFor: () => ({}),
      acknowledged: (_status, text) => text === "SUCCESS",
    });
  }

  #payermaxEnvelope(notifyType: string, data: Record<string, unknown>): string {
    const { appId, merchantNo } = this.#keys.credentials.payermax;
    return JSON.stringify({
      code: "APPLY_SUCCESS",
      msg: "Success.",
      keyVersion: "1",
      appId,
      merchantNo,
      notifyTime: new Date(this.#clock()).toISOString(),
      notifyType,
      data,
    });
  }

  #payermaxPayment(record: PayerMaxOrderRecord, _change: SandboxStateChange): void {
    const body = this.#payermaxEnvelope("PAYMENT", {
      outTradeNo: record.outTradeNo,
      tradeToken: `T${record.outTradeNo}`,
      status: "SUCCESS",
    });
    this.#payermaxSend("PAYMENT:SUCCESS", record.outTradeNo, body);
  }

  #payermaxCancel(cancel: PayerMaxCancelRecord, outTradeNo: string, url: string): void {
    const settledAt = `${new Date(this.#clock()).toISOString().slice(0, 19)} +0000`;
    const body = this.#payermaxEnvelope("CANCEL", {
      cancelNo: cancel.cancelNo,
      requestId: cancel.requestId,
      outTradeNo,
      status: cancel.outcome,
      createdTime: `${new Date(cancel.createdAt).toISOString().slice(0, 19)} +0000`,
      succeededTime: cancel.outcome === "SUCCESS" ? settledAt : null,
      failedTime: cancel.outcome === "FAILED" ? settledAt : null,
      errorCode: cancel.errorCode,
      errorMsg: cancel.errorMsg,
    });
    this.#payermaxSend(`CANCEL:${cancel.outcome}`, outTradeNo, body, url);
  }

  #payermaxSend(event: string, orderId: string, body: string, url?: string): void {
    // PKCS#1 v1.5 is deterministic: one signature serves every attempt of the same body.
    const sign = signPayerMax(body, this.#keys.payermaxPlatformPrivateKey);
    this.#send(
      "payermax",
      event,
      orderId,
      body,
      {
        headersFor: () => ({ [PAYERMAX_SIGN_HEADER]: sign }),
        acknowledged: (_status, text) => jsonField(text, "code") === "SUCCESS",
      },
      url,
    );
  }

  #send(
    provider: SandboxNotificationRecord["provider"],
    event: string,
    orderId: string,
    body: string,
    how: Omit<Outgoing, "record">,
    url = this.#url ?? "",
  ): void {
    const record: Outgoing["record"] = {
      id: this.#nextId++,
      provider,
      event,
      orderId,
      url,
      body,
      state: "pending",
      attempts: [],
    };
    this.#records.push(record);
    this.#track(this.#deliver({ record, ...how }));
  }

  #track(work: Promise<void>): void {
    this.#running.add(work);
    void work.finally(() => this.#running.delete(work));
  }

  async #deliver(outgoing: Outgoing): Promise<void> {
    const { record } = outgoing;
    for (let attempt = 0; ; attempt++) {
      if (this.#stopped) return;
      const at = this.#clock();
      let status: number | null = null;
      let text = "";
      let error: string | null = null;
      // Raced as well as signalled: a merchant endpoint that never answers must not stall delivery,
      // whatever fetch does with the signal (see attemptDeadline).
      const deadline = attemptDeadline(this.#options.timeoutMs, this.#abort.signal);
      try {
        const response = await Promise.race([
          fetch(record.url, {
            method: "POST",
            headers: { "content-type": "application/json", ...outgoing.headersFor(at) },
            body: record.body,
            signal: deadline.signal,
            redirect: "manual",
          }),
          deadline.expired,
        ]);
        status = response.status;
        text = await Promise.race([response.text(), deadline.expired]);
      } catch (caught) {
        error = errorCode(caught);
      } finally {
        deadline.clear();
      }
      const acknowledged = status !== null && outgoing.acknowledged(status, text);
      record.attempts.push({ at, status, acknowledged, error });
      if (acknowledged) {
        record.state = "acknowledged";
        return;
      }
      const delay = this.#options.retryDelaysMs[attempt];
      if (delay === undefined || this.#stopped) {
        record.state = "failed";
        return;
      }
      await this.#sleep(delay);
    }
  }
}
